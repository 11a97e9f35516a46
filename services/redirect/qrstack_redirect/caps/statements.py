"""The SQL of scan-cap leases: every statement the redirect runs on `scan_caps` and
`scan_cap_leases` (contract: `qrstack_common.tables`; books: migration 0008).

Each is one statement, so each is atomic. Lock order is the code's `scan_caps` row first, then
a lease row, except where a lease row is deleted (release, reclaim): those touch rows no live
process is taking on, and PostgreSQL aborts the rare deadlock, which is then retried.
"""

from __future__ import annotations

# Create a capped code's books the first time any process takes a lease on it.
OPEN_BOOKS = "INSERT INTO scan_caps (code_id) VALUES ($1) ON CONFLICT (code_id) DO NOTHING"

# Take (more of) a lease, report what was spent of it, and push its expiry out.
# $1 code, $2 holder, $3 cap, $4 scans wanted, $5 scans spent of lease $6 so far (cumulative),
# $6 the holder's current lease id (any uuid when none), $7 the id of a new lease row,
# $8 seconds until expiry. The grant is what is wanted, at most an eighth of what is left
# (at least 1), at most what is left: leases shrink as the cap nears its end, so the last
# scans are not stranded in one process. No row: the code has no books yet (OPEN_BOOKS).
# Lease columns NULL: nothing was granted and the holder has no lease row (none is made empty).
TAKE = """
WITH cap AS (
    SELECT c.used, c.leased,
           GREATEST(LEAST($4::bigint, GREATEST(($3::bigint - c.used - c.leased) / 8, 1),
                          $3::bigint - c.used - c.leased), 0) AS granted
    FROM scan_caps c WHERE c.code_id = $1 FOR UPDATE
), mine AS (
    SELECT l.taken, l.spent FROM scan_cap_leases l
    WHERE l.code_id = $1 AND l.holder = $2 AND l.lease_id = $6 FOR UPDATE
), step AS (
    SELECT cap.granted,
           COALESCE((SELECT LEAST(GREATEST($5::bigint - mine.spent, 0), mine.taken - mine.spent)
                     FROM mine), 0) AS settled
    FROM cap
), books AS (
    UPDATE scan_caps c
    SET used = c.used + step.settled,
        leased = c.leased + step.granted - step.settled,
        updated_at = now()
    FROM step WHERE c.code_id = $1
    RETURNING c.used, c.leased
), lease AS (
    INSERT INTO scan_cap_leases AS l (code_id, holder, lease_id, taken, spent, expires_at)
    SELECT $1, $2, $7, step.granted, 0, now() + make_interval(secs => $8) FROM step
    WHERE step.granted > 0
       OR EXISTS (SELECT 1 FROM scan_cap_leases WHERE code_id = $1 AND holder = $2)
    ON CONFLICT (code_id, holder) DO UPDATE
    SET taken = l.taken + EXCLUDED.taken,
        spent = l.spent + (SELECT settled FROM step),
        expires_at = EXCLUDED.expires_at
    RETURNING l.lease_id, l.taken, l.spent
)
SELECT step.granted, lease.lease_id, lease.taken, lease.spent, books.used, books.leased
FROM step CROSS JOIN books LEFT JOIN lease ON true
"""

# Hand a lease back: its spent scans are settled, the rest returns to the code's cap.
# $1 code, $2 holder, $3 lease id (NULL: whatever lease this holder may have been given by a
# statement whose answer it never got; it granted none of it), $4 scans spent of it.
RELEASE = """
WITH gone AS (
    DELETE FROM scan_cap_leases
    WHERE code_id = $1 AND holder = $2 AND lease_id = COALESCE($3::uuid, lease_id)
    RETURNING taken, spent
)
UPDATE scan_caps c
SET used = c.used + LEAST(GREATEST($4::bigint - gone.spent, 0), gone.taken - gone.spent),
    leased = c.leased - (gone.taken - gone.spent),
    updated_at = now()
FROM gone WHERE c.code_id = $1
RETURNING c.used
"""

# Leases left past their expiry by more than $2 seconds, whose holders are gone or cut off:
# counted as spent in full (their holders may have granted all of them), never handed out
# twice. A holder on this host that died is settled exactly from its ledger before this.
RECLAIM = """
WITH gone AS (
    DELETE FROM scan_cap_leases
    WHERE code_id = $1 AND expires_at < now() - make_interval(secs => $2)
    RETURNING taken - spent AS held
), total AS (SELECT COALESCE(sum(held), 0)::bigint AS held, count(*) AS leases FROM gone)
UPDATE scan_caps c
SET used = c.used + total.held, leased = c.leased - total.held, updated_at = now()
FROM total WHERE c.code_id = $1 AND total.leases > 0
RETURNING total.leases
"""

STATEMENTS = (OPEN_BOOKS, TAKE, RELEASE, RECLAIM)
