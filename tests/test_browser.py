"""Every report of one demo run, and the index, opened in headless Chromium at 1280 px.

Checks what a reader sees: no table, output area or image wider than its box (so no column
hidden behind a scrollbar), no request leaving the file, no console error; no word cut in the
middle by the page's styles (a long id is shortened, its full value in a tooltip); no raw value in
a table cell (True/False, None, nan, a stored ISO time, scientific notation); the index's headline
numbers with the unit of their run. Screenshots of each page are saved under the test's tmp dir
for people to look at.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). It is driven over the
DevTools protocol with ``websocket-client`` (already a dependency of the Jupyter stack): no
browser download, no heavy test dependency. Without Chromium the test is skipped, except in CI
(``CI=true``) where it fails.

One ``dynamo-reports run --all`` on demo data is made for the session (no other test module
shares a run of every report); ``DYNAMO_REPORTS_BROWSER_OUTPUT=<dir>`` reuses an existing one.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dynamo_reports.reporting.registry import available_reports
from harness import stop_process

websocket = pytest.importorskip("websocket")
pytestmark = pytest.mark.kernel

WIDTH, HEIGHT = 1280, 900
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")

# Run in the page by the test (the page itself has no script): every element of a report that
# is wider than its container, or than the window.
OVERFLOW_JS = """
(() => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const out = [];
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > limit + 1)
    out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + limit);
  const sel = 'table, pre, img, svg, .jp-OutputArea-output, .jp-RenderedHTMLCommon, .dr-findings, dl';
  for (const el of document.querySelectorAll(sel)) {
    const box = el.parentElement.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const label = el.tagName + (el.className && el.className.baseVal === undefined ? '.' + el.className : '')
                  + ' "' + (el.textContent || '').trim().slice(0, 60) + '"';
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      out.push('scrolls inside: ' + label);
    if (r.right > box.right + 1 || r.right > limit + 1)
      out.push('wider than its box (' + Math.round(r.right) + ' > ' + Math.round(box.right) + '): ' + label);
  }
  return out;
})()
"""


# Every element whose computed style may cut a word in the middle, every shortened id without its
# full value, and every table cell that shows a raw value instead of a formatted one.
READING_JS = r"""
(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const st = getComputedStyle(el);
    if (st.overflowWrap === 'anywhere' || st.wordBreak === 'break-all' || st.wordBreak === 'break-word')
      out.push('mid-word break style on ' + el.tagName + ': ' + (el.textContent || '').trim().slice(0, 50));
  }
  for (const el of document.querySelectorAll('.dr-id')) {
    const full = el.getAttribute('title') || '';
    if (full.length <= el.textContent.length) out.push('shortened id without its full value: ' + el.textContent);
  }
  for (const td of document.querySelectorAll('td, dd')) {
    const t = td.textContent.trim();
    if (/^(True|False|None|nan|NaN|NaT)$/.test(t) || /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t)
        || /(^|[\s$(])-?\d+(\.\d+)?e[+-]\d+/.test(t) || t.includes('{quote_asset}'))
      out.push('raw value in a cell: ' + t.slice(0, 60));
  }
  return out;
})()
"""

# The index's dashboard: report link text -> [(headline label, value)]
DASHBOARD_JS = """
(() => {
  const out = {};
  for (const tr of document.querySelectorAll('table.latest tbody tr')) {
    const name = tr.querySelector('code').textContent.trim();
    const dts = [...tr.querySelectorAll('dl.headlines dt')];
    out[name] = dts.map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]);
  }
  return out;
})()
"""


def _chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """A headless Chromium driven over the DevTools protocol (one page)."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
             f"--user-data-dir={profile}", "--remote-debugging-port=0", f"--window-size={WIDTH},{HEIGHT}",
             "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not port_file.is_file() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                  mobile=False)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def open(self, path: Path) -> list[dict[str, Any]]:
        """Load ``path``; the protocol events seen until the load event (and a short settle)."""
        self.events = []
        self.call("Page.navigate", url=path.resolve().as_uri())
        deadline = time.monotonic() + 60
        while not any(e["method"] == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not load")
            self.events.append(json.loads(self.ws.recv()))
        self.call("Runtime.evaluate", expression="1")  # flush what arrived meanwhile
        return list(self.events)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def screenshot(self, path: Path) -> Path:
        height = int(self.evaluate("document.documentElement.scrollHeight") or HEIGHT)
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": WIDTH, "height": min(height, 16000), "scale": 1})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        finally:
            stop_process(self.proc)


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Iterator[Browser]:
    executable = _chromium()
    if executable is None:
        message = "chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    driver = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def demo_output(request) -> Path:
    """The session's demo run of every report (``DYNAMO_REPORTS_BROWSER_OUTPUT`` reuses an existing one)."""
    reuse = os.environ.get("DYNAMO_REPORTS_BROWSER_OUTPUT", "").strip()
    if reuse:
        return Path(reuse)
    return request.getfixturevalue("demo_reports")


def _pages(out: Path) -> list[tuple[str, Path]]:
    pages = []
    for name in available_reports():
        runs = sorted(p for p in (out / name).glob("*/report.html") if not p.parent.name.startswith("."))
        assert runs, f"no report.html for {name} under {out}"
        pages.append((name, runs[-1]))
    return pages + [("index", out / "index.html")]


def _problems(events: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    requests, errors = [], []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(("file:", "data:", "about:")):
                requests.append(url)
        elif method == "Runtime.exceptionThrown":
            errors.append(json.dumps(params.get("exceptionDetails", {}))[:300])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(json.dumps(params.get("args", []))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", "")[:300])
    return requests, errors


def _index_units(dashboard: dict[str, list[list[str]]], out: Path) -> list[str]:
    """Each dashboard headline that has a unit in its report ends with that unit, as resolved from
    the run's own summary.json (the P&L's quote asset is a parameter of the run)."""
    from dynamo_reports.reporting.headlines import headline_label
    from dynamo_reports.reporting.registry import REPORTS

    problems = []
    for name, rows in dashboard.items():
        rdef = REPORTS[name]
        summaries = sorted((out / name).glob("*/summary.json"))
        summary = json.loads(summaries[-1].read_text()) if summaries else {}
        shown = dict(rows)
        for key, unit in rdef.units.items():
            if key not in rdef.headline_keys or unit == "share":
                continue
            expected = unit.replace("{quote_asset}", str(summary.get("quote_asset", "")))
            value = shown.get(headline_label(key), "")
            if not value.endswith(f" {expected}") and not (unit == "%" and value.endswith("%")):
                problems.append(f"index headline {name}.{key} = {value!r}, expected the unit {expected!r}")
        if name == "pnl" and not shown.get("Realized P&L", "").endswith(" USDT"):  # the demo's quote asset
            problems.append(f"index P&L headline without USDT: {shown}")
    return problems


def test_reports_and_index_read_well_in_a_real_browser(browser, demo_output, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    failures: dict[str, list[str]] = {}
    for name, page in _pages(demo_output):
        events = browser.open(page)
        requests, errors = _problems(events)
        overflow = browser.evaluate(OVERFLOW_JS) or []
        browser.screenshot(shots / f"{name}.png")
        found = [f"request leaves the file: {u}" for u in requests] + [f"console error: {e}" for e in errors]
        found += [f"overflow: {o}" for o in overflow]
        found += list(browser.evaluate(READING_JS) or [])
        if name == "index":
            found += _index_units(browser.evaluate(DASHBOARD_JS) or {}, demo_output)
        if name != "index":  # a report opens with its findings, under the header
            order = browser.evaluate("[...document.querySelectorAll('h1, section.dr-findings')]"
                                     ".map(e => e.tagName).join(' ')")
            if not str(order).startswith("H1 SECTION"):
                found.append(f"key findings box not right under the title: {order}")
        if found:
            failures[name] = found
    print(f"screenshots: {shots}")
    assert not failures, json.dumps(failures, indent=1)
