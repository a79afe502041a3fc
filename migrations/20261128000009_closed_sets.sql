-- The closed sets the code reads as enums (identification status, work kind and state, consent
-- kind, languages) are constrained in the schema too, so no writer can store a value the app
-- cannot read back. Neither database can add a CHECK to a SQLite table in place, so the three
-- tables are rebuilt the same way on both: new tables (children pointing at the new parent),
-- rows copied, old tables dropped children first, new tables renamed (SQLite rewrites the
-- children's references on the rename, PostgreSQL follows the table itself).
-- `mobile_number_event` is not carried over: it stored what a webhook header claimed, and a
-- mobile-number event now only makes the app read the person from Solaris.

create table application_new (
    id text primary key,
    language text not null default 'EN' check (language in ('EN', 'DE')),
    details text,
    document text,
    person_request text,
    identification_request text,
    person_id text,
    identification_id text,
    identification_status text check (identification_status in
        ('created', 'pending', 'pending_successful', 'pending_failed', 'successful', 'failed',
         'aborted', 'canceled', 'expired')),
    identification_url text,
    failure_reason text,
    identification_completed_at text,
    solaris_person text,
    solaris_error text,
    checklist_done_at bigint,
    person_synced_at bigint,
    last_refresh_at bigint,
    last_webhook_at bigint,
    reconcile_count bigint not null default 0,
    erased_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
insert into application_new (id, language, details, document, person_request,
    identification_request, person_id, identification_id, identification_status,
    identification_url, failure_reason, identification_completed_at, solaris_person,
    solaris_error, checklist_done_at, person_synced_at, last_refresh_at, last_webhook_at,
    reconcile_count, erased_at, created_at, updated_at)
select id, language, details, document, person_request, identification_request, person_id,
    identification_id, identification_status, identification_url, failure_reason,
    identification_completed_at, solaris_person, solaris_error, checklist_done_at,
    person_synced_at, last_refresh_at, last_webhook_at, reconcile_count, erased_at, created_at,
    updated_at
from application;

create table consent_new (
    id text primary key,
    application_id text not null references application_new (id),
    kind text not null check (kind in ('terms_conditions', 'data_processing')),
    version text not null,
    text_sha256 text not null,
    language text not null check (language in ('en', 'de')),
    signed_at text not null,
    created_at bigint not null,
    unique (application_id, kind)
);
insert into consent_new (id, application_id, kind, version, text_sha256, language, signed_at,
    created_at)
select id, application_id, kind, version, text_sha256, language, signed_at, created_at
from consent;

create table solaris_work_new (
    id text primary key,
    application_id text not null references application_new (id),
    seq bigint not null,
    kind text not null check (kind in ('create_person', 'create_identification',
        'request_identification', 'refresh_identification', 'sync_person',
        'confirm_person_deleted')),
    state text not null default 'pending' check (state in ('pending', 'done', 'failed', 'canceled')),
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    lease_owner text,
    lease_until bigint,
    last_error text,
    created_at bigint not null,
    updated_at bigint not null,
    unique (application_id, seq)
);
insert into solaris_work_new (id, application_id, seq, kind, state, attempts, next_attempt_at,
    lease_owner, lease_until, last_error, created_at, updated_at)
select id, application_id, seq, kind, state, attempts, next_attempt_at, lease_owner,
    lease_until, last_error, created_at, updated_at
from solaris_work;

drop table consent;
drop table solaris_work;
drop table application;
alter table application_new rename to application;
alter table consent_new rename to consent;
alter table solaris_work_new rename to solaris_work;

-- The indexes of the old tables, recreated: webhooks find an application by its person or
-- identification, the live status stream reads what changed since its last look, and
-- reconciliation reads the applications whose status can still change (migration 0008, whose
-- file name says "open" for that reason; an applied migration is never edited).
create index application_person on application (person_id);
create index application_identification on application (identification_id);
create index application_updated on application (updated_at);
create index application_status on application (identification_status);
create index solaris_work_due on solaris_work (state, next_attempt_at);
