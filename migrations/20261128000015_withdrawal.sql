-- The customer withdrew the application (`withdrawn_at`, ms). Before it reached Solaris its
-- personal data is erased at once (`erased_at` too, the row stays as proof without personal
-- data); after, `deletion_requested_at` records the request for the bank's staff, who handle
-- the deletion with Solaris.
alter table application add column withdrawn_at bigint;
alter table application add column deletion_requested_at bigint;
