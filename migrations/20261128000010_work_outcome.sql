-- What a creation's retry needs to know to look for an earlier copy cheaply:
-- `first_attempt_at`, when the first attempt began (ms), bounds the search to persons created
-- since; `outcome_unknown` (0 or 1) says whether a failed attempt may have reached Solaris (no
-- answer after sending, a timeout, a 5xx): only then is there anything to look for.
alter table solaris_work add column first_attempt_at bigint;
alter table solaris_work add column outcome_unknown bigint not null default 0 check (outcome_unknown in (0, 1));
