-- What the customer's pages need to say the right words in the minutes after the call.
-- `status_changed_at`: when the stored identification status last changed (a review may still
-- change a fresh `canceled`, so the page and its mail wait a settle time first).
-- `call_ended_at`: IDnow sent this application's browser back with its identification's
-- transaction number (its session ended); cleared when the customer goes to IDnow again.
-- `phone_joined_at`: the customer opened the application on another device with the link for
-- it (the QR code or its mail), so the desktop follows a call that runs elsewhere.
-- `succeeded_at`: when the identification last became `successful` (cleared by a new call), so
-- a later `canceled` is known as the guide's case 3 even when Solaris gives no `completed_at`.
alter table application add column status_changed_at bigint;
alter table application add column succeeded_at bigint;
alter table application add column call_ended_at bigint;
alter table application add column phone_joined_at bigint;

-- A mail for a customer IDnow put on its waiting list (`waiting_list`): the table is rebuilt
-- with the wider check, the same way on SQLite and PostgreSQL.
create table mail_new (
    id text primary key,
    application_id text not null,
    cause text not null,
    kind text not null check (kind in ('saved', 'success', 'action', 'refused',
        'canceled_after_success', 'waiting_list', 'reminder', 'expiry_soon', 'relink', 'device')),
    state text not null check (state in ('waiting', 'sent', 'dropped', 'failed')),
    created_at bigint not null,
    due_at bigint not null,
    attempts integer not null default 0,
    lease_owner text,
    lease_until bigint,
    last_error text,
    sent_at bigint,
    unique (application_id, cause)
);
insert into mail_new (id, application_id, cause, kind, state, created_at, due_at, attempts,
    lease_owner, lease_until, last_error, sent_at)
    select id, application_id, cause, kind, state, created_at, due_at, attempts, lease_owner,
    lease_until, last_error, sent_at from mail;
drop table mail;
alter table mail_new rename to mail;
create index mail_due on mail (state, due_at);
