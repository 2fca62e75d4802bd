"""The preview: a watcher and a local server, handed a builder callable."""
