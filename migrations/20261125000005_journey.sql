-- The customer's consents: when (UTC, to the second, as Solaris wants it) and to which
-- version of which text in which language. One row per kind and application.
create table consent (
    id text primary key,
    application_id text not null references application (id),
    kind text not null,
    version text not null,
    text_sha256 text not null,
    language text not null,
    signed_at text not null,
    created_at bigint not null,
    unique (application_id, kind)
);

-- The data forms as the customer entered them (validated JSON), the document they will show,
-- when they went through the checklist, and when the return page last asked Solaris.
alter table application add column details text;
alter table application add column document text;
alter table application add column checklist_done_at bigint;
alter table application add column last_refresh_at bigint;

-- When Solaris marked the identification complete (kept when a review cancels it later), and
-- when the person was last read back from Solaris (IDnow may have corrected the data).
alter table application add column identification_completed_at text;
alter table application add column person_synced_at bigint;
