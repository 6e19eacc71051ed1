/* The search page: asks the index files under search/ (see generator/searchindex.py) through
   the same term cut as the builder (terms.js). The index is a base and, after builds that
   changed a few shops, a short chain of small deltas: each delta's entries are numbered after
   those before it, and it lists the earlier entries it replaces or removes. No framework;
   results are built as text nodes, never as HTML from the index. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var T = JSON.parse(box.getAttribute("data-strings"));
  var base = box.getAttribute("data-index");
  var form = box.querySelector("form"), input = box.querySelector("input[name=q]");
  var status = box.querySelector("[role=status]"), list = box.querySelector("ol");
  var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-filter]"));
  var cache = new Map(), manifest = null, FIRST = 10, LIMIT = 30;  // results shown at once, then in all
  var parts = [], gone = new Set();  // the base, then each delta, with its first entry; the entries deltas remove

  function say(text, state) {  // state "done" once what is said is the answer
    status.textContent = text;
    box.setAttribute("data-state", state || "done");
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }
  if (!("DecompressionStream" in window) || !window.fetch) {
    say(T.unsupported);
    form.hidden = false;
    return;
  }

  function load(version, name) {  // a gzip JSON file of the base's or a delta's folder, fetched once
    var path = version + "/" + name;
    if (!cache.has(path)) {
      cache.set(path, fetch(base + path).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
      }));
    }
    return cache.get(path);
  }
  function undelta(numbers) {
    var out = [], total = 0;
    for (var i = 0; i < numbers.length; i++) { total += numbers[i]; out.push(total); }
    return out;
  }
  function postings(key, match) {  // entry -> score for the terms `match` accepts, from key's buckets
    return Promise.all(parts.map(function (part) {
      return load(part.version, "t" + shopdirTerms.bucket(key, part.buckets) + ".json.gz");
    })).then(function (got) {
      var found = new Map();
      got.forEach(function (bucket, n) {
        Object.keys(bucket).forEach(function (term) {
          if (!match(term)) return;
          var ids = undelta(bucket[term][0]), scores = bucket[term][1];
          ids.forEach(function (id, i) {
            id += parts[n].first;
            if (gone.has(id)) return;
            found.set(id, Math.max(found.get(id) || 0, scores[i]));
          });
        });
      });
      return found;
    });
  }
  function allowed(name, value) {  // the entries a filter value lets through, of base and deltas
    return Promise.all(parts.map(function (part) {
      return load(part.version, "f.json.gz").then(function (filters) {
        return undelta((filters[name] || {})[value] || []).map(function (id) { return id + part.first; });
      });
    })).then(function (lists) { return new Set([].concat.apply([], lists)); });
  }
  function find(text, chosen) {
    var asked = shopdirTerms.query(text);
    if (!asked.terms.length && !asked.prefix) return Promise.resolve([]);
    var lookups = asked.terms.map(function (term) {
      return postings(term, function (t) { return t === term; });
    });
    if (asked.prefix) {
      var folded = shopdirTerms.fold(asked.prefix);
      lookups.push(postings(asked.prefix, function (t) { return t.indexOf(asked.prefix) === 0 || t === folded; }));
    }
    var names = Object.keys(chosen).filter(function (name) { return chosen[name]; });
    var filters = names.map(function (name) { return allowed(name, chosen[name]); });
    return Promise.all(lookups.concat(filters)).then(function (lists) {
      var sets = lists.splice(lookups.length), found = lists[0];
      lists.slice(1).forEach(function (other) {
        var next = new Map();
        found.forEach(function (score, id) { if (other.has(id)) next.set(id, score + other.get(id)); });
        found = next;
      });
      sets.forEach(function (set) {
        found.forEach(function (_, id) { if (!set.has(id)) found.delete(id); });
      });
      return Array.from(found.keys()).sort(function (a, b) {
        return (found.get(b) - found.get(a)) || (a - b);
      });
    });
  }
  function safeUrl(url) {  // only the site's own paths and web addresses become links or images
    return /^(\/|https?:\/\/)/i.test(url) ? url : null;
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function where(id) {  // the display file of an entry, and its row there
    var part = parts.filter(function (p) { return id >= p.first; }).pop(), local = id - part.first;
    return { file: part.version + "/d" + Math.floor(local / manifest.chunk) + ".json.gz", row: local % manifest.chunk,
             version: part.version, name: "d" + Math.floor(local / manifest.chunk) + ".json.gz" };
  }
  function rows(ids) {  // the display rows of some entries, each file fetched once
    var chunks = {};
    ids.forEach(function (id) { var at = where(id); chunks[at.file] = at; });
    return Promise.all(Object.keys(chunks).map(function (file) {
      return load(chunks[file].version, chunks[file].name).then(function (got) { chunks[file] = got; });
    })).then(function () {
      return ids.map(function (id) { var at = where(id); return chunks[at.file][at.row]; });
    });
  }
  function append(row) {
    var item = element("li", "result"), href = safeUrl(row[5]), image = safeUrl(row[4]);
    if (image) {
      var img = element("img");
      img.src = image; img.alt = ""; img.loading = "lazy"; img.width = 64; img.height = 64;
      item.appendChild(img);
    }
    var title = element(href ? "a" : "span", "result-title", row[0]);
    if (href) title.href = href;
    item.appendChild(element("h2")).appendChild(title);
    item.appendChild(element("p", "result-meta", row[2] ? row[1] + " · " + row[2] : row[1]));
    if (row[3]) item.appendChild(element("p", "result-excerpt", row[3]));
    list.appendChild(item);
  }
  function show(ids, text) {  // the first results as soon as their rows are here, then the rest up to LIMIT
    return rows(ids.slice(0, FIRST)).then(function (first) {
      if (input.value !== text) return;
      list.textContent = "";
      first.forEach(append);
      if (!ids.length) {
        say(fill(T.none, { q: text }));
        var hint = element("li", "result-none");
        hint.appendChild(document.createTextNode(T.suggest + " "));
        var browse = element("a", "", T.categories);
        browse.href = box.getAttribute("data-categories");
        hint.appendChild(browse);
        list.appendChild(hint);
        return;
      }
      return rows(ids.slice(FIRST, LIMIT)).then(function (more) {
        if (input.value !== text) return;
        more.forEach(append);
        say(fill(T.count, { n: ids.length, q: text }));
      });
    });
  }
  function run(push) {
    var text = input.value, chosen = {};
    selects.forEach(function (s) { chosen[s.getAttribute("data-filter")] = s.value; });
    if (push) {
      var params = new URLSearchParams();
      if (text) params.set("q", text);
      Object.keys(chosen).forEach(function (k) { if (chosen[k]) params.set(k, chosen[k]); });
      history.replaceState(null, "", "?" + params.toString());
    }
    if (!shopdirTerms.query(text).terms.length && !shopdirTerms.query(text).prefix) {
      list.textContent = "";
      say(text.trim() ? fill(T.none, { q: text }) : "");
      return;
    }
    say(T.searching, "busy");
    find(text, chosen).then(function (ids) {
      if (input.value === text) return show(ids, text);
    }).catch(function () { say(T.failed); });
  }

  fetch(base + "index.json", { cache: "no-cache" }).then(function (r) { return r.json(); }).then(function (m) {
    if (m.format !== 3) throw new Error("format");
    manifest = m;
    parts = [{ version: m.version, buckets: m.buckets, first: 0 }].concat(m.deltas);
    m.deltas.forEach(function (delta) { undelta(delta.removed).forEach(function (id) { gone.add(id); }); });
    var params = new URLSearchParams(location.search);
    selects.forEach(function (select) {
      var name = select.getAttribute("data-filter");
      (manifest.filters[name] || []).forEach(function (value) {
        var option = element("option", "", value);
        option.value = value;
        select.appendChild(option);
      });
      select.value = params.get(name) || "";
      select.addEventListener("change", function () { run(true); });
    });
    input.value = params.get("q") || input.value;
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { run(true); }, 200); });
    form.addEventListener("submit", function (event) { event.preventDefault(); run(true); });
    box.addEventListener("keydown", function (event) {  // the arrow keys go from the box through the results
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(list.querySelectorAll("a.result-title"));
      var at = event.target === input ? -1 : links.indexOf(event.target);
      if (at < 0 && event.target !== input) return;
      var next = at + (event.key === "ArrowDown" ? 1 : -1);
      if (next < -1 || next >= links.length || (next === -1 && at === -1)) return;
      event.preventDefault();
      (next === -1 ? input : links[next]).focus();
    });
    form.hidden = false;
    if (input.value) run(false);
  }).catch(function () { say(T.failed); });
})();
