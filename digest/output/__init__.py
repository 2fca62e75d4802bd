"""The output edge: pages -> files on disk (assemble, atomic write, link check, search)."""
