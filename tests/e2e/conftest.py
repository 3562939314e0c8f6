"""Browser-test fixtures: one dashboard and one Chromium per session, a fresh browser context per test.

The browser is Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``), driven by Playwright's
Python package: ``playwright install`` would need Playwright's CDN. Without Chromium the tests fail,
they never skip. Each test leaves a screenshot in ``tests/e2e/screenshots/<test name>.png``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from .appserver import CHROMIUM, CHROMIUM_ARGS, ROOT, AppServer
from .helpers import WAIT, Traffic

SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}

expect.set_options(timeout=WAIT)


# --- session: browser and server ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: the browser tests drive the system Chromium "
                    "(Debian: apt-get install -y chromium; elsewhere set CHROMIUM=/path/to/chromium). "
                    "Do not run `playwright install`.", pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seed_store_dir(tmp_path_factory):
    """The bundled corpus built into a store by the command line, as a cluster or a cron job would."""
    store = tmp_path_factory.mktemp("e2e-store")
    done = subprocess.run([sys.executable, "-m", "geo", "build", "--store", str(store)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="session")
def app(seed_store_dir):
    """The dashboard on the bundled corpus' store (opened as built elsewhere), shared by most tests."""
    with AppServer(script_args=("--store", str(seed_store_dir))) as server:
        yield server


# --- per test: a fresh context, its traffic recorded, a screenshot at the end ------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser, traffic, request):
    """A new browser context per test (no shared cookies or session state), closed afterwards."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    traffic.watch(page)
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png")
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            print(f"Browser traffic: {traffic.summary()}")
            if "app" in request.fixturenames:
                print("Server log (tail):\n" + request.getfixturevalue("app").output()[-5000:])
        context.close()


