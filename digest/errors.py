"""Errors shared by config.py and the modules it reads sections with (no imports of its own)."""


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file."""
