-- The step a customer is at is derived from what the application holds (see
-- `Application::current_step`); a stored copy was written once and never read, so it goes.
alter table application drop column step;
