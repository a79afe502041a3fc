-- What the retention job erased: when, why and how many, without any personal data.
-- `reason`: `unsubmitted` (never reached Solaris within RETENTION_UNSUBMITTED_DAYS),
-- `not_resident` (lives outside Germany, kept RETENTION_NOT_RESIDENT_DAYS), `webhook_inbox`
-- (deliveries older than RETENTION_WEBHOOK_DAYS).
create table erasure_log (
    id text primary key,
    reason text not null check (reason in ('unsubmitted', 'not_resident', 'webhook_inbox')),
    erased bigint not null,
    ran_at bigint not null
);
create index erasure_log_ran on erasure_log (ran_at);
create index application_unreached on application (person_id, updated_at);
