"""Workspaces, users, API keys and who a request acts as."""
