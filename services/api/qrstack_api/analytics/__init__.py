"""/v1 analytics: per-code analytics, scans list and CSV, workspace analytics (proxied to the
analytics service)."""
