"""Small helpers for driving the built site in Chromium: what a visit records and how a page is opened."""

from __future__ import annotations

from urllib.parse import quote

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
A4 = {"width": 794, "height": 1123}  # 210 mm at 96 CSS px per inch

CHROMIUM = "/usr/bin/chromium"  # the Debian package; Playwright's own download does not work on our machines
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

TIMEOUT_MS = 10_000  # every wait is bounded


def encode(path: str) -> str:
    """A site path as it appears in a link: percent-encoded, query kept."""
    return quote(path, safe="/?=&")


def record_problems(page, problems: list[str]) -> None:
    """Append to `problems` every console error, uncaught exception, failed request and HTTP error of the page."""

    def console(message):
        if message.type == "error":
            where = (message.location or {}).get("url") or page.url
            problems.append(f"console error on {page.url}: {message.text} [{where}]")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception on {page.url}: {error}"))
    page.on("requestfailed", lambda request: request.failure != "net::ERR_ABORTED" and problems.append(
        f"request failed: {request.url} ({request.failure}) from {page.url}"))  # aborted: the visitor moved on
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"HTTP {response.status}: {response.url} from {page.url}"))


def open_page(page, url: str, status: int = 200):
    """Go to url (a real navigation) and check the status the server answered with."""
    response = page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    assert response is not None and response.status == status, f"{url}: HTTP {response and response.status}"
    return response


def heading(page) -> str:
    """The text of the page's main heading, once it is visible."""
    h1 = page.locator("main h1").first
    h1.wait_for(state="visible", timeout=TIMEOUT_MS)
    return " ".join(h1.inner_text().split())


# The search page has settled: shopdir's own says so (data-state); Pagefind's UI shows its results (or its
# no-results message) and none is still loading.
SEARCH_SETTLED = """() => {
  const box = document.querySelector('#search');
  if (box && box.hasAttribute('data-index')) return box.getAttribute('data-state') === 'done';  // shopdir's own
  const list = document.querySelector('#search .pagefind-ui__results');
  if (!list || document.querySelector('#search .pagefind-ui__results .pagefind-ui__loading')) return false;
  const shown = list.querySelectorAll('.pagefind-ui__result').length;
  return shown === list.querySelectorAll('.pagefind-ui__result-link').length;
}"""


def wait_for_search(page) -> None:
    """Wait until the search page has run its query and shows every result it has loaded."""
    page.wait_for_function(SEARCH_SETTLED, timeout=TIMEOUT_MS)
