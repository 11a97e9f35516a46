"""Rate limits: fixed-window request counters per key, user or client address.

`policy` says which quota a request falls under, `counters` keeps the counts (shared in
PostgreSQL, or per replica in memory), `limiter` decides and stays fast when PostgreSQL is not,
`headers` puts the decision on every response.
"""
