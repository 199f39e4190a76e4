"""What every report notebook does around its analysis: connect, header, tables, data quality, cost.

A report notebook starts with::

    from dynamo_reports.notebook import open_report
    report = open_report("pnl", "Trading bot — P&L", tables=["trades", "bot_config", "reports"],
                         source=source, endpoint_url=endpoint_url, region=region, profile=profile,
                         env=env, project=project, config_file=config_file, period=period,
                         start=start, end=end, timezone=timezone, as_of=as_of, summary_path=summary_path)
    report.header()

and ends with ``report.cost()`` and ``report.write_summary({...})``. The connection is
read-only. Values from the tables are always shown escaped (:meth:`ReportContext.table`,
:meth:`ReportContext.md`): a lead named ``<script>`` is shown as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from . import __version__
from .analytics.quality import Findings
from .analytics.window import in_window
from .config import Settings
from .connection import Connection
from .pii import mask_emails_in_frame, mask_emails_in_value
from .reporting.tables import render_table

_MEMO: dict[tuple, Any] = {}
_EMBEDDED: dict[str, Any] = {}


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # plain Python: print a text form
        print(obj)
        return
    display(obj)


_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def _markdown(text: str) -> None:
    # reports contain prices, never math: a `$` pair must not be read as LaTeX (it would swallow
    # the text between, ``**`` marks included)
    text = _UNESCAPED_DOLLAR.sub(r"\\$", text)
    try:
        from IPython.display import Markdown
    except ImportError:
        print(text)
        return
    _display(Markdown(text))


def _html(text: str) -> None:
    try:
        from IPython.display import HTML
    except ImportError:
        print(text)
        return
    _display(HTML(text))


def esc(value: Any) -> str:
    """Escape a table value for Markdown output: HTML special characters, then Markdown marks."""
    text = html.escape(str(value), quote=False)
    for ch in "\\`*_[]|#":
        text = text.replace(ch, "\\" + ch)
    return text


def _embedded_endpoint(region: str) -> str:
    """An in-kernel embedded demo DynamoDB, started once per kernel and region (interactive use
    without `make lab`); its tables are created in ``region``, where the report reads them."""
    if region not in _EMBEDDED:
        from .demo.server import EmbeddedDynamo

        _EMBEDDED[region] = EmbeddedDynamo(region=region).start()
    return str(_EMBEDDED[region].endpoint_url)


class ReportCost(dict[str, Any]):
    """The meter totals returned by :meth:`ReportContext.cost`: a plain dict that displays nothing
    when it is the value of a notebook cell (the section is already shown)."""

    def _ipython_display_(self) -> None:
        return None


def grouped_findings(findings: pd.DataFrame, rules: Mapping[str, str], *, examples: int = 3) -> pd.DataFrame:
    """One row per rule that found something: the rule, what it checks, how many items, a few examples."""
    rows = []
    for rule, group in findings.groupby("rule", sort=False):
        sample = [f"{key}: {detail}" if detail else str(key)
                  for key, detail in zip(group["key"].head(examples), group["detail"].head(examples), strict=True)]
        rest = len(group) - len(sample)
        rows.append({"rule": rule, "what it checks": rules.get(str(rule), ""), "items": len(group),
                     "examples": "; ".join(sample) + (f"; … and {rest} more" if rest > 0 else "")})
    return pd.DataFrame(rows, columns=["rule", "what it checks", "items", "examples"])


@dataclass
class ReportContext:
    name: str
    title: str
    settings: Settings
    conn: Connection
    tables: list[str]
    start: date | None
    end: date | None
    period: str
    timezone: str
    as_of: pd.Timestamp
    summary_path: str = ""
    findings: Findings = field(default_factory=Findings)
    show_pii: bool = False  # False: e-mail-like text masked in every table, value and finding (pii.py)

    # -- window -------------------------------------------------------------------------------
    @property
    def is_demo(self) -> bool:
        return self.settings.source == "demo"

    def bounds_utc(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """[start, end) of the window as UTC instants (local midnights in ``timezone``)."""
        def midnight(d: date) -> pd.Timestamp:
            return pd.Timestamp(d).tz_localize(self.timezone).tz_convert("UTC")

        lo = midnight(self.start) if self.start else None
        hi = midnight(self.end + pd.Timedelta(days=1)) if self.end else None
        return lo, hi

    def in_window(self, times: pd.Series) -> pd.Series:
        return in_window(times, *self.bounds_utc())

    @property
    def window_label(self) -> str:
        if self.start is None and self.end is None:
            return "all data"
        lo = self.start.isoformat() if self.start else "beginning"
        hi = self.end.isoformat() if self.end else "now"
        label = f" ({self.period})" if self.period else ""
        return f"{lo} → {hi}{label}, {self.timezone}"

    def window_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "label": self.period, "timezone": self.timezone}

    # -- memoized loads -------------------------------------------------------------------------
    def load(self, key: str, loader: Callable[[], Any], *, refresh: bool = False) -> Any:
        """Memoize a table load for the kernel session; ``refresh=True`` reads again."""
        memo_key = (self.settings.endpoint_url, self.settings.region, self.settings.env, self.settings.project,
                    tuple(sorted(self.settings.tables.items())), key)
        if refresh or memo_key not in _MEMO:
            _MEMO[memo_key] = loader()
        return _MEMO[memo_key]

    # -- display ----------------------------------------------------------------------------------
    def header(self) -> None:
        names = ", ".join(f"`{self.settings.table_name(t)}`" for t in self.tables)
        custom = " (custom endpoint)" if self.settings.endpoint_url else ""
        source = ("**DEMO DATA** — embedded DynamoDB with the deterministic demo dataset"
                  if self.is_demo else f"AWS {self.settings.region}{custom}")
        if self.is_demo:
            _html('<div style="background:#fff3cd;border:1px solid #e0b000;padding:6px 10px;font-weight:bold">'
                  'DEMO DATA — not a real system. Run with <code>--source aws</code> for your tables.</div>')
        _markdown(
            f"# {esc(self.title)}\n\n"
            f"| | |\n|---|---|\n"
            f"| Source | {source} |\n"
            f"| Tables read | {names} |\n"
            f"| Data window | {esc(self.window_label)} |\n"
            f"| As of | {self.as_of.strftime('%Y-%m-%d %H:%M UTC')} |\n"
            f"| dynamo-reports | {__version__} |\n"
        )

    def md(self, template: str, **values: Any) -> None:
        """Markdown with ``{name}`` placeholders filled by escaped values."""
        _markdown(template.format(**{k: esc(self._shown(v)) for k, v in values.items()}))

    def _shown(self, value: Any) -> Any:
        """A value as the report may show it: e-mail-like text masked unless ``show_pii``."""
        return value if self.show_pii else mask_emails_in_value(value)

    def table(self, frame: pd.DataFrame, *, caption: str | None = None, max_rows: int = 15,
              formats: Mapping[str, str] | None = None, index: bool = False) -> None:
        """Show a DataFrame as an escaped HTML table by the report conventions
        (:func:`~dynamo_reports.reporting.tables.render_table`): human labels, units, the first
        ``max_rows`` rows shown and the rest inside a ``<details>`` element."""
        shown = frame if self.show_pii else mask_emails_in_frame(frame.copy())
        caption = self._shown(caption)
        _html(render_table(shown, caption=caption, max_rows=max_rows, formats=formats, index=index))

    def data_quality(self, *, max_rows: int = 100) -> None:
        """The data-quality section: counts per rule, then every finding (key + what is wrong)."""
        total = self.findings.total
        _markdown("## Data quality\n\n" + (
            "No malformed or inconsistent items found." if total == 0 else
            f"**{total}** finding(s). Items listed here are kept out of the computations they would "
            "distort, and counted — never silently dropped."))
        if total:
            self.table(grouped_findings(self.findings.to_frame(), self.findings.rules),
                       caption="Findings per rule (with examples)", max_rows=len(self.findings.rules) + 50)
            self.table(self.findings.to_frame(), caption="Every finding", max_rows=min(max_rows, 10))
        else:
            self.table(self.findings.summary_frame(), caption="Rules checked")

    def read_units(self) -> float:
        return float(self.conn.meter.totals()["read_units"])

    def cost(self) -> ReportCost:
        """The "cost of this report" section: requests and read units by AWS's sizing rules."""
        from .capacity import price_table

        totals = self.conn.meter.totals()
        try:
            prices = price_table(self.settings.region)
        except ValueError:  # a region without a price in the table: units only, no dollar figure
            price_text = f"no on-demand price known for {esc(self.settings.region)}."
        else:
            rru_price = prices["on_demand.read_request_unit"].usd
            usd = totals["read_units"] * rru_price
            price_text = (f"about ${usd:.8f} on on-demand pricing in {esc(self.settings.region)} "
                          f"(${rru_price * 1e6:.4f} per million read request units; "
                          f"{esc(prices['on_demand.read_request_unit'].source)}).")
        throttled = int(totals.get("throttled", 0) or 0)
        retried = (f" DynamoDB throttled {throttled} attempt(s); the client retried them with backoff "
                   "(a throttled attempt reads nothing and is not billed)." if throttled else "")
        _markdown(
            "## Cost of this report\n\n"
            f"{totals['requests']} request(s), {totals['items_returned']} item(s) returned, "
            f"**{totals['read_units']:g} read request units** (computed by AWS's sizing rules from the items "
            "read; a local emulator's own ConsumedCapacity figures are placeholders) — " + price_text + retried
        )
        self.table(self.conn.meter.by_table(), caption="Requests by operation, table and index",
                   formats={"read_units": "{:g}", "write_units": "{:g}"})
        return ReportCost(totals)

    def write_summary(self, summary: Mapping[str, Any]) -> dict[str, Any]:
        """Add ``data_quality``, ``read_units``, ``window``, ``as_of``, ``source``; write summary.json."""
        full = dict(summary)
        full.setdefault("data_quality", self.findings.counts())
        full.setdefault("read_units", self.read_units())
        full.setdefault("window", self.window_dict())
        full.setdefault("as_of", self.as_of.isoformat())
        full.setdefault("source", self.settings.source)
        if self.summary_path:
            from .reporting.summary import write_summary

            write_summary(full, self.summary_path)
        self.key_findings(full)
        return full

    def key_findings(self, summary: Mapping[str, Any]) -> None:
        """The "key findings" box: headline numbers with units and, in words, what needs attention
        (budget verdict, drift, breaches, data-quality count). Called by :meth:`write_summary`; the
        HTML export moves the box right under the header (the numbers exist only at the end)."""
        from .reporting.headlines import attention_points, headline_items
        from .reporting.registry import REPORTS

        rdef = REPORTS.get(self.name)
        numbers = "".join(f"<div><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd></div>"
                          for _, label, value in headline_items(rdef, summary))
        points = "".join(f'<li class="{kind}">{html.escape(self._shown(text))}</li>'
                         for kind, text in attention_points(summary, rdef))
        _html(f'<section class="dr-findings" id="key-findings"><h2>Key findings</h2>'
              f"{f'<dl>{numbers}</dl>' if numbers else ''}<ul>{points}</ul></section>")


def open_report(name: str, title: str, *, tables: Iterable[str], source: str = "demo", endpoint_url: str = "",
                region: str = "", profile: str = "", env: str = "", project: str = "", config_file: str = "",
                period: str = "", start: str = "", end: str = "", timezone: str = "UTC", as_of: str = "",
                summary_path: str = "", show_pii: bool = False) -> ReportContext:
    """Resolve the common parameters into a read-only, metered :class:`ReportContext`.

    The settings, window and as-of time come from :func:`~dynamo_reports.plan.build_plan`,
    the same function the CLI and the runner use, so a notebook run by hand and the same
    notebook run by ``dynamo-reports run`` see the same window. Empty strings mean "not
    given"; without ``period``, ``start`` and ``end`` the window is all data. ``show_pii=False``
    masks e-mail-like text in everything the report shows (:mod:`dynamo_reports.pii`).
    """
    from .plan import build_plan

    options = {"source": source, "endpoint_url": endpoint_url, "region": region, "profile": profile, "env": env,
               "project": project, "config_file": config_file, "start": start, "end": end, "as_of": as_of,
               "timezone": timezone or None, "period": period or (None if start or end else "all")}
    plan = build_plan((), {k: (v if v != "" else None) for k, v in options.items()})
    settings = plan.settings
    if plan.is_demo and not settings.endpoint_url:
        settings = settings.with_(endpoint_url=_embedded_endpoint(settings.region))
    conn = Connection(settings, read_only=True)
    from .systems import ALL_TABLES, register

    for spec in ALL_TABLES:
        register(conn, spec)
    tables = list(tables)
    for logical in tables:  # unknown logical names fail here, before any request
        settings.table_name(logical)
    conn.require_tables(tables)  # DescribeTable (not billed): a missing table is named before any read
    window = plan.window
    return ReportContext(name=name, title=title, settings=settings, conn=conn, tables=tables,
                         start=window.start, end=window.end, period=window.label, timezone=window.timezone,
                         as_of=pd.Timestamp(plan.as_of), summary_path=summary_path, show_pii=bool(show_pii))
