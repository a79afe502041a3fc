-- Per-client rate limits shared by every instance on PostgreSQL (SQLite, one instance, keeps
-- them in memory). One row per limit (`start`, `post`) and client; the client is a keyed hash
-- of its address, never the address. `next_at` is the limit's theoretical arrival time (GCRA)
-- in ms on the app's clock: a row whose `next_at` has passed is a full limit again and is
-- deleted.
create table rate_limit (
    kind text not null check (kind in ('start', 'post')),
    client text not null,
    next_at bigint not null,
    primary key (kind, client)
);
create index rate_limit_next on rate_limit (next_at);
