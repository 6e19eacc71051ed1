/* The search page: asks the index files under search/ (see generator/searchindex.py) through
   the same term cut as the builder (terms.js). No framework; results are built as text nodes,
   never as HTML from the index. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var T = JSON.parse(box.getAttribute("data-strings"));
  var base = box.getAttribute("data-index");
  var form = box.querySelector("form"), input = box.querySelector("input[name=q]");
  var status = box.querySelector("[role=status]"), list = box.querySelector("ol");
  var selects = Array.prototype.slice.call(box.querySelectorAll("select[data-filter]"));
  var cache = new Map(), manifest = null, LIMIT = 30;

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

  function load(name) {  // a gzip JSON file of this build, fetched once
    if (!cache.has(name)) {
      cache.set(name, fetch(base + manifest.version + "/" + name).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
      }));
    }
    return cache.get(name);
  }
  function undelta(numbers) {
    var out = [], total = 0;
    for (var i = 0; i < numbers.length; i++) { total += numbers[i]; out.push(total); }
    return out;
  }
  function postings(key, match) {  // entry -> score for the terms `match` accepts, from key's bucket
    return load("t" + shopdirTerms.bucket(key, manifest.buckets) + ".json.gz").then(function (bucket) {
      var found = new Map();
      Object.keys(bucket).forEach(function (term) {
        if (!match(term)) return;
        var ids = undelta(bucket[term][0]), scores = bucket[term][1];
        ids.forEach(function (id, i) { found.set(id, Math.max(found.get(id) || 0, scores[i])); });
      });
      return found;
    });
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
    if (names.length) lookups.push(load("f.json.gz"));
    return Promise.all(lookups).then(function (lists) {
      var filters = names.length ? lists.pop() : null, found = lists[0];
      lists.slice(1).forEach(function (other) {
        var next = new Map();
        found.forEach(function (score, id) { if (other.has(id)) next.set(id, score + other.get(id)); });
        found = next;
      });
      names.forEach(function (name) {
        var allowed = new Set(undelta((filters[name] || {})[chosen[name]] || []));
        found.forEach(function (_, id) { if (!allowed.has(id)) found.delete(id); });
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
  function show(ids, text) {
    var top = ids.slice(0, LIMIT), chunks = {};
    top.forEach(function (id) { chunks[Math.floor(id / manifest.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (n) {
      return load("d" + n + ".json.gz").then(function (rows) { chunks[n] = rows; });
    })).then(function () {
      list.textContent = "";
      top.forEach(function (id) {
        var row = chunks[Math.floor(id / manifest.chunk)][id % manifest.chunk];
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
      });
      if (ids.length) {
        say(fill(T.count, { n: ids.length, q: text }));
      } else {
        say(fill(T.none, { q: text }));
        var hint = element("li", "result-none");
        hint.appendChild(document.createTextNode(T.suggest + " "));
        var browse = element("a", "", T.categories);
        browse.href = box.getAttribute("data-categories");
        hint.appendChild(browse);
        list.appendChild(hint);
      }
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
    if (m.format !== 1) throw new Error("format");
    manifest = m;
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
    form.hidden = false;
    if (input.value) run(false);
  }).catch(function () { say(T.failed); });
})();
