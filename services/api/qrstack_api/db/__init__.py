"""PostgreSQL access: the pool and the schema migrations."""
