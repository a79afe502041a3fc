//! IDnow failure reasons (guide appendix I), with whether each is permanent and whether the
//! customer caused it. `None` stands for the guide's "-": not stated.

/// One row of the guide's failure-code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureReasonInfo {
    pub code: &'static str,
    pub permanent: bool,
    pub caused_by_user: Option<bool>,
}

const fn r(code: &'static str, permanent: bool, caused_by_user: Option<bool>) -> FailureReasonInfo {
    FailureReasonInfo {
        code,
        permanent,
        caused_by_user,
    }
}

const Y: Option<bool> = Some(true);
const N: Option<bool> = Some(false);
const U: Option<bool> = None;

pub const FAILURE_REASONS: &[FailureReasonInfo] = &[
    r("AUDIO_OTHER", false, Y),
    r("BAD_AUDIO", false, Y),
    r("BAD_AUDIO_ENVIRONMENT", false, Y),
    r("BAD_PHOTO_QUALITY", false, Y),
    r("BAD_VIDEO", false, Y),
    r("CALL_QUALITY_FAIL", false, Y),
    r("CONNECTION_BAD", false, Y),
    r("CONNECTION_LOST", false, Y),
    r("CONNECTION_OTHER", false, Y),
    r("DATA_APPLICATION_ADDRESS", true, Y),
    r("DATA_APPLICATION_DATA", true, Y),
    r("DATA_ID_EXPIRED", false, Y),
    r("DISAGREE_WITH_VIDEO_RECORDING", false, Y),
    r("ENROLLED_TO_WAITING_LIST", true, Y),
    r("ID_NOT_SUPPORTED", false, Y),
    r("ID_DAMAGED", false, Y),
    r("ID_OTHER", false, Y),
    r("IDENT_CODE_NOT_RECEIVED", false, N),
    r("IDENT_CODE_REPEATEDLY_INCORRECT", false, Y),
    r("INCORRECT_ID_NUMBER", false, N),
    r("INCORRECT_NAME_IN_QES", false, N),
    r("INDECENT_BEHAVIOUR", true, Y),
    r("NO_AUDIO", false, Y),
    r("NO_CONNECTION", false, Y),
    r("NO_ESIGN_FRAUD", false, Y),
    r("NO_SECURITY_QUESTION_ASKED", false, U),
    r("NO_VIDEO", false, Y),
    r("OTHER_ABUSE", false, Y),
    r("OTHER_ERROR", false, Y),
    r("OTHER_MISCELLANEOUS_PERMANENT", true, U),
    r("OTHER_MISCELLANEOUS_TEMPORARY", false, U),
    r("OTHER_TEST", false, Y),
    r("PHOTO_OTHER", false, Y),
    r("SECURITY_QUESTION", false, U),
    r("SECURITY_QUESTION_NOT_CORRECT_ANSWERED", false, U),
    r("STALLED_TIMEOUT", false, U),
    r("TECH_AUDIO", false, Y),
    r("TECH_DISCONNECTED_VIDEO", false, Y),
    r("TECH_DISCONNECTED_WEBSOCKET", false, Y),
    r("TECH_HOLOGRAM", false, Y),
    r("TECH_ID_TYPE", false, Y),
    r("TECH_IDENT_CODE_DELIVERY", false, Y),
    r("TECH_INTERNAL_SERVER_ERROR", false, N),
    r("TECH_INTERNET_CONNECTION", false, Y),
    r("TECH_LIGHTING", false, Y),
    r("TECH_PHOTO", false, Y),
    r("TECH_TIMEOUT", false, Y),
    r("TECH_VIDEO", false, Y),
    r("USER_ABORT_WHILE_WAITING", false, Y),
    r("USER_CANCELLATION", false, Y),
    r("USER_ID_NUMBER", false, Y),
    r("USER_IDENT_CODE", false, Y),
    r("USER_LANGUAGE", true, Y),
    r("USER_NO_ID", false, Y),
    r("USER_STARTED_NEW_REQUEST", false, Y),
    r("USER_WRONG_PERSON", false, Y),
    r("VIDEO_ENVIRONMENT", false, Y),
    r("VIDEO_OTHER", false, Y),
    r("WRONG_PHONE_NUMBER", false, Y),
];

/// The row of a code, or `None` for a code the guide does not list.
pub fn lookup(code: &str) -> Option<&'static FailureReasonInfo> {
    FAILURE_REASONS.iter().find(|r| r.code == code)
}

/// IDnow put the customer on its waiting list. The guide's table marks it permanent because
/// the customer cannot leave the list (a restart only shows a warning), but it is no refusal:
/// IDnow calls the customer when an agent is free.
pub(crate) const WAITING_LIST: &str = "ENROLLED_TO_WAITING_LIST";

/// The customer is on IDnow's waiting list.
pub(crate) fn is_waiting_list(code: Option<&str>) -> bool {
    code == Some(WAITING_LIST)
}

/// The guide's "permanent failure" rule, the one place it is written: a code the table marks
/// permanent, so no retry can solve it and the account cannot be opened this way; an absent or
/// unlisted code is not, and neither is the waiting list ([`is_waiting_list`]).
pub(crate) fn is_permanent(code: Option<&str>) -> bool {
    !is_waiting_list(code) && code.and_then(lookup).is_some_and(|r| r.permanent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_code_of_the_guide_once() {
        assert_eq!(FAILURE_REASONS.len(), 59);
        let mut codes: Vec<_> = FAILURE_REASONS.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), FAILURE_REASONS.len());
        assert!(lookup("USER_LANGUAGE").unwrap().permanent);
        assert_eq!(lookup("STALLED_TIMEOUT").unwrap().caused_by_user, None);
        assert!(is_permanent(Some("OTHER_MISCELLANEOUS_PERMANENT")));
        assert!(!is_permanent(Some("USER_CANCELLATION")));
        assert!(!is_permanent(Some("A_CODE_THE_GUIDE_DOES_NOT_LIST")));
        assert!(!is_permanent(None));
    }
}
