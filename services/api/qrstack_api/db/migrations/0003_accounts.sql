-- Sign-in sessions, who issued each API key, and the shared rate-limit counters.

-- A `sessionid` cookie names a row by the SHA-256 of its token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_created ON sessions (user_id, created_at DESC);

-- The user who issued a key through the API (NULL: issued by the CLI). A key issued by a user
-- who is later locked stops working with them.
ALTER TABLE api_keys ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX api_keys_created_by ON api_keys (created_by) WHERE created_by IS NOT NULL;

-- The default workspace of a user is their oldest membership.
CREATE INDEX memberships_user_created ON memberships (user_id, created_at, workspace_id);

-- Fixed-window request counters shared by every API replica. UNLOGGED: no WAL per request, and
-- after a crash the table comes back empty, which only forgives the current window.
-- fillfactor leaves room on each page so that the per-request increment is a HOT update.
CREATE UNLOGGED TABLE rate_limit_hits (
    bucket       text NOT NULL,            -- rule:window:subject (key, user or address)
    window_index bigint NOT NULL,          -- floor(unix time / window length)
    hits         integer NOT NULL,
    expires_at   timestamptz NOT NULL,     -- end of the window; purged after it
    PRIMARY KEY (bucket, window_index)
) WITH (fillfactor = 70);
