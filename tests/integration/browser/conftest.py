"""Real-browser fixtures: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

`browser` is one Chromium for every test in this package; `new_context(**options)` makes a
fresh context (own cookies and storage, so a shopper of its own) in which every request that
does not go to the local server is refused, uncaught page errors fail the test, and each
page is screenshotted to tests/artifacts/failures/ when the test fails; `page` is a page in
such a context; `screenshot(page, name)` saves tests/artifacts/<name>.png.

Browser tests are plain (sync) test functions. The sync Playwright API marks its own event
loop as running for as long as Playwright is started, so the browser is package-scoped: it
is stopped before the async tests of other packages run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

try:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Page,
        expect,
        sync_playwright,
    )
except ImportError:  # the browser fixture skips with the reason
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 30_000  # a reply on a busy two-core machine; expect() polls, so a fast one is not slower
DESKTOP = {"width": 1280, "height": 800}
# Anything not served by the local test server (catalog images on made-up hosts, fonts, ...).
EXTERNAL = re.compile(r"^(?!https?://(?:127\.0\.0\.1|localhost)(?::\d+)?/)")

if sync_playwright is not None:
    expect.set_options(timeout=TIMEOUT_MS)

_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[pytest.TestReport]:
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the browser tests; skipped when /usr/bin/chromium is absent."""
    if sync_playwright is None:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); browser tests need it")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., BrowserContext]]:
    """`new_context(**options)`: a fresh browser context (Playwright's options; desktop size by default)."""
    made: list[tuple[BrowserContext, list[str]]] = []

    def make(**options: object) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        context.route(EXTERNAL, lambda route: route.abort())
        errors: list[str] = []
        context.on("weberror", lambda error: errors.append(str(error.error)))
        made.append((context, errors))
        return context

    yield make
    failed = request.node.stash.get(_FAILED, False)
    name = re.sub(r"\W+", "_", request.node.name).strip("_")
    for n, (context, _) in enumerate(made):
        if failed:
            for m, page in enumerate(context.pages):
                save(page, f"failures/{name}-{n}-{m}")
        context.close()
    errors = [e for _, errs in made for e in errs]
    if errors and not failed:
        pytest.fail(f"uncaught errors in the page: {errors}")


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh desktop-sized context."""
    return new_context().new_page()


def save(page: Page, name: str) -> Path:
    """Screenshot the page's viewport to tests/artifacts/<name>.png."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: save tests/artifacts/<name>.png and return its path."""
    return save
