"""What makes a rebuild cheap: the build cache and the page keys."""
