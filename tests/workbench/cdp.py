"""A small Chrome DevTools Protocol driver over Debian's headless chromium (no Selenium needed).

It types into real forms, clicks real buttons and reads the DOM after the
page's own scripts ran, so the workbench is exercised as a person's browser
would: cookies set by Airflow's own login page, form posts, redirects.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.sync.client import connect


class Browser:
    def __init__(self, chromium: str, profile: Path) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self.profile = profile
        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1280,1000",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            page = next(t for t in json.loads(resp.read()) if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024, open_timeout=20)
        self.ids = itertools.count(1)
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params: Any) -> dict[str, Any]:  # noqa: ANN401
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return dict(msg.get("result", {}))

    def js(self, expression: str) -> Any:  # noqa: ANN401
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = 30) -> Any:  # noqa: ANN401
        """Wait until ``expression`` is truthy in the page (navigations in between are fine)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                if self.js("document.readyState") == "complete":
                    last = self.js(f"(() => {{ const v = ({expression}); return v instanceof Node ? true : v; }})()")
                    if last:
                        return last
            except RuntimeError:
                pass  # the page is navigating
            time.sleep(0.2)
        raise TimeoutError(f"{expression!r} stayed {last!r}; page: {self.js('location.href')}")

    def goto(self, url: str) -> None:
        self.js("window.__cdpOld = true")  # to know when the new document replaced this one
        self.send("Page.navigate", url=url)
        self.wait(f"!window.__cdpOld && location.href.startsWith({json.dumps(url.split('?')[0])})")

    def fill(self, selector: str, value: str) -> None:
        """Type into an input the way React and plain forms both see (native setter + input event)."""
        self.js(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
            Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, {json.dumps(value)});
            el.dispatchEvent(new Event('input', {{bubbles: true}}));
            el.dispatchEvent(new Event('change', {{bubbles: true}}));
        }})()""")

    def click(self, selector: str) -> None:
        self.wait(f"document.querySelector({json.dumps(selector)})")
        self.js("window.__cdpOld = true")
        self.js(f"document.querySelector({json.dumps(selector)}).click()")

    def text(self, selector: str) -> str:
        return str(self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''"))

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def clear_cookies(self) -> None:
        self.send("Network.clearBrowserCookies")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)
