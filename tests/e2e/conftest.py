"""Browser end-to-end tests: Debian's chromium driven by Playwright against the
app served on a free local port. Every test here carries the `e2e` marker
(`pytest -m "not e2e"` leaves them out); without a chromium executable the whole
folder is skipped. Playwright never downloads a browser of its own here."""
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


def _in_this_folder(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees the items of the whole session: touch only ours.
    skip = pytest.mark.skip(reason="no chromium executable on PATH (apt-get install chromium); "
                                   "the browser end-to-end tests need Debian's chromium")
    for item in items:
        if _in_this_folder(item):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test (no cookies carried over), Chinese
    locale, relative URLs resolved against the live server."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(base_url=live_server, locale="zh-CN",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: problems.append(f"HTTP {response.status} for {response.url}")
            if response.status >= 500 else None)
    yield page
    context.close()
    # Script errors, CSP violations and server errors a user would run into.
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)
