-- Folders, routing rules and custom short domains.

CREATE TABLE folders (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL,
    color        text,
    position     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX folders_workspace_position ON folders (workspace_id, position, created_at);

ALTER TABLE codes ADD COLUMN folder_id uuid REFERENCES folders (id) ON DELETE SET NULL;
CREATE INDEX codes_folder ON codes (folder_id) WHERE folder_id IS NOT NULL;
CREATE INDEX codes_tags ON codes USING gin (tags);

-- Conditions are kept in the API's shape (countryIn, deviceIn, daysOfWeek, ...).
CREATE TABLE routing_rules (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    code_id      uuid NOT NULL REFERENCES codes (id) ON DELETE CASCADE,
    type         text NOT NULL
                 CHECK (type IN ('geo', 'device', 'time', 'ab', 'browser', 'language', 'query', 'ip')),
    label        text,
    priority     integer NOT NULL DEFAULT 0,
    target_url   text NOT NULL,
    condition    jsonb NOT NULL DEFAULT '{}',
    weight       smallint CHECK (weight BETWEEN 1 AND 100),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rules_code ON routing_rules (code_id, priority, id);

CREATE TABLE domains (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    host          text NOT NULL,           -- lower case, no port
    base_url      text,                    -- where https://host/ redirects
    not_found_url text,                    -- where an unknown slug redirects
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX domains_active_host ON domains (host) WHERE status = 'active';
CREATE INDEX domains_workspace ON domains (workspace_id);
