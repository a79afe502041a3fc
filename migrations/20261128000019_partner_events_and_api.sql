-- Events for the bank's own systems, and the record of their reads.
--
-- `partner_event` is an outbox like `mail`: a row is written in the transaction of the change
-- it reports, at most one per (application, cause), numbered per application (`seq`) so that
-- they are delivered in order. The body holds ids and statuses only, never personal data.
-- `state`: `waiting`, `delivered`, `failed` (retried for days without a 2xx; an operator may
-- send it again), `dropped` (no PARTNER_EVENTS_URL: the row stays as the application's history).
create table partner_event (
    id text primary key,
    application_id text not null,
    seq integer not null,
    cause text not null,
    event_type text not null,
    body text not null,
    state text not null check (state in ('waiting', 'delivered', 'failed', 'dropped')),
    created_at bigint not null,
    due_at bigint not null,
    attempts integer not null default 0,
    lease_owner text,
    lease_until bigint,
    last_error text,
    delivered_at bigint,
    unique (application_id, cause),
    unique (application_id, seq)
);
create index partner_event_due on partner_event (state, due_at);

-- Who read what through the partner API: the key's label (never the key), the action, the
-- application read (or the list's filter), when.
create table audit_log (
    id text primary key,
    at bigint not null,
    actor text not null,
    action text not null,
    application_id text,
    detail text
);
create index audit_log_at on audit_log (at);

-- The sandbox's event box: what the app would have sent to PARTNER_EVENTS_URL.
create table sandbox_partner_event (
    id text primary key,
    webhook_id text not null,
    webhook_timestamp text not null,
    webhook_signature text not null,
    event_type text not null,
    body text not null,
    received_at bigint not null
);
create index sandbox_partner_event_received on sandbox_partner_event (received_at);
