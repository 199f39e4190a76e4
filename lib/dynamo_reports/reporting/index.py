"""reports/index.html: every run, newest first, with status and headline numbers.

Built from the ``run.json`` files (``<output_dir>/<report>/<run-id>/run.json``), so it can be
regenerated at any time and stays right when runs are deleted. A headline's unit that depends on
the run (the P&L's quote asset) is taken from the run's ``units`` when run.json has them, else
from its ``summary.json`` (:func:`~dynamo_reports.reporting.headlines.headline_units`). Directories whose
name starts with a dot (runs in progress: ``.<run-id>.partial``) are skipped. The page is
self-contained (inline CSS, no script, no external request) and every value is escaped.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .export import theme_css
from .headlines import format_headline, headline_label, headline_units, unit_for
from .registry import REPORTS, ReportDef
from .summary import atomic_write_text

__all__ = ["INDEX_NAME", "fired_alerts", "load_runs", "render_index", "sparkline", "write_index"]

INDEX_NAME = "index.html"


def _parse_time(value: Any) -> datetime:
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.min.replace(tzinfo=UTC)


def load_runs(output_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """All readable ``run.json`` records under ``output_dir``, newest first.

    Each record gets ``_dir`` (the run directory, relative to ``output_dir``, POSIX style).
    Unreadable records are listed with status ``unreadable``.
    """
    root = Path(output_dir)
    runs: list[dict[str, Any]] = []
    if not root.is_dir():
        return runs
    for report_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for run_dir in sorted(p for p in report_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            run_file = run_dir / "run.json"
            if not run_file.is_file():
                continue
            try:
                with open(run_file, encoding="utf-8") as fh:
                    record = json.load(fh)
                if not isinstance(record, dict):
                    raise ValueError("not an object")
            except (OSError, ValueError) as exc:
                record = {
                    "report": report_dir.name,
                    "run_id": run_dir.name,
                    "status": "unreadable",
                    "error": {"message": f"run.json unreadable: {exc}"},
                }
            record.setdefault("report", report_dir.name)
            record.setdefault("run_id", run_dir.name)
            record["_dir"] = f"{report_dir.name}/{run_dir.name}"
            record["_units"] = _run_units(record, run_dir)
            runs.append(record)
    runs.sort(key=lambda r: (_parse_time(r.get("started")), str(r.get("run_id"))), reverse=True)
    return runs


def _run_units(record: Mapping[str, Any], run_dir: Path) -> dict[str, str]:
    """The headline units of a run: run.json's ``units``, else resolved from its summary.json."""
    if isinstance(record.get("units"), Mapping):
        return {str(k): str(v) for k, v in record["units"].items()}
    rdef = REPORTS.get(str(record.get("report", "")))
    if rdef is None or not isinstance(record.get("headlines"), Mapping) or not record["headlines"]:
        return {}
    try:
        with open(run_dir / "summary.json", encoding="utf-8") as fh:
            summary = json.load(fh)
    except (OSError, ValueError):
        summary = {}
    return headline_units(rdef, summary if isinstance(summary, Mapping) else {})


def _unit(record: Mapping[str, Any], rdef: ReportDef | None, key: str) -> str:
    """A headline's unit: the run's own (``_units``) when known, else the report's declared unit
    (with nothing for a placeholder the run does not resolve)."""
    units = record.get("_units")
    if isinstance(units, Mapping) and key in units:
        return str(units[key])
    return unit_for(rdef, key, record.get("headlines") if isinstance(record.get("headlines"), Mapping) else {})


def _fmt_number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "–"
        if value == int(value) and abs(value) < 1e15:
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
        if abs(value) >= 100:
            return f"{value:,.2f}"
        return f"{value:.4g}"
    return str(value)


def _fmt_duration(value: Any) -> str:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(seconds):
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s"


def _fmt_time(value: Any) -> str:
    parsed = _parse_time(value)
    if parsed.year == 1:
        return str(value or "")
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _fmt_window(window: Any) -> str:
    if not isinstance(window, Mapping):
        return ""
    start, end, label = window.get("start"), window.get("end"), window.get("label")
    if start or end:
        span = f"{start or '…'} → {end or '…'}"
        if label and label != f"{start or ''}..{end or ''}":
            span = f"{label}: {span}"
    else:
        span = str(label or "all")
    tz = window.get("timezone")
    if tz and tz != "UTC":
        span += f" ({tz})"
    return span


def _title_for(record: Mapping[str, Any], reports: Mapping[str, ReportDef]) -> str:
    name = str(record.get("report", ""))
    if record.get("title"):
        return str(record["title"])
    return reports[name].title if name in reports else name


def fired_alerts(record: Mapping[str, Any]) -> list[str]:
    """The messages of the alert rules that fired in a run (``run.json``'s ``alerts``)."""
    alerts = record.get("alerts")
    if not isinstance(alerts, list):
        return []
    return [str(a.get("message") or a.get("key") or "alert") for a in alerts
            if isinstance(a, Mapping) and a.get("status") == "fired"]


def _alert_mark(record: Mapping[str, Any]) -> str:
    fired = fired_alerts(record)
    if not fired:
        return ""
    items = "".join(f"<li>{escape(m)}</li>" for m in fired)
    return (f' <span class="status status-alert" title="{len(fired)} alert rule(s) fired">ALERT</span>'
            f'<ul class="alerts">{items}</ul>')


def _headlines(record: Mapping[str, Any], reports: Mapping[str, ReportDef] | None = None) -> list[tuple[str, str]]:
    """``(label, value with unit)`` of a run's headline numbers, formatted as in the reports."""
    values = record.get("headlines")
    if not isinstance(values, Mapping):
        return []
    rdef = (reports or REPORTS).get(str(record.get("report", "")))
    if rdef is None:
        return [(str(k), _fmt_number(v)) for k, v in values.items()]
    return [(headline_label(k), format_headline(v, _unit(record, rdef, str(k)))) for k, v in values.items()]


def _is_demo(record: Mapping[str, Any]) -> bool:
    return (record.get("parameters") or {}).get("source", "demo") == "demo"


def sparkline(values: Iterable[Any], *, width: int = 90, height: int = 20) -> str:
    """A small inline SVG trend of ``values`` (oldest first); non-numbers are gaps. No script."""
    points = [float(v) if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) else None
              for v in values]
    numbers = [v for v in points if v is not None]
    if len(numbers) < 2:
        return ""
    lo, hi = min(numbers), max(numbers)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(points) - 1)
    coords = [f"{2 + i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}"
              for i, v in enumerate(points) if v is not None]
    last = coords[-1].split(",")
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="trend over {len(points)} runs"><polyline fill="none" stroke="#0b5cad" stroke-width="1.5" '
            f'points="{" ".join(coords)}"/><circle cx="{last[0]}" cy="{last[1]}" r="2" fill="#0b5cad"/></svg>')


def _dashboard_row(name: str, title: str, history: list[Mapping[str, Any]], href: str,
                   reports: Mapping[str, ReportDef]) -> str:
    """One report on the dashboard: link named after it, latest headline numbers with units and
    their trend across the runs in the index (oldest → newest)."""
    e = escape
    latest = history[-1] if history else {}
    rdef = reports.get(name)
    demo = ' <span class="demo-mark" title="demo data, not a real system">DEMO</span>' if latest and _is_demo(
        latest) else ""
    rows = []
    values = latest.get("headlines") if isinstance(latest.get("headlines"), Mapping) else {}
    for key, value in (values or {}).items():
        unit = _unit(latest, rdef, str(key)) if rdef else ""
        trend = sparkline([(r.get("headlines") or {}).get(key) for r in history])
        rows.append(f"<dt>{e(headline_label(key))}</dt><dd>{e(format_headline(value, unit))}</dd><dd>{trend}</dd>")
    numbers = f'<dl class="headlines trend">{"".join(rows)}</dl>' if rows else ""
    return (f'<td><a href="{e(quote(href))}">{e(title)}</a>{demo}<br><code>{e(name)}</code></td>'
            f"<td>{numbers}</td>")

def render_index(
    runs: Iterable[Mapping[str, Any]],
    *,
    latest: Mapping[str, str] | None = None,
    reports: Mapping[str, ReportDef] | None = None,
    generated: datetime | None = None,
) -> str:
    """The index page for ``runs`` (newest first); ``latest`` maps report → relative latest.html."""
    reports = REPORTS if reports is None else reports
    latest = latest or {}
    runs = list(runs)
    generated = generated or datetime.now(UTC)
    e = escape
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="dynamo-reports">',
        "<title>dynamo-reports — report runs</title>",
        f"<style>{theme_css()}</style>",
        "</head>",
        "<body><main>",
        "<h1>Report runs</h1>",
        f'<p class="meta">{len(runs)} run(s) · generated {e(_fmt_time(generated.isoformat()))}</p>',
    ]

    # latest good report per report name
    out.append("<h2>Latest reports</h2>")
    if latest:
        last_run: dict[str, Mapping[str, Any]] = {}
        for r in runs:
            last_run.setdefault(str(r.get("report")), r)
        ordered = [n for n in reports if n in latest] + sorted(n for n in latest if n not in reports)
        out.append('<table class="latest"><thead><tr><th>Report (latest good run)</th><th>Headline numbers '
                   "and trend across runs</th><th>Last run</th></tr></thead><tbody>")
        for name in ordered:
            title = reports[name].title if name in reports else name
            last = last_run.get(name, {})
            status = str(last.get("status", ""))
            history = [r for r in reversed(runs) if str(r.get("report")) == name and r.get("status") == "ok"]
            good = history[-1] if history else {}
            href = f"{good['_dir']}/report.html" if good.get("_dir") and (good.get("_files") or {}).get(
                "report.html", True) else latest[name]
            out.append(
                "<tr>"
                + _dashboard_row(name, title, history, href, reports)
                + f'<td>{e(_fmt_time(last.get("started")))} '
                f'<span class="status status-{e(status)}">{e(status.upper())}</span>'
                f'{_alert_mark(last) if last else ""}</td>'
                "</tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append('<p class="empty">No successful run yet.</p>')

    out.append("<h2>All runs (newest first)</h2>")
    if not runs:
        out.append('<p class="empty">No runs yet.</p>')
    else:
        out.append(
            '<table class="runs"><thead><tr><th>Report</th><th>Run time</th><th>Status</th>'
            "<th>Window</th><th>Headline numbers</th><th>Files</th></tr></thead><tbody>"
        )
        for r in runs:
            status = str(r.get("status", "unknown"))
            run_dir = str(r["_dir"])
            title = _title_for(r, reports)
            cells = [
                f'<td>{e(title)}<br><code>{e(str(r.get("report", "")))}</code> '
                f'<code>{e(str(r.get("run_id", "")))}</code></td>',
                f'<td>{e(_fmt_time(r.get("started")))}'
                + (f'<br><span class="meta">{e(_fmt_duration(r.get("duration_s")))}</span>'
                   if r.get("duration_s") is not None else "")
                + "</td>",
            ]
            status_html = f'<span class="status status-{e(status)}">{e(status.upper())}</span>' + _alert_mark(r)
            error = r.get("error")
            if isinstance(error, Mapping):
                message = error.get("message") or " ".join(
                    str(x) for x in (error.get("ename"), error.get("evalue")) if x
                )
                if message:
                    status_html += f'<div class="error">{e(str(message)[:500])}</div>'
            cells.append(f"<td>{status_html}</td>")
            source = (r.get("parameters") or {}).get("source")
            source_html = f'<br><span class="meta">source: {e(str(source))}</span>' if source else ""
            if source == "demo":
                source_html += ' <span class="demo-mark">DEMO</span>'
            cells.append(f"<td>{e(_fmt_window(r.get('window')))}{source_html}</td>")
            heads = _headlines(r, reports)
            if heads:
                cells.append(
                    '<td><dl class="headlines">'
                    + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in heads)
                    + "</dl></td>"
                )
            else:
                cells.append("<td></td>")
            files = r.get("_files", {})
            links = [
                f'<a href="{e(quote(f"{run_dir}/{fname}"))}">{e(label)}</a>'
                for fname, label in (("report.html", "HTML"), ("report.ipynb", "notebook"),
                                     ("summary.json", "summary.json"), ("run.json", "run.json"))
                if files.get(fname, True)
            ]
            cells.append(f'<td class="links">{"".join(links)}</td>')
            alert_class = " run-alert" if fired_alerts(r) else ""
            out.append(f'<tr class="run-{e(status)}{alert_class}">' + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


def write_index(
    output_dir: str | os.PathLike[str],
    *,
    reports: Mapping[str, ReportDef] | None = None,
    now: datetime | None = None,
) -> Path:
    """Regenerate ``<output_dir>/index.html`` from the run records (atomically)."""
    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    runs = load_runs(root)
    for r in runs:
        run_dir = root / r["_dir"]
        r["_files"] = {
            name: (run_dir / name).is_file()
            for name in ("report.html", "report.ipynb", "summary.json", "run.json")
        }
    latest = {
        p.name: f"{p.name}/latest.html"
        for p in sorted(root.iterdir())
        if p.is_dir() and not p.name.startswith(".") and (p / "latest.html").is_file()
    }
    html = render_index(runs, latest=latest, reports=reports, generated=now)
    return atomic_write_text(root / INDEX_NAME, html)
