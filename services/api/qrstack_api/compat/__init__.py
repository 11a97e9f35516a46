"""Drop-in compatibility with the APIs of RecodeQR (seed 002), U2QR (seed 003), TrakQR (000)
and Trackier (001).

Thin adapters onto the one domain model: each surface translates its clients' bodies into the
/v1 code input (`codes.input.parse_code_body`), calls the same store (`codes.store`), and
translates the stored row back into the seed's exact shapes. A code made through any surface
is readable, editable and scannable through every other.

- `recodeqr/`: `/api/qr-codes…` and `/api/generate`.
- `u2qr/`: `/api/v1/qrcodes…`.
- `transport`: TrakQR's and Trackier's HTTP behaviours on every API surface (301 to HTTPS).
- `errors`: each surface's own error shape, rendered from the one `ApiError`.
- `identifiers`: RecodeQR `code_id` ↔ /v1 id ↔ U2QR `shortCode`.
- `timestamps`: ISO 8601 in and out, UTC.
- `routes` and `middleware`: what the app registers (see `qrstack_api.app`).

docs/migrating.md is the guide for clients.
"""
