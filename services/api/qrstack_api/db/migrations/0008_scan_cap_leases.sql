-- Scan-cap leases, written by the redirect service alone (contract: qrstack_common.tables;
-- design: docs/redirect.md "Scan caps"). Each redirect process takes blocks of a capped code's
-- remaining scans ("leases") and grants scans from memory; PostgreSQL keeps the books:
--   scan_caps.used    scans known to be granted (settled),
--   scan_caps.leased  scans handed out in leases and not yet settled,
-- and used + leased never passes the code's cap.
ALTER TABLE scan_caps
    ADD COLUMN leased bigint NOT NULL DEFAULT 0 CHECK (leased >= 0);

-- One row per (code, redirect process holding a lease on it). `taken` counts every scan this
-- lease was given, `spent` those it reported granted; taken - spent is held in the process's
-- memory. A process renews its rows before `expires_at`; a row left past it (its process
-- died, or cannot reach the database) is reclaimed by another process. `lease_id` changes
-- when a row is created again, so a process learns that its old lease was reclaimed.
CREATE TABLE scan_cap_leases (
    code_id    uuid NOT NULL REFERENCES scan_caps (code_id) ON DELETE CASCADE,
    holder     uuid NOT NULL,
    lease_id   uuid NOT NULL,
    taken      bigint NOT NULL CHECK (taken >= 0),
    spent      bigint NOT NULL DEFAULT 0 CHECK (spent >= 0 AND spent <= taken),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (code_id, holder)
);
