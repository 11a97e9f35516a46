"""ClickHouse behind one interface: chDB in-process (the embedded default) or a server."""
