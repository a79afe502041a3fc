-- Every legal text a customer accepted, kept by its SHA-256 (the `text_sha256` of `consent`),
-- so the exact words of a consent stay provable after the text in `legal/` changes. Written
-- with the first consent that refers to it; never deleted while a consent refers to it.
create table consent_text (
    text_sha256 text primary key,
    kind text not null check (kind in ('terms_conditions', 'data_processing')),
    language text not null check (language in ('en', 'de')),
    version text not null,
    text text not null,
    created_at bigint not null
);
