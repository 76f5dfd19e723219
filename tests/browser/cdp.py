"""A minimal Chrome DevTools Protocol driver for Debian's headless chromium.

The Airflow UI is a single-page application behind a login form: dumping
the DOM of one URL (what the citizen-page test does) cannot log in or wait
for the page's own requests. This drives one real browser tab over the
DevTools websocket: navigate, type into the focused field (``Input.insertText``,
which React sees like a person typing), evaluate JavaScript, wait for text,
take screenshots. No Selenium or Playwright: the ``websockets`` package
Airflow already installs is enough.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Browser:
    """One headless chromium with one tab, driven over CDP."""

    def __init__(self, profile: Path, width: int = 1400, height: int = 1000) -> None:
        self.port = _free_port()
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
             f"--user-data-dir={profile}", f"--remote-debugging-port={self.port}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        target = None
        while time.monotonic() < deadline and target is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                target = pages[0] if pages else None
            except OSError:
                time.sleep(0.3)
        if target is None:
            self.close()
            raise RuntimeError("chromium did not open its DevTools endpoint")
        self.ws = connect(target["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024)
        self._id = 0
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result") or {})

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)

    def eval(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return (result.get("result") or {}).get("value")

    def text(self) -> str:
        return str(self.eval("document.body ? document.body.innerText : ''") or "")

    def url(self) -> str:
        return str(self.eval("location.href") or "")

    def wait_for(self, predicate: str, timeout: float = 60) -> bool:
        """Wait until the JavaScript expression ``predicate`` is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.eval(f"!!({predicate})"):
                    return True
            except (RuntimeError, TimeoutError):
                pass
            time.sleep(0.5)
        return False

    def wait_text(self, *needles: str, timeout: float = 60) -> bool:
        checks = " && ".join(f"document.body.innerText.includes({json.dumps(n)})" for n in needles)
        return self.wait_for(f"document.body && {checks}", timeout)

    def type_into(self, selector: str, value: str) -> None:
        self.eval(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=value)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001,S110 - closing a browser that may already be gone
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
