-- A customer's application: created by the welcome page's start action and tied to the
-- browser session. The journey's later steps add their data to it.
create table application (
    id text primary key,
    step text not null,
    created_at bigint not null,
    updated_at bigint not null
);
