//! What an application's history names, and why something needs a person from the bank's
//! staff (a needs-attention item).

use super::closed_set::closed_set;

closed_set!(
    /// What happened to an application, as its history names it.
    Happened {
        Started => "started",
        Consent => "consent",
        DetailsSaved => "details_saved",
        Submitted => "submitted",
        DocumentChosen => "document_chosen",
        ChecklistDone => "checklist_done",
        IdentificationRequested => "identification_requested",
        Status => "status",
        WorkQueued => "work_queued",
        WorkDone => "work_done",
        WorkRetry => "work_retry",
        WorkFailed => "work_failed",
        Webhook => "webhook",
        MailSent => "mail_sent",
        MailFailed => "mail_failed",
        Withdrawn => "withdrawn",
        Erased => "erased",
        EvidenceFetched => "evidence_fetched",
        Staff => "staff",
    }
);

closed_set!(
    /// Why something needs a person.
    Concern {
        /// A `successful` identification was turned `canceled` by a review (the guide's case 3).
        CanceledAfterSuccess => "canceled_after_success",
        /// IDnow's review is still open after a failure was suspected (`pending_failed`).
        PendingFailed => "pending_failed",
        /// A work item failed for good.
        WorkFailed => "work_failed",
        /// Solaris has not answered status reads for hours.
        StatusReadFailing => "status_read_failing",
        /// A verified webhook delivery that names nothing we can act on.
        WebhookUnprocessable => "webhook_unprocessable",
        /// The customer withdrew an application Solaris may hold: staff have the data deleted at
        /// Solaris as far as the law allows.
        DeletionRequested => "deletion_requested",
    }
);

closed_set!(
    /// Why personal data was erased, as the proof row (`erasure_log`) says.
    ErasureReason {
        Unsubmitted => "unsubmitted",
        NotResident => "not_resident",
        WebhookInbox => "webhook_inbox",
        /// A staff member erased one application on the customer's request.
        DataSubjectRequest => "data_subject_request",
    }
);

closed_set!(
    /// Where a needs-attention item stands: nobody took it yet, a staff member took it, done.
    AttentionState {
        Open => "open",
        Taken => "taken",
        Closed => "closed",
    }
);
