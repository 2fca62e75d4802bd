"""The input edge: article files -> Article values (find, decode, front matter, Markdown)."""
