"""The public status page: each component's current status (sampled in the background), a
90-day daily history kept in PostgreSQL, and an RSS feed of status changes."""
