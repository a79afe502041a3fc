-- Browser sessions of tower-sessions. Our own table (not the store crate's) so that one set of
-- queries serves SQLite and PostgreSQL. `data` is the session's JSON; `expires_at` is in
-- milliseconds since the epoch and indexed so expired sessions are cheap to purge.
create table session (
    id text primary key,
    data text not null,
    expires_at bigint not null
);
create index session_expires_at on session (expires_at);
