"""Routing rules of a code: validated on write so the redirect service can evaluate every rule
it receives, and published with the code's snapshot in the same transaction."""
