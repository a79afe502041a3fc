-- What the customer submitted and what Solaris answered, kept on the application.
-- `person_request` and `identification_request` are the JSON bodies of the creations, written
-- in the same transaction as the work items that send them, so nothing the customer submitted
-- depends on Solaris answering at that moment. The IDnow reference is never stored.
alter table application add column language text not null default 'EN';
alter table application add column person_request text;
alter table application add column identification_request text;
alter table application add column person_id text;
alter table application add column identification_id text;
alter table application add column identification_status text;
alter table application add column identification_url text;
alter table application add column failure_reason text;
alter table application add column solaris_person text;
alter table application add column solaris_error text;
create index application_person on application (person_id);
create index application_identification on application (identification_id);

-- The durable queue of Solaris work. Items of one application run in `seq` order; a worker
-- takes an item by setting a lease with a conditional update, so with several app instances
-- on one PostgreSQL an item runs once at a time, and an item whose worker died (lease passed)
-- is taken again. `state`: pending, done, failed (Solaris refused it), canceled (an earlier
-- item of the application failed).
create table solaris_work (
    id text primary key,
    application_id text not null references application (id),
    seq bigint not null,
    kind text not null,
    state text not null default 'pending',
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    lease_owner text,
    lease_until bigint,
    last_error text,
    created_at bigint not null,
    updated_at bigint not null,
    unique (application_id, seq)
);
create index solaris_work_due on solaris_work (state, next_attempt_at);
