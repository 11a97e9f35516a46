"""Live scans as Server-Sent Events: /v1/scans/stream and /v1/codes/{id}/scans/stream."""
