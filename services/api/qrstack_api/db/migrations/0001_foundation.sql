-- Accounts, API keys, codes and the transactional outbox.

CREATE TABLE workspaces (
    id           uuid PRIMARY KEY,
    name         text NOT NULL,
    plan         text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'business')),
    is_test      boolean NOT NULL DEFAULT false,
    fallback_url text,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    password_hash text NOT NULL,           -- Argon2id PHC string
    locked_at     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role         text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'admin', 'member')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, workspace_id)
);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,            -- first characters, shown in listings
    key_hash     bytea NOT NULL UNIQUE,    -- SHA-256 of the whole secret
    scopes       text[] NOT NULL,
    ip_allowlist cidr[],
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE codes (
    id              uuid PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    domain          text,                  -- NULL: the platform's short domain
    slug            text NOT NULL,
    type            text NOT NULL,
    dynamic         boolean NOT NULL DEFAULT true,
    name            text,
    payload         jsonb NOT NULL DEFAULT '{}',
    target_url      text,
    fallback_url    text,
    active_from     timestamptz,
    expires_at      timestamptz,
    max_scans       integer CHECK (max_scans > 0),
    password_hash   text,
    password_hint   text,
    redirect_status smallint NOT NULL DEFAULT 302 CHECK (redirect_status IN (301, 302, 307, 308)),
    forward_query   boolean NOT NULL DEFAULT false,
    scan_tracking   boolean NOT NULL DEFAULT true,
    style           jsonb,
    tags            text[] NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'deleted')),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
-- A slug belongs to one code per domain, deleted codes included (they can be restored).
CREATE UNIQUE INDEX codes_domain_slug ON codes ((coalesce(domain, '')), slug);
CREATE INDEX codes_workspace_created ON codes (workspace_id, created_at DESC, id DESC);

-- Transactional outbox: written in the same transaction as the change it announces; the relay
-- publishes rows in id order and deletes them once Kafka acknowledged them.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text NOT NULL,
    key        text NOT NULL,
    payload    bytea,                      -- NULL publishes a tombstone
    created_at timestamptz NOT NULL DEFAULT now()
);
