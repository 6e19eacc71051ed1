/* Search terms: the same cut as generator/terms.py, term for term (see that file for the
   rules; tests/unit/test_terms.py runs both over one corpus). Plain script: in a page it
   sets window.shopdirTerms, under node it is a module. */
(function (root) {
  "use strict";

  // Inclusive code point ranges cut as CJK; the same list as CJK_RANGES in terms.py.
  var CJK_RANGES = [
    [0x1100, 0x11FF], [0x2E80, 0x2FDF], [0x3005, 0x3007], [0x3021, 0x3029],
    [0x3038, 0x303B], [0x3041, 0x309F], [0x30A1, 0x30FA], [0x30FC, 0x30FF],
    [0x3131, 0x318F], [0x31F0, 0x31FF], [0x3400, 0x4DBF], [0x4E00, 0x9FFF],
    [0xA960, 0xA97F], [0xAC00, 0xD7AF], [0xD7B0, 0xD7FF], [0xF900, 0xFAFF],
    [0x20000, 0x3FFFF]
  ];
  var CJK = "cjk", WORD = "word", OTHER = "other";
  var PREFIX_MIN = 2;
  var WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
  var DIGIT = /^\p{Nd}$/u;

  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(/ς/g, "σ");
  }

  function kindOf(char) {
    var code = char.codePointAt(0);
    for (var i = 0; i < CJK_RANGES.length; i++) {
      if (code >= CJK_RANGES[i][0] && code <= CJK_RANGES[i][1]) return CJK;
    }
    return WORD_CHAR.test(char) ? WORD : OTHER;
  }

  // Runs are arrays of code points (strings of one character each), like Python's str.
  function runs(text) {
    var found = [], current = [], kind = OTHER;
    Array.from(normalise(text)).forEach(function (char) {
      var self = kindOf(char);
      if (self !== kind && current.length) {
        found.push([kind, current]);
        current = [];
      }
      kind = self;
      if (self !== OTHER) current.push(char);
    });
    if (current.length) found.push([kind, current]);
    return found;
  }

  function endsWithAny(word, endings) {
    return endings.some(function (end) { return word.slice(-end.length) === end; });
  }

  function fold(word) {
    if (!/^[a-z]+$/.test(word) || word.length < 3) return word;
    if (word.length === 3) { /* gas, bus, yes: no plural cut; pie, toe: their endings below */ }
    else if (word.slice(-3) === "ies" && word.length > 4) word = word.slice(0, -3) + "y";
    else if (word.slice(-3) === "ves") word = word.slice(0, -3) + "f";
    else if (word.slice(-3) === "oes") word = word.slice(0, -2);
    else if (word.slice(-2) === "es" && endsWithAny(word.slice(0, -2), ["s", "x", "z", "ch", "sh"])) {
      word = word.slice(0, -2);
    } else if (word.slice(-1) === "s" && !endsWithAny(word, ["ss", "us", "is"])) word = word.slice(0, -1);
    if (word.slice(-2) === "ie") return word.slice(0, -2) + "y";
    if (endsWithAny(word, ["fe", "ve"])) return word.slice(0, -2) + "f";
    if (word.slice(-2) === "oe") return word.slice(0, -1);
    return word;
  }

  function wordTerms(chars) {
    var word = chars.join(""), folded = fold(word);
    return [folded].concat(parts(chars).map(fold), folded !== word ? [word] : []);
  }

  function parts(chars) {
    var pieces = [], last = null;
    chars.forEach(function (char) {
      var digit = DIGIT.test(char);
      if (pieces.length && last === digit) pieces[pieces.length - 1] += char;
      else pieces.push(char);
      last = digit;
    });
    return pieces.length > 1 ? pieces : [];
  }

  function pairs(chars) {
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  function indexTerms(text) {
    var terms = [];
    runs(text).forEach(function (run) {
      if (run[0] === CJK) {
        terms = terms.concat(run[1], pairs(run[1]));
      } else {
        terms = terms.concat(wordTerms(run[1]));
      }
    });
    return terms;
  }

  function query(text) {
    var found = runs(text), normal = Array.from(normalise(text)), prefix = null;
    var last = found[found.length - 1];
    if (last && last[0] === WORD && last[1].length >= PREFIX_MIN &&
        normal.slice(-last[1].length).join("") === last[1].join("")) {
      prefix = found.pop()[1].join("");
    }
    var terms = [];
    found.forEach(function (run) {
      var cut = run[0] === CJK ? (run[1].length > 1 ? pairs(run[1]) : [run[1][0]]) : [fold(run[1].join(""))];
      cut.forEach(function (term) { if (terms.indexOf(term) < 0) terms.push(term); });
    });
    return { terms: terms, prefix: prefix };
  }

  // FNV-1a over the UTF-8 bytes of the term's first two characters (see bucket in terms.py).
  function bucket(term, count) {
    var bytes = new TextEncoder().encode(Array.from(term).slice(0, 2).join(""));
    var value = 0x811C9DC5;
    for (var i = 0; i < bytes.length; i++) value = Math.imul(value ^ bytes[i], 0x01000193) >>> 0;
    return value % count;
  }

  var api = { CJK_RANGES: CJK_RANGES, normalise: normalise, indexTerms: indexTerms,
              query: query, fold: fold, bucket: bucket };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.shopdirTerms = api;
})(typeof window !== "undefined" ? window : this);
