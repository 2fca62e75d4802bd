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
        var shards = both[1].shards;
        var whole = wholeIndex(shards);
        var primary = shards.filter(function (shard) { return !shard.path; })[0];
        return Promise.resolve(pf.options(shardOptions(primary, whole))).then(function () {
          return Promise.all(shards.filter(function (shard) { return shard.path; })
            .map(function (shard) {
              /* a path, not a URL: Pagefind's worker makes result URLs from it */
              return pf.mergeIndex(new URL(shard.path, bundle).pathname,
                shardOptions(shard, whole));
            }));
        }).then(function () { return { pf: pf, shards: shards, whole: whole }; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  /* Ranking as one index would. Pagefind scores a page by BM25 over its own index: its
     page count N, average page length, and for each word of the query the pages C that
     hold it (idf = ln(1 + (N − C + ½)/(C + ½))), each shard with its own. So:
     - the length: each shard is given BM25 settings (termSaturation k, pageLength b) that
       make its length term k·(1 − b + b·len/avg) the whole index's, and its score scaled
       back by (k₀ + 1)/(k + 1) (meta fields' weights divided by it to match);
     - the words: the pages holding a word are counted in every shard (a filter Pagefind
       adds to each shard's pages, `totalFilters`), summed, and each result's idf is
       swapped for the whole index's. A search of several words is asked word by word as
       well, to take each word's part of a page's score apart (a page matching the title
       gets a boost that depends on the share of the query's idf that it matches);
     - which shard a result comes from rides on its score: each shard's indexWeight is
       1 + (its number)·2⁻⁴⁰, far below the score's own precision (Pagefind's scores are
       32-bit floats, JavaScript's numbers 64-bit). */
  var K1 = 1.4, B = 0.75, META = { title: 5 };  // Pagefind's defaults
  var TAG = Math.pow(2, -40);
  var SHARD = "digest-shard";

  function wholeIndex(shards) {
    var size = 0, words = 0, meta = {};
    shards.forEach(function (shard, i) {
      shard.number = i + 1;
      size += shard.size;
      words += shard.words;
      (shard.meta || []).forEach(function (field) { meta[field] = META[field] || 1; });
    });
    return { size: size, average: size ? words / size : 0, meta: meta };
  }

  function shardOptions(shard, whole) {
    var ratio = shard.size && whole.average ? shard.words / shard.size / whole.average : 1;
    var k = K1 * (1 - B + B * ratio);
    var b = B * ratio / (1 - B + B * ratio);
    if (!(k <= 2 && b <= 1)) { k = K1; b = B; }  // (beyond Pagefind's bounds: left as is)
    shard.scale = (K1 + 1) / (k + 1);
    var weights = {};
    Object.keys(whole.meta).forEach(function (field) {
      weights[field] = whole.meta[field] / shard.scale;
    });
    var filter = {};
    filter[SHARD] = shard.name;
    return { excerptLength: 32, indexWeight: 1 + shard.number * TAG, mergeFilter: filter,
             ranking: { termSaturation: k, pageLength: b, metaWeights: weights } };
  }

  function idf(pages, holding) {
    return Math.log(1 + (pages - holding + 0.5) / (holding + 0.5));
  }

  /* A result's score -> [the shard's own score, the shard's number] (0: none). */
  function untag(score) {
    var own = Math.fround(score);
    return own ? [own, Math.round((score / own - 1) / TAG)] : [score, 0];
  }

  /* A search's totalFilters -> for each shard, [its idf of the word, the whole index's]
     (null without the counts: then Pagefind's own order stands). */
  function idfs(found, index) {
    var counts = (found.totalFilters || {})[SHARD];
    if (!counts) return null;
    var all = 0;
    index.shards.forEach(function (shard) { all += counts[shard.name] || 0; });
    var out = {};
    index.shards.forEach(function (shard) {
      out[shard.number] = [idf(shard.size, counts[shard.name] || 0), idf(index.whole.size, all)];
    });
    return out;
  }

  function metaBoost(fields, idfOf, total, weight) {
    var boost = 0;
    Object.keys(fields).forEach(function (field) {
      var matched = fields[field].reduce(function (sum, t) { return sum + idfOf(t); }, 0);
      boost += weight(field) * matched * Math.pow(matched / total, 2);
    });
    return boost;
  }

  /* One result -> its score as one whole index would give it. */
  function rescore(result, index, words) {
    var own = untag(result.score);
    var shard = index.shards[own[1] - 1];
    if (!shard || !own[0] || !words.length && !words.exact) return own[0];
    if (words.exact) return result.matchedMetaFields ? own[0] * shard.scale : own[0];
    var n = shard.number;
    function shardIdf(w) { return words[w].idf[n][0]; }
    function wholeIdf(w) { return words[w].idf[n][1]; }
    function wholeWeight(field) { return index.whole.meta[field] || 1; }
    function shardWeight(field) { return wholeWeight(field) / shard.scale; }
    var shardTotal = 0, wholeTotal = 0;
    words.forEach(function (_, w) { shardTotal += shardIdf(w); wholeTotal += wholeIdf(w); });
    /* (a page this model does not describe, e.g. a word matched twice at one place or two
       forms of a word in its title: the idfs' sums swapped) */
    var roughly = own[0] * shard.scale * wholeTotal / shardTotal;
    if (words.length === 1) return roughly;
    var parts = 0, base = 0, fields = {};
    for (var w = 0; w < words.length; w++) {
      var alone = words[w].pages[result.id];
      if (!alone) return roughly;
      var matched = alone.matchedMetaFields || [];
      var boost = 0;
      matched.forEach(function (field) {
        (fields[field] = fields[field] || []).push(w);
        boost += shardWeight(field);
      });
      var tf = untag(alone.score)[0] / shardIdf(w) - boost;  // this word's BM25 part
      parts += shardIdf(w) * tf;
      base += wholeIdf(w) * tf * shard.scale;
    }
    if (Math.abs(parts + metaBoost(fields, shardIdf, shardTotal, shardWeight) - own[0]) >
        1e-4 * own[0]) return roughly;  // the parts must add up to the shard's score
    return base + metaBoost(fields, wholeIdf, wholeTotal, wholeWeight);
  }

  /* The words of a query as Pagefind takes them apart, each with the shards' idfs and
     (for more than one) its own results by page. */
  function words(index, term, filters, found) {
    if (/^\s*".+"\s*$/.test(term)) return Promise.resolve({ exact: true });
    var pieces = term.split(/\s+/).filter(Boolean);
    if (pieces.length === 1) return Promise.resolve([{ idf: idfs(found, index) }]);
    return Promise.all(pieces.map(function (piece) {
      return index.pf.search(piece, { filters: filters });
    })).then(function (alone) {
      return alone.filter(function (one) { return one.results.length; }).map(function (one) {
        var pages = {};
        one.results.forEach(function (r) { pages[r.id] = r; });
        return { idf: idfs(one, index), pages: pages };
      });
    });
  }

  /* Pagefind's merged search -> its results in the whole index's order. */
  function ranked(index, term, filters) {
    return index.pf.search(term || null, { filters: filters }).then(function (found) {
      if (!term || !index.whole.size) return found.results;
      return words(index, term, filters, found).then(function (parts) {
        if (!parts.exact && parts.some(function (part) { return !part.idf; })) {
          return found.results;
        }
        var scored = found.results.map(function (r) {
          return { result: r, score: rescore(r, index, parts) };
        });
        scored.sort(function (a, b) { return b.score - a.score; });
        return scored.map(function (s) { return s.result; });
      });
    });
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
      .then(function (index) { return ranked(index, term, filters); })
      .then(function (results) {
        return Promise.all(results.slice(0, 50).map(function (r) { return r.data(); }));
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
