"""The files tests' app, database pool and workspaces (a workspace with a key of every
scope, calls made with it)."""

from integration.api.files.conftest import api, db, ws

__all__ = ["api", "db", "ws"]
