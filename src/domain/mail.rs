//! What a mail to the customer tells, and what a link into an application is for.

use super::closed_set::closed_set;

closed_set!(
    /// What a mail tells the customer.
    MailKind {
        Saved => "saved",
        Success => "success",
        Action => "action",
        Refused => "refused",
        CanceledAfterSuccess => "canceled_after_success",
        /// IDnow put the customer on its waiting list: IDnow calls them.
        WaitingList => "waiting_list",
        Reminder => "reminder",
        ExpirySoon => "expiry_soon",
        Relink => "relink",
        Device => "device",
    }
);

closed_set!(
    /// What a link into an application is for.
    Purpose {
        Resume => "resume",
        Device => "device",
        OptOut => "opt_out",
    }
);

impl MailKind {
    /// Reminders and the expiry notice: they nudge a customer who has not done the call yet.
    pub(crate) fn nudges(self) -> bool {
        matches!(self, MailKind::Reminder | MailKind::ExpirySoon)
    }
}
