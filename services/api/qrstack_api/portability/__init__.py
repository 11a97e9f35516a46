"""Leave freely: `GET /v1/export` (a portable zip archive) and `POST /v1/import` (CSV or our
own export; a dry run first, then a commit; idempotent on re-run)."""
