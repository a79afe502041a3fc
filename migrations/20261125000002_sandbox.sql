-- State of the built-in Solaris + IDnow sandbox. It lives in tables of its own (prefix
-- `sandbox_`) in the app's database, so a restart keeps a developer's half-finished onboarding,
-- and nothing of the app reads them: the app only talks to the sandbox over HTTP.
-- Times are milliseconds since the epoch on the sandbox clock.

-- The sandbox clock: an offset added to the wall clock, moved by `/_sandbox/clock/advance`.
create table sandbox_clock (
    id bigint primary key,
    offset_ms bigint not null,
    updated_at bigint not null,
    check (id = 1)
);
insert into sandbox_clock (id, offset_ms, updated_at) values (1, 0, 0);

-- Persons as Solaris returns them (`body` is the JSON resource). The four columns of the
-- guide's duplicate rule are copied out and indexed so the 1000-identical-persons check is cheap.
create table sandbox_person (
    id text primary key,
    first_name text not null,
    last_name text not null,
    birth_city text not null default '',
    birth_date text not null default '',
    body text not null,
    deleted_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index sandbox_person_identity on sandbox_person (first_name, last_name, birth_city, birth_date);

-- Identifications. `body` is the JSON resource; `status` and `session_state` are copied out
-- because the scenario engine selects on them. `scenario` is the test case taken from the
-- person's name at request time (e.g. `AUTOTEST-HAPPYPATH`), empty for the tester's choice.
create table sandbox_identification (
    id text primary key,
    person_id text not null references sandbox_person (id),
    status text not null,
    scenario text not null default '',
    session_state text not null default 'idle',
    code_attempts bigint not null default 0,
    retries bigint not null default 0,
    body text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index sandbox_identification_person on sandbox_identification (person_id);

-- Scheduled steps of the scenarios (end of call, end of review, expiry), run when due.
create table sandbox_event (
    id text primary key,
    identification_id text not null references sandbox_identification (id),
    due_at bigint not null,
    action text not null,
    created_at bigint not null
);
create index sandbox_event_due on sandbox_event (due_at);

-- IDnow attempts (the audit log of calls), as `idnow_attempts` returns them.
create table sandbox_idnow_attempt (
    id text primary key,
    identification_id text not null references sandbox_identification (id),
    body text not null,
    created_at bigint not null
);
create index sandbox_idnow_attempt_identification on sandbox_idnow_attempt (identification_id);

-- Person documents generated for a successful identification; the file is rendered on download.
create table sandbox_document (
    id text primary key,
    person_id text not null references sandbox_person (id),
    identification_id text not null,
    document_type text not null,
    name text not null,
    content_type text not null,
    size bigint not null,
    created_at bigint not null
);
create index sandbox_document_person on sandbox_document (person_id);

-- Webhook subscriptions. The secret is returned once, at creation, as Solaris does.
create table sandbox_webhook (
    id text primary key,
    event_type text not null,
    url text not null,
    secret text not null,
    deleted_at bigint,
    created_at bigint not null
);

-- Webhook notifications and their delivery state: `pending` until a 2xx (`delivered`), a 422
-- (`rejected`), a 410 (`canceled`, which also cancels the subscription), the retry window of
-- five days running out (`abandoned`) or a drop fault (`dropped`).
create table sandbox_delivery (
    id text primary key,
    subscription_id text not null,
    event_type text not null,
    entity_id text not null,
    body text not null,
    state text not null,
    attempts bigint not null default 0,
    last_status bigint,
    next_attempt_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index sandbox_delivery_due on sandbox_delivery (state, next_attempt_at);
