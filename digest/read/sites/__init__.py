"""Pure: what Pelican, Hugo or Jekyll would make of a file in the folder it builds.

    detect_site(files) -> Site                 the tool and its settings, from config texts
    scan_tree(site, metas) -> Tree             Hugo's bundles and cascades, from every file
    role(site, rel, has_front_matter, meta, tree) -> Role     article, draft or skip, and why
    title(site, rel, meta, tree) -> str | None
    date_of(site, rel, meta, tree, mtime) -> Dated
    tags(site, rel, meta, tree) -> tuple[str, ...]
    slug(site, rel, meta, tree) -> str | None
    old_paths(site, rel, meta, tree) -> tuple[str, ...]
    conventions(site, rel, meta, tree, mtime) -> Reading      all of the above for one file

`rel` is the file's path from the site's folder (where its config file is), with '/';
`meta` is what the readers found (`Document.meta`, None without front matter). The rules
are bench/COMPAT.md's, observed from Pelican 4.12, Hugo 0.168 and Jekyll 4.3. Nothing here
reads a file, runs the config, or looks at the clock: what depends on "now" (Hugo's
publishDate and expiryDate, Jekyll's future posts) comes back as dates for the caller.
For tool "none" every rule answers "digest's own" (None, or an empty tuple).

One module per tool (hugo.py, jekyll.py, pelican.py), what they share in common.py, the
config detection in detect.py and the public rules in rules.py; this package re-exports
the names the rest of digest and the tests use.
"""

from .common import CONFIG_FILES, Dated, Reading, Role, Site, Tree, read_date
from .detect import detect_site
from .hugo import hugo_urlize, scan_tree
from .jekyll import jekyll_slugify
from .pelican import pelican_slugify
from .rules import conventions, date_of, old_paths, role, slug, tags, title

__all__ = [
    "CONFIG_FILES",
    "Dated",
    "Reading",
    "Role",
    "Site",
    "Tree",
    "conventions",
    "date_of",
    "detect_site",
    "hugo_urlize",
    "jekyll_slugify",
    "old_paths",
    "pelican_slugify",
    "read_date",
    "role",
    "scan_tree",
    "slug",
    "tags",
    "title",
]
