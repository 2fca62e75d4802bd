/* digest search: asks the Pagefind index that the build wrote into pagefind/, in the
   browser, with no request to anyone else. The page still offers links without it. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var fields = form.elements;
  var bundle = new URL(form.getAttribute("data-bundle"), document.baseURI).href;
  var loading = null;
  var latest = 0;
  var timer = 0;
  var unavailable = "Search is not available here: it needs the site served over http(s), " +
    "with the search index that digest builds. Browse by topic, source or date instead.";

  /* The index comes in shards (by month, see digest/output/shards.py): the primary one
     beside pagefind.js, the others listed in shards.json and merged into it. */
  function pagefind() {
    if (!loading) {
      var listed = fetch(new URL("shards.json", bundle).href).then(function (response) {
        if (!response.ok) throw new Error("no shards.json");
        return response.json();
      });
      loading = Promise.all([import(bundle), listed]).then(function (both) {
        var pf = both[0];
        var options = { excerptLength: 32 };
        return Promise.resolve(pf.options(options)).then(function () {
          return Promise.all(both[1].shards.filter(function (shard) { return shard.path; })
            .map(function (shard) {
              /* a path, not a URL: Pagefind's worker makes result URLs from it */
              return pf.mergeIndex(new URL(shard.path, bundle).pathname, options);
            }));
        }).then(function () { return pf; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the hits: keep the marks only. */
  function excerpt(html) {
    var out = element("p", "excerpt");
    var body = new DOMParser().parseFromString(html, "text/html").body;
    body.childNodes.forEach(function (node) {
      out.appendChild(node.nodeName === "MARK" ? element("mark", "", node.textContent)
        : document.createTextNode(node.textContent));
    });
    return out;
  }

  function show(results, term) {
    list.replaceChildren.apply(list, results.map(function (data) {
      var item = element("li", "result");
      var title = element("h2", "result-title");
      var link = element("a", "", data.meta.title || data.url);
      link.href = data.url;
      title.appendChild(link);
      item.appendChild(title);
      var meta = [data.meta.source, data.meta.date].filter(Boolean).join(" · ");
      if (meta) item.appendChild(element("p", "meta", meta));
      item.appendChild(excerpt(data.excerpt));
      return item;
    }));
    var count = results.length === 1 ? "1 story" : results.length + " stories";
    status.textContent = results.length ? count + " found" + (term ? " for “" + term + "”." : ".")
      : "No stories found" + (term ? " for “" + term + "”." : ".");
  }

  function search() {
    var run = ++latest;
    var term = fields.q.value.trim();
    var filters = {};
    var params = new URLSearchParams();
    if (term) params.set("q", term);
    ["topic", "source"].forEach(function (name) {
      if (fields[name].value) {
        filters[name] = fields[name].value;
        params.set(name, fields[name].value);
      }
    });
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
    if (!term && !Object.keys(filters).length) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    if (location.protocol === "file:") {  // browsers refuse to load the index from disk
      status.textContent = unavailable;
      return;
    }
    status.textContent = "Searching…";
    pagefind()
      .then(function (pf) { return pf.search(term || null, { filters: filters }); })
      .then(function (found) {
        return Promise.all(found.results.slice(0, 50).map(function (r) { return r.data(); }));
      })
      .then(function (results) { if (run === latest) show(results, term); })
      .catch(function () {
        if (run === latest) status.textContent = unavailable;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  fields.q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  fields.topic.addEventListener("change", search);
  fields.source.addEventListener("change", search);

  var params = new URLSearchParams(location.search);
  fields.q.value = params.get("q") || "";
  ["topic", "source"].forEach(function (name) { fields[name].value = params.get(name) || ""; });
  if (fields.q.value || fields.topic.value || fields.source.value) search();
})();
