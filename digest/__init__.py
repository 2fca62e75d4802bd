"""digest: a static site generator for topic news digests."""

__version__ = "0.1.0"
