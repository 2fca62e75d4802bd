"""Network edge: feeds (`digest fetch`) and clipped pages (`digest add`) -> article files.

sources.py (config shape) -> http.py (polite client) -> feeds.py (bytes -> entries, pure)
-> entries.py (entry -> article text, pure) -> store.py (state, dedup, atomic writes);
clip.py does the same for one web page; run.py is the orchestrator the CLI calls.
"""
