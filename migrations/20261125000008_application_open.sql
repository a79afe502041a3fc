-- Reconciliation looks for applications whose identification can still change; most stored
-- applications have ended, so an index on the status keeps that look small however many
-- applications are stored.
create index application_status on application (identification_status);
