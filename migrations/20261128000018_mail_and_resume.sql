-- E-mails and the way back to an application.
--
-- `mail` is the transactional outbox: a row is written in the same transaction as the change
-- that causes it, at most one per (application, cause). It holds no address and no text: the
-- sender renders the mail from the application when it sends it, so an erased application
-- leaves nothing to send. `state`: `waiting` (to send at `due_at`), `sent`, `dropped` (nothing
-- left to send it to, or no longer true), `failed` (the mail server refused it for good).
create table mail (
    id text primary key,
    application_id text not null,
    cause text not null,
    kind text not null check (kind in ('saved', 'success', 'action', 'refused',
        'canceled_after_success', 'reminder', 'expiry_soon', 'relink', 'device')),
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
create index mail_due on mail (state, due_at);

-- Links into an application: only the SHA-256 of each token is kept. `purpose`: `resume`
-- (a link in a mail), `device` (the link shown as a QR code), `opt_out` (stop the reminders).
create table resume_token (
    hash text primary key,
    application_id text not null,
    purpose text not null check (purpose in ('resume', 'device', 'opt_out')),
    created_at bigint not null,
    revoked_at bigint
);
create index resume_token_application on resume_token (application_id);

-- When the customer confirmed the review (the reminders count from it); wrong dates of birth
-- since the last lock, and how often the links were locked; when reminders were stopped.
alter table application add column submitted_at bigint;
update application set submitted_at = updated_at where person_request is not null;
alter table application add column resume_failures integer not null default 0;
alter table application add column resume_locks integer not null default 0;
alter table application add column reminders_stopped_at bigint;

-- The sandbox's development mailbox: what the app would have sent without an SMTP server.
create table sandbox_mail (
    id text primary key,
    to_address text not null,
    subject text not null,
    text_body text not null,
    html_body text not null,
    sent_at bigint not null
);
create index sandbox_mail_sent on sandbox_mail (sent_at);
