"""The MCP server of the API: AI assistants create and manage codes through the Model Context
Protocol (Streamable HTTP at `/v1/mcp`), with the same API keys, scopes and domain functions
as /v1. See docs/mcp.md."""
