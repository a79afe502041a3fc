-- Our subscriptions to Solaris webhooks, one per event type. The secret Solaris returns once
-- is kept here so signatures can be checked after a restart; it never reaches a log or page.
-- `claimed_until` lets one app instance at a time create a missing subscription.
create table webhook_subscription (
    event_type text primary key,
    subscription_id text,
    url text not null,
    secret text,
    claimed_until bigint,
    created_at bigint not null,
    updated_at bigint not null
);

-- Verified deliveries, once per `Solaris-Webhook-Id`; what they cause is queued with them.
create table webhook_inbox (
    webhook_id text primary key,
    event_type text not null,
    entity_id text,
    body text not null,
    received_at bigint not null
);

-- When Solaris deleted the person (PERSON_DELETED) and we erased every personal datum, and
-- what the mobile-number events said.
alter table application add column erased_at bigint;
alter table application add column mobile_number_event text;
alter table application add column last_webhook_at bigint;
-- Reads made by reconciliation since the last webhook: the wait before the next one doubles.
alter table application add column reconcile_count bigint not null default 0;
-- The live status poll reads what changed in the last moments.
create index application_updated on application (updated_at);
