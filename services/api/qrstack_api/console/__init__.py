"""The web console: server-rendered pages at `/console/` for people who work in a browser.

The console is a client of /v1 that runs inside the API process: every page reads and every
form writes through the same /v1 routes an API client uses, with the signed-in user's session,
so it can never do what the API would refuse (validation, plans, scopes, workspace isolation
are the API's own). See docs/console.md.
"""
