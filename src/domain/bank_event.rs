//! What happened, as the bank's systems see it: the types of the events for the bank.

use super::closed_set::closed_set;

closed_set!(
    /// What happened, as the bank's systems see it.
    EventType {
        /// The review was confirmed and Solaris created the person.
        Submitted => "application.submitted",
        /// The identification has a new status (every status, with its failure reason).
        StatusChanged => "identification.status_changed",
        /// The identification succeeded: the bank may open the account.
        Completed => "application.completed",
        /// A `successful` identification was turned `canceled` by a review (guide appendix II,
        /// case 3): the bank must stop the account.
        CompletionRevoked => "application.completion_revoked",
        /// The identification failed for good: no account.
        Failed => "application.failed",
        /// The application's personal data was erased (Solaris deleted the person).
        Erased => "application.erased",
        /// The customer withdrew an application Solaris holds (its `status` the last one
        /// known; after `application.completed` the bank must stop the account).
        Withdrawn => "application.withdrawn",
    }
);

closed_set!(
    /// Where an event for the bank stands in its outbox.
    EventState {
        /// Not delivered yet (and retried with backoff).
        Waiting => "waiting",
        Delivered => "delivered",
        /// Not taken for days: an operator may send it again.
        Failed => "failed",
        /// No receiver is configured.
        Dropped => "dropped",
    }
);
