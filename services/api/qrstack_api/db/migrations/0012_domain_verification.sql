-- Custom domains gain DNS verification: a TXT record proves the workspace controls the host.
-- Serving does not depend on it (a domain answers scans as soon as it is added, as before);
-- each domain, existing ones included, gets its own random token (evaluated per row).
ALTER TABLE domains
    ADD COLUMN verification_token      text NOT NULL
        DEFAULT replace(gen_random_uuid()::text, '-', ''),
    ADD COLUMN verification_status     text NOT NULL DEFAULT 'pending'
        CHECK (verification_status IN ('pending', 'verified', 'failed')),
    ADD COLUMN verification_checked_at timestamptz,
    ADD COLUMN verified_at             timestamptz,       -- when the record was last found
    ADD COLUMN verification_failure    text;              -- why the last check failed
