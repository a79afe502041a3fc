-- Reconciliation follows an identification to its end: `reconcile_due_at` (ms) is when the
-- next read is due (null: RECONCILE_AFTER_SECONDS after the last status learned), and
-- `identification_requested_at` (ms) when the current identification was requested. Reads stop
-- when its status is final, or 15 days after the request (its link lives 14).
alter table application add column reconcile_due_at bigint;
alter table application add column identification_requested_at bigint;
