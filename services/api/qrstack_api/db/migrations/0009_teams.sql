-- Teams: the roles owner, admin, editor and viewer, and invites by link.

-- `member` is now `editor` (the same scopes). Rows are renamed, and a writer that still says
-- `member` (an older replica during a rolling upgrade, a script) is read as `editor`.
ALTER TABLE memberships DROP CONSTRAINT IF EXISTS memberships_role_check;
UPDATE memberships SET role = 'editor' WHERE role = 'member';
CREATE FUNCTION memberships_role_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role = 'member' THEN
        NEW.role := 'editor';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER memberships_role_name BEFORE INSERT OR UPDATE OF role ON memberships
    FOR EACH ROW EXECUTE FUNCTION memberships_role_name();
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('owner', 'admin', 'editor', 'viewer'));
CREATE INDEX memberships_workspace ON memberships (workspace_id, created_at);

-- An invite link names a row by the SHA-256 of its token; the token itself is never stored.
-- It is used once (accepted_at), until it expires or is revoked.
CREATE TABLE invites (
    id           uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    email        text,                     -- NULL: whoever holds the link
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
    created_by   uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    accepted_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at   timestamptz
);
CREATE INDEX invites_workspace_created ON invites (workspace_id, created_at DESC);
