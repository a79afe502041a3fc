//! The kinds of work the durable queue does with Solaris, and where an item stands.

use super::closed_set::closed_set;

closed_set!(
    /// The kinds of Solaris work. Each asks Solaris something; `confirm_person_deleted` follows
    /// a `PERSON_DELETED` delivery and erases only when Solaris no longer holds the person.
    WorkKind {
        CreatePerson => "create_person",
        CreateIdentification => "create_identification",
        RequestIdentification => "request_identification",
        RefreshIdentification => "refresh_identification",
        SyncPerson => "sync_person",
        ConfirmPersonDeleted => "confirm_person_deleted",
        FetchEvidence => "fetch_evidence",
    }
);

closed_set!(
    /// Where an item stands: waiting or running (`Pending`), or finished one of three ways.
    WorkState {
        Pending => "pending",
        Done => "done",
        Failed => "failed",
        Canceled => "canceled",
    }
);

impl WorkKind {
    /// Creations: later items of the application depend on them.
    pub fn creates(self) -> bool {
        matches!(
            self,
            WorkKind::CreatePerson | WorkKind::CreateIdentification
        )
    }

    /// Reads: they change nothing at Solaris, so a refused or odd answer is worth asking again
    /// later, and their failure is no refusal of the customer's application.
    pub fn reads(self) -> bool {
        matches!(
            self,
            WorkKind::RefreshIdentification
                | WorkKind::SyncPerson
                | WorkKind::ConfirmPersonDeleted
                | WorkKind::FetchEvidence
        )
    }
}
