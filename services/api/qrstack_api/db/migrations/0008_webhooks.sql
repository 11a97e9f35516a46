-- Webhooks: endpoints per workspace, their signing secrets, the events delivered to them, the
-- durable delivery queue the delivery worker (qrstack_webhooks) works from, and every attempt.
-- Also the two triggers that turn rows the redirect service writes (scan caps, form answers)
-- into `qr.events.v1` messages through the outbox, in the same transaction as the row.

CREATE TABLE webhook_endpoints (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url           text NOT NULL,
    description   text,
    events        text[] NOT NULL,
    code_ids      uuid[],               -- NULL: every code
    folder_ids    uuid[],               -- NULL: every folder (and none)
    include_bots  boolean NOT NULL DEFAULT false,
    batch_size    integer NOT NULL DEFAULT 1 CHECK (batch_size BETWEEN 1 AND 100),
    enabled       boolean NOT NULL DEFAULT true,
    disabled_reason text,               -- 'manual' | 'failing' | 'gone'
    disabled_at   timestamptz,
    failing_since timestamptz,          -- first failed attempt since the last success
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, created_at);

-- Signing secrets (whsec_…). Deliveries are signed with every secret not yet expired: after a
-- rotation the previous one gets expires_at = now() + 24 h, so both signatures are sent.
CREATE TABLE webhook_secrets (
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    PRIMARY KEY (endpoint_id, created_at)
);

-- Events that matched at least one endpoint, as delivered (the envelope JSON); kept for
-- replays for WEBHOOK_RETENTION_DAYS.
CREATE TABLE webhook_events (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL,
    type         text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

-- One row per (endpoint, event) to send; `reason` says why it exists (the live fan-out, a
-- manual retry, a replay, a test). While pending, `next_attempt_at` is when it is due; a
-- worker claiming it moves `next_attempt_at` past its attempt (a lease), so a worker killed
-- mid-attempt leaves it due again. `max_attempts` NULL: the whole retry schedule.
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    endpoint_id     uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        uuid NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    reason          text NOT NULL DEFAULT 'event',
    status          text NOT NULL DEFAULT 'pending',   -- pending | delivered | failed
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
-- The live fan-out is idempotent: a re-read Kafka record queues nothing twice.
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, event_id)
    WHERE reason = 'event';
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at  timestamptz NOT NULL DEFAULT now(),
    status_code   integer,              -- NULL: no HTTP answer (see error)
    error         text,
    latency_ms    integer NOT NULL,
    response_body text                  -- the first 1 KiB
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- form.submitted: one event per stored answer set (event id = submission id).
CREATE FUNCTION qr_event_form_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox (topic, key, payload) VALUES ('qr.events.v1', NEW.code_id::text,
        convert_to(jsonb_build_object(
            'id', NEW.id, 'type', 'form.submitted', 'timestamp', NEW.created_at,
            'workspace_id', NEW.workspace_id, 'code_id', NEW.code_id,
            'data', jsonb_build_object(
                'submissionId', NEW.id, 'codeId', NEW.code_id,
                'workspaceId', NEW.workspace_id, 'answers', NEW.answers,
                'submittedAt', NEW.created_at))::text, 'UTF8'));
    PERFORM pg_notify('qrstack_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER form_submitted_event AFTER INSERT ON form_submissions
    FOR EACH ROW EXECUTE FUNCTION qr_event_form_submitted();

-- code.cap_reached: when a counted scan makes `used` reach the code's max_scans (once per
-- crossing: raising the cap and using it up again is another event).
CREATE FUNCTION qr_event_cap_reached() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
    workspace uuid;
BEGIN
    SELECT max_scans, workspace_id INTO cap, workspace FROM codes WHERE id = NEW.code_id;
    IF cap IS NULL OR NEW.used < cap OR (TG_OP = 'UPDATE' AND OLD.used >= cap) THEN
        RETURN NULL;
    END IF;
    INSERT INTO outbox (topic, key, payload) VALUES ('qr.events.v1', NEW.code_id::text,
        convert_to(jsonb_build_object(
            'id', gen_random_uuid(), 'type', 'code.cap_reached', 'timestamp', now(),
            'workspace_id', workspace, 'code_id', NEW.code_id,
            'data', jsonb_build_object(
                'codeId', NEW.code_id, 'workspaceId', workspace, 'maxScans', cap,
                'used', NEW.used, 'reachedAt', now()))::text, 'UTF8'));
    PERFORM pg_notify('qrstack_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER cap_reached_event AFTER INSERT OR UPDATE OF used ON scan_caps
    FOR EACH ROW EXECUTE FUNCTION qr_event_cap_reached();
