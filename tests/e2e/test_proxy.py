"""Several dashboard processes behind deploy/nginx.conf: every reader stays on one process, uploads included.

A Streamlit session lives in one process; an upload is an HTTP PUT that only the process holding
the session accepts. Through the proxy each reader here uploads an article and sees it added:
with readers spread over the processes request by request (no pinning), most of these uploads
would reach the other process and fail.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from .appserver import ROOT, AppServer, free_port
from .conftest import VIEWPORT
from .helpers import FIRST_LOAD, WAIT, wait_for_map

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
READERS = 4


def proxy_config(listen: int, ports: list[int]) -> str:
    """deploy/nginx.conf with this test's ports: the file README tells a user to run, not a copy of it."""
    config = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    config, listens = re.subn(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{listen};", config)
    servers = "".join(f"server 127.0.0.1:{port};\n        " for port in ports).rstrip()
    config, upstreams = re.subn(r"server 127\.0\.0\.1:\d+;(\s+server 127\.0\.0\.1:\d+;)*", servers, config)
    assert listens == 1 and upstreams == 1, "deploy/nginx.conf no longer has the lines this test rewrites"
    return config


@contextlib.contextmanager
def nginx(prefix, config: str, port: int):
    if not shutil.which(NGINX):
        pytest.fail(f"nginx not found ({NGINX}): Debian's nginx-light (apt-get install -y nginx-light)", pytrace=False)
    (prefix / "nginx.conf").write_text(config, encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", "nginx.conf", "-e", "stderr", "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not come up: {process.communicate()[0]}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(10)


def test_e2e_readers_behind_the_proxy_stay_on_one_process_and_their_uploads_land(browser, seed_store_dir, tmp_path):
    with AppServer(script_args=("--store", str(seed_store_dir))) as first, \
            AppServer(script_args=("--store", str(seed_store_dir))) as second:
        listen = free_port()
        with nginx(tmp_path, proxy_config(listen, [first.port, second.port]), listen) as url:
            for reader in range(READERS):
                context = browser.new_context(viewport=VIEWPORT)
                context.set_default_timeout(WAIT)
                try:
                    page = context.new_page()
                    page.goto(url, timeout=FIRST_LOAD)
                    wait_for_map(page)
                    assert any(c["name"] == "newsgeo_reader" for c in context.cookies()), "the proxy set no reader id"
                    sidebar = page.get_by_test_id("stSidebar")
                    sidebar.get_by_text("Add an article (this session only)").click()
                    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=[{
                        "name": f"note{reader}.txt", "mimeType": "text/plain",
                        "buffer": b"Officials met in Palmyra, Syria, on Monday."}])
                    outlet = f"Desk {reader}"
                    sidebar.get_by_role("textbox", name="Outlet", exact=True).fill(outlet)
                    sidebar.get_by_role("button", name="Add to the map").click()
                    expect(sidebar.get_by_test_id("stAlertContentSuccess")).to_contain_text(outlet)
                    expect(sidebar.get_by_role("checkbox", name=outlet, exact=True)).to_be_checked()
                finally:
                    context.close()
