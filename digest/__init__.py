"""digest: a static site generator for topic news digests."""

__version__ = "0.1.0"

# The name digest is installed by (the PyPI project `digest` is someone else's);
# the command and the import package are both `digest`.
DISTRIBUTION = "topic-digest"
PROJECT_URL = "https://github.com/digest-ssg/digest"
