"""Pure: articles -> stories (same-event clusters), exact duplicates and related reading.

fingerprint.py turns one article's text into what clustering needs (at parse time, so
the build cache keeps it with the parsed article); cluster.py groups the site's
articles into stories with MinHash LSH (datasketch) and exact checks on the few
candidates; related.py ranks other stories for an article page.
"""
