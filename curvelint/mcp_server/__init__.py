"""``curvelint mcp``: curvelint's analysis offered to AI assistants over the Model Context
Protocol (stdio), confined to the folders given on the command line.

:mod:`roots` checks every path a client sends, :mod:`tools` computes the answers with the
library (no MCP import: usable and testable on its own), :mod:`series` shrinks one curve for a
client's context, and :mod:`server` registers the tools with the ``mcp`` SDK (an extra).
"""
