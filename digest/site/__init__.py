"""The pure core: a Digest -> pages (group, render, meta, feeds, sitemap, images shown)."""
