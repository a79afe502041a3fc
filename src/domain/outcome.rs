//! What a change of an identification's status causes, decided in one place: the customer's
//! mail, the events for the bank, the item for the bank's staff, the reads of what Solaris
//! holds. Storage writes these effects in the transaction of the change (`db`); the
//! senders send them. Nothing here does I/O.

use super::failure_reason::{is_permanent, is_waiting_list};
use super::{Concern, EventType, IdentificationStatus, MailKind};

/// How long a fresh `canceled` waits before its mail goes out and the customer's page offers
/// the retry: the review after a call takes 1–2 minutes (the guide's test scenarios), and it may
/// still turn the cancel into a success (appendix II, case 2). The mail is checked again
/// before it is sent.
pub const SETTLE_MS: i64 = 3 * 60 * 1000;

/// How long the return page, once IDnow sent the customer back, says that IDnow checks the
/// call, before it also offers to continue a call that may have been interrupted.
pub const CHECKING_MS: i64 = 10 * 60 * 1000;

/// A stored change of an identification's status, with what the rules need to know of its
/// application.
#[derive(Clone, Copy, Debug)]
pub struct StatusChange<'a> {
    pub identification_id: &'a str,
    /// The status stored before, if any.
    pub before: Option<&'a IdentificationStatus>,
    pub now: &'a IdentificationStatus,
    /// IDnow's failure reason, as Solaris gave it.
    pub failure_reason: Option<&'a str>,
    /// Solaris gave the identification a `completed_at`: IDnow finished the call.
    pub completed: bool,
    /// The customer withdrew the application.
    pub withdrawn: bool,
    /// How many events for the bank the application has so far: a status that comes back
    /// (aborted, then pending again on a retry) is a change of its own.
    pub events_so_far: i64,
}

/// One thing to do, once per `cause`: storage keeps at most one row per (application, cause),
/// so a change told twice (a webhook and a read) causes it once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Once<T> {
    pub what: T,
    pub cause: String,
}

impl<T> Once<T> {
    fn new(what: T, cause: String) -> Once<T> {
        Once { what, cause }
    }
}

/// Everything a status change causes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effects {
    /// The mail that tells the customer the outcome.
    pub mail: Option<Once<MailKind>>,
    /// How long after the change the mail is due: a status a review may still change waits
    /// [`SETTLE_MS`].
    pub mail_after_ms: i64,
    /// The events for the bank, in order: the status change, then what it means.
    pub events: Vec<Once<EventType>>,
    /// What the bank's staff must look at.
    pub concern: Option<Once<Concern>>,
    /// Read IDnow's attempts (and, after a success, the documents) for the bank's staff.
    pub fetch_evidence: bool,
    /// Read the person again: IDnow may have corrected the data in the call.
    pub read_person: bool,
    /// The history entry's detail: the identification, its status and reason (codes only).
    pub history_detail: String,
}

/// What a status change causes (guide appendix I and II).
pub fn outcome(change: &StatusChange) -> Effects {
    let StatusChange {
        identification_id: id,
        before,
        now,
        failure_reason,
        ..
    } = *change;
    let status = now.as_str();
    let earlier = change.events_so_far;
    let history_detail = match failure_reason {
        Some(reason) => format!("{id} {status} {reason}"),
        None => format!("{id} {status}"),
    };
    let mut events = vec![Once::new(
        EventType::StatusChanged,
        format!("status:{id}:{status}:{earlier}"),
    )];
    // Each cause counts the events before it: a success after a revoked one (case 3, then a
    // retry on the same link) is a new success, with its own event and mail.
    if let Some(event) = outcome_event(change) {
        events.push(Once::new(
            event,
            format!("{}:{id}:{earlier}", event.as_str()),
        ));
    }
    let concern = match (before, now) {
        (Some(IdentificationStatus::Successful), IdentificationStatus::Canceled) => {
            Some(Concern::CanceledAfterSuccess)
        }
        (_, IdentificationStatus::PendingFailed) => Some(Concern::PendingFailed),
        _ => None,
    }
    .map(|c| Once::new(c, format!("{}:{id}:{earlier}", c.as_str())));
    let mail = result_mail(change);
    let settles = mail == Some(MailKind::Action) && *now == IdentificationStatus::Canceled;
    Effects {
        mail: mail.map(|k| Once::new(k, format!("{}:{id}:{earlier}", k.as_str()))),
        mail_after_ms: if settles { SETTLE_MS } else { 0 },
        events,
        concern,
        fetch_evidence: !change.withdrawn && now.has_ended(),
        read_person: *now == IdentificationStatus::Successful
            && before != Some(&IdentificationStatus::Successful)
            && !change.withdrawn,
        history_detail,
    }
}

/// The mail that tells the customer the outcome: one per identification and outcome.
fn result_mail(change: &StatusChange) -> Option<MailKind> {
    let permanent = is_permanent(change.failure_reason);
    let was_successful = change.before == Some(&IdentificationStatus::Successful);
    Some(match change.now {
        IdentificationStatus::Aborted | IdentificationStatus::Canceled
            if is_waiting_list(change.failure_reason) =>
        {
            MailKind::WaitingList
        }
        IdentificationStatus::Successful => MailKind::Success,
        IdentificationStatus::Failed => MailKind::Refused,
        IdentificationStatus::Aborted | IdentificationStatus::Canceled if permanent => {
            MailKind::Refused
        }
        IdentificationStatus::Canceled if was_successful || change.completed => {
            MailKind::CanceledAfterSuccess
        }
        IdentificationStatus::Aborted | IdentificationStatus::Canceled => MailKind::Action,
        _ => return None,
    })
}

/// The event a new status means for the bank, besides the status change.
fn outcome_event(change: &StatusChange) -> Option<EventType> {
    let permanent = is_permanent(change.failure_reason);
    match change.now {
        IdentificationStatus::Successful => Some(EventType::Completed),
        IdentificationStatus::Canceled
            if change.before == Some(&IdentificationStatus::Successful) =>
        {
            Some(EventType::CompletionRevoked)
        }
        IdentificationStatus::Failed => Some(EventType::Failed),
        IdentificationStatus::Aborted | IdentificationStatus::Canceled if permanent => {
            Some(EventType::Failed)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IdentificationStatus as S;

    fn change<'a>(
        before: Option<&'a S>,
        now: &'a S,
        reason: Option<&'a str>,
        completed: bool,
    ) -> StatusChange<'a> {
        StatusChange {
            identification_id: "i-1",
            before,
            now,
            failure_reason: reason,
            completed,
            withdrawn: false,
            events_so_far: 3,
        }
    }

    /// One row: (before, now, reason, call completed) → (mail, the event after the status
    /// change, staff concern, evidence fetched, person read).
    type Row = (
        Option<S>,
        S,
        Option<&'static str>,
        bool,
        Option<MailKind>,
        Option<EventType>,
        Option<Concern>,
        bool,
        bool,
    );

    #[test]
    fn each_status_change_causes_what_the_guide_says() {
        use Concern as C;
        use EventType as E;
        use MailKind as M;
        const PERM: Option<&str> = Some("OTHER_MISCELLANEOUS_PERMANENT");
        const USER: Option<&str> = Some("USER_CANCELLATION");
        let table: &[Row] = &[
            (
                None,
                S::Created,
                None,
                false,
                None,
                None,
                None,
                false,
                false,
            ),
            (
                None,
                S::Pending,
                None,
                false,
                None,
                None,
                None,
                false,
                false,
            ),
            (
                Some(S::Pending),
                S::PendingSuccessful,
                None,
                true,
                None,
                None,
                None,
                false,
                false,
            ),
            (
                Some(S::Pending),
                S::PendingFailed,
                None,
                true,
                None,
                None,
                Some(C::PendingFailed),
                false,
                false,
            ),
            (
                None,
                S::Successful,
                None,
                true,
                Some(M::Success),
                Some(E::Completed),
                None,
                true,
                true,
            ),
            (
                Some(S::Successful),
                S::Successful,
                None,
                true,
                Some(M::Success),
                Some(E::Completed),
                None,
                true,
                false,
            ),
            (
                None,
                S::Failed,
                None,
                true,
                Some(M::Refused),
                Some(E::Failed),
                None,
                true,
                false,
            ),
            (
                Some(S::Pending),
                S::Aborted,
                USER,
                false,
                Some(M::Action),
                None,
                None,
                true,
                false,
            ),
            (
                Some(S::Pending),
                S::Aborted,
                PERM,
                false,
                Some(M::Refused),
                Some(E::Failed),
                None,
                true,
                false,
            ),
            (
                Some(S::Pending),
                S::Canceled,
                None,
                false,
                Some(M::Action),
                None,
                None,
                true,
                false,
            ),
            (
                Some(S::Pending),
                S::Canceled,
                PERM,
                true,
                Some(M::Refused),
                Some(E::Failed),
                None,
                true,
                false,
            ),
            (
                Some(S::PendingSuccessful),
                S::Canceled,
                None,
                true,
                Some(M::CanceledAfterSuccess),
                None,
                None,
                true,
                false,
            ),
            (
                Some(S::Successful),
                S::Canceled,
                Some("BAD_PHOTO_QUALITY"),
                true,
                Some(M::CanceledAfterSuccess),
                Some(E::CompletionRevoked),
                Some(C::CanceledAfterSuccess),
                true,
                false,
            ),
            (
                Some(S::Pending),
                S::Expired,
                None,
                false,
                None,
                None,
                None,
                true,
                false,
            ),
        ];
        for (before, now, reason, completed, mail, event, concern, fetch, read) in table {
            let effects = outcome(&change(before.as_ref(), now, *reason, *completed));
            let row = format!("{before:?} -> {now:?} ({reason:?})");
            assert_eq!(effects.mail.map(|m| m.what), *mail, "mail: {row}");
            assert_eq!(effects.events[0].what, EventType::StatusChanged, "{row}");
            assert_eq!(
                effects.events.get(1).map(|e| e.what),
                *event,
                "event: {row}"
            );
            assert_eq!(effects.concern.map(|c| c.what), *concern, "concern: {row}");
            assert_eq!(effects.fetch_evidence, *fetch, "evidence: {row}");
            assert_eq!(effects.read_person, *read, "person read: {row}");
        }
    }

    #[test]
    fn each_effect_is_caused_once_per_identification_and_a_returning_status_anew() {
        let effects = outcome(&change(Some(&S::Pending), &S::Successful, None, true));
        assert_eq!(effects.mail.unwrap().cause, "success:i-1:3");
        assert_eq!(effects.events[0].cause, "status:i-1:successful:3");
        assert_eq!(effects.events[1].cause, "application.completed:i-1:3");
        assert_eq!(effects.history_detail, "i-1 successful");
        let failed = outcome(&change(None, &S::PendingFailed, Some("TECH_VIDEO"), true));
        assert_eq!(failed.concern.unwrap().cause, "pending_failed:i-1:3");
        assert_eq!(failed.history_detail, "i-1 pending_failed TECH_VIDEO");
    }

    #[test]
    fn a_withdrawn_application_reads_nothing_more_of_the_person() {
        let mut c = change(Some(&S::Pending), &S::Successful, None, true);
        c.withdrawn = true;
        let effects = outcome(&c);
        assert!(!effects.fetch_evidence);
        assert!(!effects.read_person);
        assert_eq!(effects.mail.map(|m| m.what), Some(MailKind::Success));
    }
}
