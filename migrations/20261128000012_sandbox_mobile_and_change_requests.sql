-- The sandbox's mobile number resource (one per person; `verified` 0 or 1) and its change
-- requests: a PATCH of a person field that already has a value, or the deletion of a verified
-- number, waits here until it is authorised and confirmed with the one-time code.
-- `action` is `update_person` or `delete_mobile_number`; `changes` the JSON to apply.
create table sandbox_mobile_number (
    person_id text primary key,
    id text not null,
    number text not null,
    verified bigint not null default 0 check (verified in (0, 1)),
    created_at bigint not null
);
create table sandbox_change_request (
    id text primary key,
    person_id text not null,
    action text not null check (action in ('update_person', 'delete_mobile_number')),
    changes text not null,
    status text not null check (status in ('AUTHORIZATION_REQUIRED', 'CONFIRMATION_REQUIRED',
        'COMPLETED', 'FAILED')),
    created_at bigint not null,
    updated_at bigint not null
);
create index sandbox_change_request_person on sandbox_change_request (person_id);
