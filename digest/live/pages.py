"""The preview's own answers: the reload script, the build-error page, the not-found page."""

from __future__ import annotations

from .routes import EVENTS


def _shown(text: str, width: int = 80) -> str:
    """Text a client sent -> safe to print: escaped, and cut short if long."""
    cut = text[:width]
    return ascii(cut)[1:-1] + ("…" if len(text) > width else "")


_SCRIPT_JS = b"""// digest preview: reload this page after every rebuild; show build errors over it.
(() => {
  const me = document.currentScript;
  const seen = {server: me.dataset.server, version: Number(me.dataset.version)};
  let overlay = null;
  function show(error) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "digest-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1f1f1f;color:#fff;" +
        "border-top:4px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;" +
        "white-space:pre-wrap;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "digest: the last build failed; showing the last good site.\\n\\n" +
      error + "\\n\\nFix the file and save: this page reloads by itself.";
  }
  function hide() { if (overlay) { overlay.remove(); overlay = null; } }
  // A tab in the background lets go of its connection (browsers allow only six per
  // server), and asks again when it is shown: `hello` then says if it missed a rebuild.
  let source = null;
  function connect() {
    if (source || document.hidden) { return; }
    source = new EventSource("EVENTS");
    source.addEventListener("hello", (e) => {
      const now = JSON.parse(e.data);
      if (now.server !== seen.server || now.version !== seen.version) {
        location.reload();
        return;
      }
      if (now.error) { show(now.error); } else { hide(); }
    });
    source.addEventListener("reload", () => location.reload());
    source.addEventListener("failed", (e) => show(JSON.parse(e.data).error));
    source.onerror = () => {
      if (source && source.readyState === EventSource.CLOSED) {
        disconnect();
        setTimeout(connect, 1000);
      }
    };
  }
  function disconnect() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { disconnect(); } else { connect(); }
  });
  connect();
})();
""".replace(b"EVENTS", EVENTS.encode())

_ERROR_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Build failed · digest preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem">
<h1>The site could not be built</h1>
<pre style="white-space:pre-wrap;background:#f4f4f4;padding:1rem">{message}</pre>
<p>Fix the file and save: this page reloads by itself.</p>
</body>
</html>
"""

_NOT_FOUND_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Not found · digest preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
<h1>Not found</h1>
<p>There is no page at <code>{path}</code> in this site.</p>
<p><a href="{home}">Go to the front page</a></p>
</body>
</html>
"""
