-- Billing state of workspaces (Stripe-style subscriptions), the webhook events already applied,
-- and the status page's samples, daily history and incidents.

ALTER TABLE workspaces
    ADD COLUMN subscription_status             text,
    ADD COLUMN subscription_current_period_end timestamptz,
    ADD COLUMN trial_ends_at                   timestamptz,
    ADD COLUMN billing_customer_id             text,
    ADD COLUMN billing_subscription_id         text,
    -- Creation time of the newest subscription event applied: an older event arriving late
    -- (webhooks are not delivered in order) must not undo a newer one.
    ADD COLUMN subscription_event_at           timestamptz;

-- One row per webhook event id ever processed: a redelivered event changes nothing.
CREATE TABLE billing_events (
    id           text PRIMARY KEY,
    type         text NOT NULL,
    workspace_id uuid REFERENCES workspaces (id) ON DELETE SET NULL,
    outcome      text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);

-- The latest observation of each component of the platform.
CREATE TABLE status_components (
    component  text PRIMARY KEY,
    status     text NOT NULL CHECK (status IN ('operational', 'degraded', 'outage')),
    detail     text,
    checked_at timestamptz NOT NULL,
    changed_at timestamptz NOT NULL
);

-- How many samples of each day found each component in each state (90 days are kept).
CREATE TABLE status_days (
    component   text NOT NULL,
    day         date NOT NULL,
    operational integer NOT NULL DEFAULT 0,
    degraded    integer NOT NULL DEFAULT 0,
    outage      integer NOT NULL DEFAULT 0,
    PRIMARY KEY (component, day)
);

-- Every change of a component's status (the RSS feed's items).
CREATE TABLE status_incidents (
    id          bigserial PRIMARY KEY,
    component   text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    detail      text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_incidents_at ON status_incidents (at DESC, id DESC);
