-- The back office: the bank's staff, their sessions, each application's append-only history,
-- the queue of what needs a person, and what Solaris holds as evidence of an identification.

-- A staff account. It is created by `solaris-onboarding staff add` with a one-time setup link
-- (only the SHA-256 of its token is kept); the link sets the Argon2id password hash and the
-- TOTP secret. `failed_logins` counts wrong sign-ins since the last good one; from the fifth
-- on, each locks the account until `locked_until` (doubling waits). `last_totp_step` is the
-- last TOTP time step accepted, so a code cannot be used twice.
create table staff (
    id text primary key,
    email text not null unique,
    role text not null check (role in ('admin', 'reviewer', 'viewer')),
    password_hash text,
    totp_secret text,
    setup_hash text,
    setup_expires_at bigint,
    failed_logins bigint not null default 0,
    locked_until bigint,
    last_totp_step bigint,
    disabled_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create unique index staff_setup on staff (setup_hash);

-- A signed-in staff member's session, by the SHA-256 of its cookie's token: it ends 30
-- minutes after `seen_at` or 8 hours after `created_at`, whichever comes first. `csrf` is
-- the token every form of the session carries.
create table staff_session (
    token_hash text primary key,
    staff_id text not null references staff (id),
    csrf text not null,
    language text not null check (language in ('en', 'de')),
    created_at bigint not null,
    seen_at bigint not null
);
create index staff_session_staff on staff_session (staff_id);

-- What happened to an application, in order, never updated or deleted: its steps, its Solaris
-- work and every attempt, every identification status, every webhook delivery that reached it,
-- every mail, every staff action. `detail` holds codes, ids and statuses, never personal data,
-- so an erasure leaves the history standing. `actor` is `staff:<id>` for a staff action.
create table application_event (
    id text primary key,
    application_id text not null,
    at bigint not null,
    kind text not null,
    detail text,
    actor text
);
create index application_event_application on application_event (application_id, at);

-- What a person must look at. One row per cause (`unique`); `application_id` is null for a
-- webhook delivery that names no application. `notified_at`: when OPS_EMAIL was told of it.
create table attention (
    id text primary key,
    application_id text,
    cause text not null unique,
    kind text not null check (kind in ('canceled_after_success', 'pending_failed',
        'work_failed', 'status_read_failing', 'webhook_unprocessable', 'deletion_requested')),
    detail text,
    state text not null default 'open' check (state in ('open', 'taken', 'closed')),
    notified_at bigint,
    taken_by text references staff (id),
    closed_by text references staff (id),
    created_at bigint not null,
    updated_at bigint not null
);
create index attention_state on attention (state, created_at);
create index attention_application on attention (application_id);

create table attention_comment (
    id text primary key,
    attention_id text not null references attention (id),
    staff_id text not null references staff (id),
    body text not null,
    created_at bigint not null
);
create index attention_comment_attention on attention_comment (attention_id, created_at);

-- What Solaris holds of an identification once it ended: IDnow's attempts and, after a
-- success, the person's documents (the list only: files are streamed from Solaris when staff
-- download them). Personal data: erased with the application.
create table identification_evidence (
    identification_id text primary key,
    application_id text not null,
    attempts text,
    documents text,
    fetched_at bigint not null
);
create index identification_evidence_application on identification_evidence (application_id);

-- The back office searches by name and e-mail: lowercased copies, erased with the rest.
alter table application add column search_name text;
alter table application add column search_email text;
create index application_search_name on application (search_name);
create index application_search_email on application (search_email);
create index application_created on application (created_at, id);

-- A new kind of work, `fetch_evidence` (the attempts and documents above). A CHECK cannot be
-- changed in place on SQLite, so the table is rebuilt as in migration 0009, its later
-- columns and its index included.
create table solaris_work_new (
    id text primary key,
    application_id text not null references application (id),
    seq bigint not null,
    kind text not null check (kind in ('create_person', 'create_identification',
        'request_identification', 'refresh_identification', 'sync_person',
        'confirm_person_deleted', 'fetch_evidence')),
    state text not null default 'pending' check (state in ('pending', 'done', 'failed', 'canceled')),
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    lease_owner text,
    lease_until bigint,
    last_error text,
    created_at bigint not null,
    updated_at bigint not null,
    first_attempt_at bigint,
    outcome_unknown bigint not null default 0 check (outcome_unknown in (0, 1)),
    unique (application_id, seq)
);
insert into solaris_work_new (id, application_id, seq, kind, state, attempts, next_attempt_at,
    lease_owner, lease_until, last_error, created_at, updated_at, first_attempt_at,
    outcome_unknown)
select id, application_id, seq, kind, state, attempts, next_attempt_at, lease_owner,
    lease_until, last_error, created_at, updated_at, first_attempt_at, outcome_unknown
from solaris_work;
drop table solaris_work;
alter table solaris_work_new rename to solaris_work;
create index solaris_work_due on solaris_work (state, next_attempt_at);

-- A staff member's erasure on a data-subject request leaves a proof row too.
create table erasure_log_new (
    id text primary key,
    reason text not null check (reason in ('unsubmitted', 'not_resident', 'webhook_inbox',
        'data_subject_request')),
    erased bigint not null,
    ran_at bigint not null
);
insert into erasure_log_new (id, reason, erased, ran_at)
select id, reason, erased, ran_at from erasure_log;
drop table erasure_log;
alter table erasure_log_new rename to erasure_log;
create index erasure_log_ran on erasure_log (ran_at);

create index audit_log_application on audit_log (application_id, at);
create index audit_log_actor on audit_log (actor, at);
