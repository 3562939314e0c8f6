"""Start the dashboard with ``streamlit run`` on a free loopback port, for browser tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``with AppServer() as app: page.goto(app.url)``; extra ``streamlit run`` options and script args allowed.

    ``started`` is when the process was launched (time.perf_counter), for cold-start timing.
    """

    def __init__(self, *options: str, script_args: tuple[str, ...] = (), base_path: str = "", timeout: float = 120,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.env = env  # added to this process's environment
        self.base_path = base_path.strip("/")
        self.options, self.script_args, self.timeout = options, script_args, timeout
        self.process: subprocess.Popen | None = None
        self.started = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/" + (f"{self.base_path}/" if self.base_path else "")

    def __enter__(self) -> AppServer:
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--server.fileWatcherType", "none", *self.options]
        if self.base_path:
            command += ["--server.baseUrlPath", self.base_path]
        if self.script_args:
            command += ["--", *self.script_args]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="dashboard-", suffix=".log")  # noqa: SIM115 - closed in __exit__
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(self.env or {})})
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with status {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        output = self.output()
        self.__exit__()
        raise TimeoutError(f"the dashboard did not answer on {self.url} within {self.timeout} s:\n{output}")

    def output(self) -> str:
        """What the server printed so far (tracebacks included)."""
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
