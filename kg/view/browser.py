"""Opening a generated page in headless Chromium with the network cut off (tests and benchmarks).

Playwright is a dev dependency and is imported lazily; Debian's /usr/bin/chromium is used, never a
browser downloaded by `playwright install`.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """$KG_CHROMIUM, else /usr/bin/chromium, else `chromium` on PATH."""
    for candidate in (os.environ.get("KG_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium browser; raises RuntimeError with the fix when the binary is missing."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(
            "headless Chromium not found at /usr/bin/chromium: run `make system-deps` "
            "(apt-get install chromium fonts-wqy-microhei) or set KG_CHROMIUM"
        )
    return playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)


def open_offline(
    page: Any, html_path: str | Path, wait_stable: bool = True, timeout_ms: int = 30000
) -> list[str]:
    """Load a file:// page with every other request aborted; returns the URLs that were attempted."""
    attempted: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    page.route("**/*", handle)
    page.goto(Path(html_path).resolve().as_uri())
    if wait_stable:
        wait_until_stable(page, timeout_ms)
    return attempted


def wait_until_stable(page: Any, timeout_ms: int = 30000) -> float:
    """Poll until the page has frozen its layout; returns the page's own stabilisation time (ms).

    Polls with page.evaluate because wait_for_function evaluates a string, which the page's
    Content-Security-Policy (no 'unsafe-eval') rightly forbids.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        done = page.evaluate("() => !!(window.kgView && window.kgView.state.stabilized)")
        if done:
            return float(page.evaluate("() => window.kgView.state.stabilizeMs || 0"))
        time.sleep(0.02)
    raise TimeoutError(f"the graph did not stabilise within {timeout_ms} ms")
