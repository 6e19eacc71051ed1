"""The catalogue of problems: every kind has a stable rule id, a severity, what it means and how to fix it.

A problem names its rule when the place that finds it passes one (Problem.rule); otherwise the rule is
recognised here by the message, the first rule whose pattern matches winning. Errors stop a build
and fail `shopdir check`; warnings are printed and never do. `python -m generator.rules` prints the
table in docs/rules.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from generator.problems import Problem

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    id: str  # kebab-case, never renamed: CI logs, annotations and JSON reports name it
    severity: str  # ERROR or WARNING
    meaning: str  # what the problem is, in a merchant's or curator's words
    fix: str  # what to change
    patterns: tuple[str, ...] = ()  # regular expressions, matched at the start of a message
    example: str = ""  # a message of this rule, as shopdir prints it

    def matches(self, message: str) -> bool:
        return any(re.match(pattern, message) for pattern in self.patterns)


_Q = r'"[^"]*"'  # a quoted value in a message (values never hold a quote unescaped that matters here)

RULES: tuple[Rule, ...] = (
    # -- files and folders ----------------------------------------------------------------------
    Rule("site-missing", ERROR, "There is no site.yaml: the folder is not a shopdir site.",
         "Run shopdir in the site's folder, or pass --root.",
         (r"site\.yaml is missing",), "site.yaml is missing: is this the root of a shopdir site?"),
    Rule("file-too-large", ERROR, "A content file is larger than limits.file_bytes allows.",
         "Make the file smaller, or raise limits.file_bytes in site.yaml.",
         (r"the file is [\d,]+ bytes; at most",), "the file is 300,000 bytes; at most 262,144 are allowed"),
    Rule("file-unreadable", ERROR, "A file exists but cannot be read (permissions, a broken disk).",
         "Make the file readable, or remove it.",
         (r"cannot be read: ", rf"(image|qr_image) {_Q} cannot be read: "), "cannot be read: Permission denied"),
    Rule("not-utf8", ERROR, "The file is not saved as UTF-8 text.",
         "Save the file as UTF-8 in your editor.",
         (r"the file is not UTF-8 text",), "the file is not UTF-8 text (byte 0xbc); save it as UTF-8"),
    Rule("control-character", ERROR, "The file holds a NUL or control character, or one YAML refuses.",
         "Delete the character at the position shown (your editor may show it as a box or ^H).",
         (r"the file contains a (NUL |control )?character",),
         "the file contains a control character (U+0008); remove it"),
    Rule("symbolic-link", ERROR, "A shop folder, or a file in it, is a symbolic link leading outside the folder.",
         "Replace the link with the real file or folder.",
         (r"a shop folder may not be a symbolic link", r"(shop\.yaml|products) is a symbolic link",
          r"a symbolic link leading outside", rf"\w+ {_Q} is a symbolic link leading outside"),
         "a shop folder may not be a symbolic link"),
    Rule("too-many-files", ERROR, "A shop folder holds more files than limits.files_per_shop allows.",
         "Remove files the shop does not use.",
         (r"the shop folder holds [\d,]+ files",), "the shop folder holds 20,001 files; at most 10,000 are allowed"),
    Rule("shop-yaml-missing", ERROR, "A folder under content/shops/ has no shop.yaml.",
         "Add shop.yaml (shopdir new shop SLUG writes one), or remove the folder.",
         (r"the shop folder has no shop\.yaml",), "the shop folder has no shop.yaml"),
    Rule("stray-product-file", ERROR, "products/ holds something that is not a product file <slug>.md.",
         "Rename the file to <slug>.md, or move it out of products/ (pictures go in images/).",
         (r"only product files named",),
         "only product files named <slug>.md belong in products/; rename or move this"),
    Rule("invalid-name", ERROR, "A shop folder, product file or page file is not named by a valid slug.",
         "Rename it with lowercase ASCII letters, digits and single hyphens (2 to 64 characters).",
         (r"the folder name .* is not a valid shop slug", r"the file name .* is not a valid product slug",
          rf"{_Q} cannot be a page name"),
         'the folder name "Gamma-Pottery" is not a valid shop slug: use lowercase ASCII letters, digits and '
         "single hyphens, 2 to 64 characters"),
    # -- YAML and front matter ----------------------------------------------------------------------
    Rule("front-matter", ERROR, "A Markdown file does not start with a front matter block closed by '---'.",
         "Start the file with a line '---', the fields, and another line '---'.",
         (r"the file must start with a front matter block", r"the front matter opened by '---'"),
         "the front matter opened by '---' on line 1 is never closed by another '---' line"),
    Rule("yaml-syntax", ERROR, "The YAML cannot be read: a syntax error.",
         "Look at the line shown and the one above it: a missing space after ':', an unclosed quote or "
         "bracket. Put text containing ': ' in quotes.",
         (r"YAML syntax error: ", r"YAML cannot be read: "),
         "YAML syntax error: mapping values are not allowed in this context"),
    Rule("yaml-colon-in-value", ERROR, 'A value holds ": ", which YAML reads as the start of another key.',
         'Put the whole value in quotes, as the message shows: tagline: "营业时间: 10:00".',
         (rf"the value of {_Q} holds \": \", which YAML reads as another key",),
         'the value of "tagline" holds ": ", which YAML reads as another key: put the whole value in quotes, '
         'such as tagline: "营业时间: 10:00"'),
    Rule("yaml-unclosed-quote", ERROR, "A value starts with a quote that is never closed.",
         "Add the closing quote at the end of the value, on the same line.",
         (r"the quote .? that starts here is never closed",),
         'the quote " that starts here is never closed: add the closing " at the end of the value'),
    Rule("yaml-indentation", ERROR, "A line is indented more or less than the lines it belongs with.",
         "Line up the keys of one mapping (and the \"- \" of one list) in the same column, with spaces.",
         (r"this line is indented ",),
         "this line is indented by 3 spaces and line 3 above it by 4: lines of one mapping or list start in "
         "the same column; line them up"),
    Rule("yaml-list-entry", ERROR, 'A list entry ("- ") stands where a "key: value" line was expected.',
         'Remove the "- ", or indent the entry under the key whose list it is.',
         (r'a list entry \("- "\) where a "key: value" line was expected',),
         'a list entry ("- ") where a "key: value" line was expected: remove the "- ", or indent the entry '
         "under the key whose list it is"),
    Rule("yaml-no-space-after-colon", ERROR, "A key's colon is not followed by a space, so YAML reads the line "
                                             "as text, and the next line fails.",
         'Write a space after the colon: "name: A".',
         (rf"write a space after the colon of {_Q}",), 'write a space after the colon of "name": name: A'),
    Rule("yaml-tab", ERROR, "A tab is used for indentation; YAML needs spaces.",
         "Replace the tabs at the start of the line with spaces.",
         (r"a tab is used for indentation",), "a tab is used for indentation; YAML needs spaces"),
    Rule("full-width-colon", ERROR, 'A full-width colon "：" stands where YAML needs ":".',
         'Type ":" followed by a space.',
         (r"a full-width colon",), 'a full-width colon "：" is used; YAML needs ":" followed by a space'),
    Rule("yaml-too-deep", ERROR, "The YAML is nested deeper than any shopdir file needs.",
         "Remove the extra levels of brackets or indentation.",
         (r"the YAML is nested more than",), "the YAML is nested more than 24 levels deep"),
    Rule("yaml-feature", ERROR, "A YAML feature shopdir does not accept: a second document, an anchor, "
                                "an alias, a tag or a key that is a list or mapping.",
         "Write each value out in full, in one document, with plain text keys.",
         (r"only one YAML document is allowed", r"YAML (aliases|anchors|tags) ", r"a key must be plain text"),
         "YAML anchors (&wx) are not allowed; write each value out in full"),
    Rule("duplicate-key", ERROR, "A key is given twice in one mapping.",
         "Keep one of the two lines.",
         (r"duplicate key ",), 'duplicate key "city" (first given on line 3)'),
    Rule("invalid-date", ERROR, "A date that does not exist on the calendar, such as 2026-02-30.",
         "Correct the date, written as YYYY-MM-DD.",
         (rf"{_Q} is not a real date",), '"2026-02-30" is not a real date'),
    Rule("unreadable-value", ERROR, "A value YAML cannot turn into a number or other value.",
         "Put the value in quotes if it is text, or correct it.",
         (rf"{_Q} cannot be read as a value",), '"1e999999" cannot be read as a value'),
    # -- fields --------------------------------------------------------------------------------------
    Rule("unknown-key", ERROR, "A key that the file does not have: often a typo.",
         "Correct the key's spelling (the message suggests the nearest one), or remove it.",
         (r"unknown key ",), 'unknown key "categoris" (did you mean "categories"?)'),
    Rule("missing-key", ERROR, "A required key, or a slug, is missing.",
         "Add the key with its value.",
         (r"missing required key ", r"[\w ]+ is missing$"), 'missing required key "name"'),
    Rule("wrong-shape", ERROR, "A value is of the wrong kind: a mapping, a list or text was expected.",
         "Write the value as the message says: 'key: value' lines, a list such as [a, b], or text in quotes.",
         (r".* must be a mapping of 'key: value' lines", r"the category tree must be a list", r"[\w ]+ must be a list($|: write each entry)",
          rf"each entry of {_Q} must be text", rf"{_Q} must be text$"),
         "stores must be a list"),
    Rule("empty-value", ERROR, "A value that must be given is empty.",
         "Fill in the value, or remove the key if it is optional.",
         (rf"{_Q} must not be empty", r"categories must list at least one"), '"name" must not be empty'),
    Rule("invisible-character", ERROR, "Text holds invisible or control characters, which can hide or reorder "
                                       "what a visitor reads.",
         "Type the text again without copying it from elsewhere.",
         (rf"{_Q} contains invisible or control characters",), '"name" contains invisible or control characters'),
    Rule("multi-line", ERROR, "A value that must be one line holds a line break.", "Write it on one line.",
         (rf"{_Q} must be one line",), '"name" must be one line'),
    Rule("too-long", ERROR, "A text, list or Markdown body is longer than allowed.",
         "Shorten it to the limit the message gives.",
         (rf"{_Q} is [\d,]+ characters long", r"the Markdown text is [\d,]+ characters long",
          r"[\w ]+ has \d+ entries; at most", r"a product may have at most \d+ images"),
         '"tagline" is 130 characters long; at most 120 are allowed'),
    Rule("markdown-too-slow", ERROR, "The Markdown text takes too long to render (usually runs of unclosed brackets).",
         "Remove long runs of [ or [text]( that are not links.",
         (r"the Markdown text takes more than",),
         "the Markdown text takes more than 2 s to render; look for long runs of unclosed brackets such as [ or "
         "[text]( and remove them"),
    Rule("invalid-slug", ERROR, "A slug field is not a valid slug.",
         "Use lowercase ASCII letters, digits and single hyphens, 2 to 64 characters.",
         (rf"[\w ]+ {_Q} is not valid: use ",),
         'store slug "Gu Lou" is not valid: use lowercase ASCII letters, digits and single hyphens, 2 to 64 characters'),
    Rule("duplicate-slug", ERROR, "Two entries (categories, stores, guides, collections) share a slug.",
         "Give each entry its own slug.",
         (rf"[\w ]+ slug {_Q} is already used on line",), 'store slug "gulou" is already used on line 13'),
    Rule("invalid-value", ERROR, "A value outside what the field accepts: true or false, a number in range, a "
                                 "date, a price, a currency or language code, a QR scheme.",
         "Write the value in the form the message gives.",
         (rf"{_Q} must be true or false", rf"{_Q} must be a whole number from", rf"{_Q} must be a date written as",
          r"price must be a number", rf"currency {_Q} must be a three-letter code",
          rf"language {_Q} is not a language tag", rf"theme {_Q} must be the name of a folder",
          rf"{_Q} cannot be a QR scheme", r"qr_schemes must list at least one"),
         "price must be a number from 0 to 10,000,000,000"),
    Rule("invalid-owner", ERROR, "An entry of a shop's owners is not a GitHub login.",
         "Write the account name as it appears in its GitHub address (github.com/NAME): 1 to 39 letters, "
         "digits and single hyphens.",
         (rf"owner {_Q} is not a GitHub login",),
         'owner "shanye_tea" is not a GitHub login: use 1 to 39 ASCII letters, digits and single hyphens, '
         "not starting or ending with a hyphen"),
    Rule("duplicate-owner", ERROR, "A login is listed twice in a shop's owners (GitHub logins ignore letter case).",
         "Keep one of the two entries.",
         (rf"owner {_Q} is already listed on line",), 'owner "Shanye" is already listed on line 3'),
    Rule("invalid-email", ERROR, "The email is not an email address.", "Write it as name@example.com.",
         (rf"email {_Q} is not an email address",), 'email "beta.kiln(at)qq.com" is not an email address'),
    # -- links, paths and QR codes --------------------------------------------------------------------
    Rule("url-scheme", ERROR, "A link or QR text starts with a scheme the site does not allow (such as "
                              "javascript: or http: when only https: is allowed).",
         "Use a link that starts with one of the schemes the message names.",
         (rf"[\w ]+ {_Q} must start with ", rf"qr_image {_Q} holds the QR text {_Q}, which must start with"),
         'url "javascript:alert(document.cookie)" must start with https:, http:'),
    Rule("invalid-url", ERROR, "A link holds spaces or control characters, has no host name, or (base_url) a "
                               "query or fragment.",
         "Copy the full link again, starting with https://.",
         (rf"[\w ]+ {_Q} must not contain spaces", rf"[\w ]+ {_Q} has no host name",
          rf"base_url {_Q} must not have a query or fragment"),
         'url "https://exa mple.org" must not contain spaces or control characters'),
    Rule("invalid-path", ERROR, "A picture path is absolute, uses backslashes, or leaves the shop folder.",
         "Write the path relative to the shop folder with /, such as images/photo.jpg.",
         (r"\w+ must be a path inside the shop folder", rf"\w+ {_Q} uses backslashes",
          rf"\w+ {_Q} must be relative to the shop folder", rf"\w+ {_Q} must stay inside the shop folder"),
         'image "../shared/dhp.jpg" must stay inside the shop folder (no \'..\', \'.\' or empty parts)'),
    Rule("missing-file", ERROR, "A picture named in the file does not exist in the shop folder.",
         "Add the picture, or correct its name (the message suggests a near one).",
         (rf"\w+ {_Q} does not exist in the shop folder",),
         'image "images/dhp.jpeg" does not exist in the shop folder (did you mean "images/dhp.jpg"?)'),
    Rule("contact-missing", ERROR, "A shop's contact has none of qr, qr_image or url.",
         "Add qr (the text of your WeChat QR code), qr_image or url.",
         (r"contact needs at least one of",), "contact needs at least one of qr, qr_image or url"),
    Rule("qr-placeholder", ERROR, "A QR text is still the example that shopdir new wrote, which leads nowhere.",
         "Scan your own WeChat QR code and paste the text it reads, or put a picture of it in qr_image.",
         (rf"{_Q} is the example from shopdir new, not your code",),
         '"https://u.wechat.com/YOUR-CODE" is the example from shopdir new, not your code: open WeChat, scan your '
         "own QR code (Me → QR code) and paste the text it reads here, or put a picture of your code in qr_image "
         "and delete this line"),
    Rule("qr-too-long", ERROR, "A QR text (or the url that becomes the shop's QR code) is too long for one QR code.",
         "Use a shorter link, or add a shorter one as qr.",
         (r"QR text is [\d,]+ bytes long", r"url is too long to become the shop's QR code",
          rf"qr_image {_Q} holds a link that is"),
         'QR text is 2400 bytes long; a QR code holds at most 2331'),
    Rule("qr-image-unreadable", ERROR, "The qr_image picture holds no QR code that can be read, or more than one.",
         "Use a sharp picture of exactly one QR code, or give qr instead.",
         (rf"qr_image {_Q} holds no QR code", rf"qr_image {_Q} holds \d+ QR codes"),
         'qr_image "images/logo.png" holds no QR code that can be read'),
    Rule("qr-image-mismatch", ERROR, "The QR code in qr_image decodes to another text than qr.",
         "Make qr the text of the QR code in the picture (or replace the picture).",
         (rf"qr_image {_Q} decodes to ",),
         'qr_image "images/wechat-qr.png" decodes to "https://u.wechat.com/alpha-2019", but qr is '
         '"https://u.wechat.com/alpha"; they must agree'),
    # -- pictures ----------------------------------------------------------------------------------
    Rule("image-format", ERROR, "A picture is not a JPEG, PNG or WebP file (whatever its name says).",
         "Save the picture as JPEG, PNG or WebP.",
         (rf"(image|qr_image) {_Q} is not a JPEG, PNG or WebP",),
         'image "images/cover.jpg" is not a JPEG, PNG or WebP picture'),
    Rule("image-broken", ERROR, "A picture cannot be decoded: the file is incomplete or damaged.",
         "Export or upload the picture again.",
         (rf"(image|qr_image) {_Q} cannot be decoded",),
         'image "images/dhp.jpg" cannot be decoded (image file is truncated (4 bytes not processed)); '
         "is the file complete?"),
    Rule("image-too-large", ERROR, "A picture has more pixels or bytes than limits.image_pixels or "
                                   "limits.image_bytes allow.",
         "Make the picture smaller (a few thousand pixels wide is plenty).",
         (rf"(image|qr_image) {_Q} (is \d+×\d+ pixels|has too many pixels|is larger than)",),
         'image "images/cover.jpg" is 9000×9000 pixels; at most 40,000,000 pixels are allowed'),
    Rule("image-shape", ERROR, "A picture is more than 16,383 times as tall as it is wide: no WebP picture can "
                               "hold it, even one pixel wide.",
         "Cut the picture into several shorter ones.",
         (rf"(image|qr_image) {_Q} is too narrow for its height",),
         'image "images/details.png" is too narrow for its height (2×40000 pixels): a picture may be at most '
         '16,383 times as tall as it is wide'),
    # -- references between files -----------------------------------------------------------------------
    Rule("unknown-category", ERROR, "A shop or product names a category that is not in content/categories.yaml.",
         "Use a category slug from content/categories.yaml (the message suggests the nearest one).",
         (r"unknown category ",), 'unknown category "olong" (did you mean "oolong"?)'),
    Rule("unknown-shop", ERROR, "content/curation.yaml names a shop that does not exist.",
         "Correct the shop's slug, or remove the entry.",
         (r"unknown shop ",), 'unknown shop "alpha-te" (did you mean "alpha-tea"?)'),
    Rule("unknown-product", ERROR, "A collection names a product the shop does not have.",
         "Correct the product's slug, or remove the entry.",
         (rf"shop {_Q} has no product ",), 'shop "beta-kiln" has no product "cups" (did you mean "cup"?)'),
    Rule("invalid-reference", ERROR, "A collection item is not a shop slug or shop-slug/product-slug.",
         "Write the item as shop-slug or shop-slug/product-slug.",
         (rf"{_Q} must be a shop slug, or shop-slug/product-slug",),
         '"alpha tea" must be a shop slug, or shop-slug/product-slug'),
    Rule("featured-and-delisted", ERROR, "A shop is both featured and delisted in content/curation.yaml.",
         "Remove it from one of the two lists.",
         (rf"shop {_Q} is featured and delisted at once",), 'shop "alpha-tea" is featured and delisted at once'),
    # -- themes and the site's pages ------------------------------------------------------------------------
    Rule("theme-not-found", ERROR, "The theme site.yaml (or a theme's extends) names does not exist.",
         "Create themes/<name>/, or name a theme that exists.",
         (rf"theme {_Q} not found",), 'theme "x" not found: there is no folder themes/x'),
    Rule("theme-cycle", ERROR, "Themes extend each other in a circle.",
         "Make one of them extend default, or nothing.",
         (r"themes extend each other in a circle",), "themes extend each other in a circle"),
    Rule("template-error", ERROR, "A template cannot be compiled, or fails while a page is rendered with it.",
         "Correct the template at the line shown (an unknown filter, a misspelt name, an unclosed tag).",
         (r"template error: ",), "template error: No filter named 'nosuchfilter'."),
    Rule("template-not-found", ERROR, "A page or template asks for a template that no theme has.",
         "Add the template to the theme, or correct the name in extends, include or import.",
         (r"template not found: ",), "template not found: shop.html"),
    Rule("qr-shared", WARNING, "Two places show the same QR code: two shops, a guide and their shop, or two guides.",
         "Give each shop and each guide the text of their own WeChat QR code.",
         (r"this QR code is the same as the one of ",),
         'this QR code is the same as the one of shop "alpha-tea" (content/shops/alpha-tea/shop.yaml, line 8): '
         "visitors who scan either reach the same person; give each its own code"),
    Rule("print-unknown-shop", ERROR, "shopdir print was asked for a shop the directory does not have.",
         "Give the shop's folder name (its slug), as in content/shops/<slug>/.",
         (rf"there is no shop {_Q}",), 'there is no shop "alpha-te" (did you mean "alpha-tea"?)'),
    Rule("print-no-code", ERROR, "A shop named for printing has no stores and no QR code of its own to print.",
         "Add contact: qr to the shop, or stores with guides.",
         (rf"shop {_Q} has no stores and no QR code",), 'shop "beta-kiln" has no stores and no QR code (contact: qr) '
                                                        "to print"),
    Rule("print-glyph-missing", ERROR, "A text on the printed kit has characters the print font cannot draw.",
         "Write the name without those characters (emoji and rare scripts), or leave the brand line out.",
         (rf".*{_Q} has characters the print font cannot draw",),
         '"Lin 𓀀" has characters the print font cannot draw: 𓀀'),
    Rule("search-engine", ERROR, "site.yaml names a search engine shopdir does not have.",
         "Write search: {engine: shopdir} or search: {engine: pagefind}, or leave search out.",
         (rf"search engine {_Q} must be shopdir or pagefind",), 'search engine "lucene" must be shopdir or pagefind'),
    Rule("print-setting", ERROR, "A print: setting in site.yaml has a value shopdir does not know.",
         "Use one of the values the message lists.",
         (rf"paper {_Q} must be one of", rf"{_Q} is not a piece; choose from", r"pieces must list at least one of"),
         'paper "A3" must be one of A4, letter'),
    Rule("template-unused", WARNING, "A template in a theme that no page uses and no template includes, imports "
                                     "or extends: often a misspelt override, which then changes nothing.",
         "Rename it to the template it should replace (the message suggests one), or delete it.",
         (r"the template .* is not used",),
         'the template "shpo.html" is not used by any page or template (did you mean "shop.html"?)'),
    Rule("path-collision", ERROR, "Two pages would be written to one file (also when only letter case differs).",
         "Rename one of the two (a page, a tag, a city) so that their addresses differ.",
         (r"two pages would be written to ",),
         'two pages would be written to "about/index.html" (page.html and page.html); rename one of them'),
    Rule("internal-error", ERROR, "shopdir itself failed while building (shopdir serve shows it on the page).",
         "Report it, with the output of shopdir build --debug.",
         (r"internal error: ",), "internal error: division by zero"),
)

UNCLASSIFIED = Rule("unclassified", ERROR, "A problem the catalogue does not know yet.",
                    "Read the message; and report it, so that it gets a rule of its own.")
BY_ID = {rule.id: rule for rule in RULES}


def rule_of(problem: Problem) -> Rule:
    """The rule a problem breaks: the one it names, else the first whose pattern matches its message."""
    if problem.rule:
        return BY_ID.get(problem.rule, UNCLASSIFIED)
    return next((rule for rule in RULES if rule.matches(problem.message)), UNCLASSIFIED)


def classified(problems: Iterable[Problem]) -> list[Problem]:
    """The problems, each naming its rule."""
    return [p if p.rule else replace(p, rule=rule_of(p).id) for p in problems]


def severity(problem: Problem) -> str:
    return rule_of(problem).severity


def is_error(problem: Problem) -> bool:
    return severity(problem) == ERROR


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if is_error(p)]


def table() -> str:
    """docs/rules.md: the catalogue as one table."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        "# Problems shopdir reports",
        "",
        "<!-- Generated from generator/rules.py by `python -m generator.rules > docs/rules.md`; do not edit. -->",
        "",
        "`shopdir check` and `shopdir build` report each problem as `path:line:column: message [rule]`.",
        "An **error** stops the build and makes `shopdir check` fail; a **warning** is shown, and the site is",
        "still built. The rule id stays the same from one version to the next, so that CI logs, annotations",
        "and JSON reports (`shopdir check --format json`) can be matched by it.",
        "",
        "| rule | severity | what it means | how to fix it |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| `{r.id}` | {r.severity} | {cell(r.meaning)} | {cell(r.fix)} |" for r in RULES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
