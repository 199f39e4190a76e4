"""Tests of dynamo_reports.reporting: periods, parameters, summary, export, runner, index.

The runner tests execute the fixture notebooks in tests/fixtures/notebooks/ with papermill
(a real ipykernel, no DynamoDB): ``sample_report.ipynb`` displays a DataFrame holding a
planted ``<script>`` value and a matplotlib chart and writes summary.json;
``failing_report.ipynb`` raises in its third code cell.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import nbformat
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dynamo_reports.exceptions import DynamoReportsError, ParameterError, ReportError
from dynamo_reports.reporting import (
    REPORTS,
    ReportDef,
    RunResult,
    Window,
    atomic_write_text,
    available_reports,
    coerce_cli_value,
    export_html,
    notebook_parameters,
    read_summary,
    resolve_period,
    run_report,
    safe_parameters,
    validate_parameters,
    window_from_dates,
    write_index,
    write_summary,
)
from dynamo_reports.reporting.registry import NOTEBOOKS_ENV, notebooks_dir
from dynamo_reports.reporting.runner import _reserve_run_dir

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
SAMPLE_NB = FIXTURES / "sample_report.ipynb"
FAILING_NB = FIXTURES / "failing_report.ipynb"
UTC = UTC

SAMPLE = ReportDef("sample", "sample_report.ipynb", "Sample report", "fixture",
                   ("realized_pnl", "trade_count", "win_rate"))
TEST_REPORTS = {"sample": SAMPLE}
# the same report name, now pointing at the notebook that raises
FAILING_SAMPLE = {"sample": ReportDef("sample", "failing_report.ipynb", "Sample report", "fixture",
                                      ("realized_pnl", "trade_count", "win_rate"))}

# 1x1 transparent PNG
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
            "60e6kgAAAABJRU5ErkJggg==")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _assert_offline(soup: BeautifulSoup) -> None:
    """No script, no stylesheet link, no external src/href, no CSS import/external url()."""
    assert soup.find_all("script") == []
    assert [t for t in soup.find_all("link") if t.get("href")] == []
    for tag in soup.find_all(True):
        for attr in ("src", "href", "srcset", "data", "poster", "action"):
            value = tag.get(attr)
            if value is None:
                continue
            value = str(value)
            scheme = urlsplit(value).scheme.lower()
            if tag.name == "a" and attr == "href":
                assert scheme in ("", "http", "https", "mailto"), value
                continue
            assert scheme in ("", "data"), f"<{tag.name} {attr}={value[:80]}>"
            assert not value.startswith("//"), value
        assert not any(a.lower().startswith("on") for a in tag.attrs), tag.name
    for style in soup.find_all("style"):
        css = style.string or ""
        assert "@import" not in css
        assert "url(http" not in css.replace(" ", "").replace("'", "").replace('"', "")
    for src in (str(t.get("src", "")).lower() for t in soup.find_all(True)):
        assert "require" not in src and "mathjax" not in src


# --------------------------------------------------------------------------- periods

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    "period, start, end",
    [
        # yesterday of Sun 2026-03-15
        ("yesterday", date(2026, 3, 14), date(2026, 3, 14)),
        # the 7 days ending yesterday: 8, 9, 10, 11, 12, 13, 14 March
        ("last-7-days", date(2026, 3, 8), date(2026, 3, 14)),
        # 30 days ending yesterday: 13..28 Feb (16 days) + 1..14 Mar (14 days)
        ("last-30-days", date(2026, 2, 13), date(2026, 3, 14)),
        # 1st of this month .. today
        ("month-to-date", date(2026, 3, 1), date(2026, 3, 15)),
        # February 2026 has 28 days
        ("previous-month", date(2026, 2, 1), date(2026, 2, 28)),
        # 2024 is a leap year
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
        ("all", None, None),
    ],
)
def test_resolve_period_fixed_today(period, start, end):
    window = resolve_period(period, today=TODAY)
    assert (window.start, window.end) == (start, end)
    assert window.label == period
    assert window.timezone == "UTC"
    if start is not None and period.startswith("last-"):
        assert (window.end - window.start).days + 1 == int(period.split("-")[1])


def test_previous_month_in_january_is_december_of_previous_year():
    window = resolve_period("previous-month", today=date(2026, 1, 10))
    assert (window.start, window.end) == (date(2025, 12, 1), date(2025, 12, 31))


def test_month_to_date_on_the_first_is_one_day():
    window = resolve_period("month-to-date", today=date(2026, 3, 1))
    assert window.start == window.end == date(2026, 3, 1)


def test_window_is_frozen_and_serializable():
    window = resolve_period("last-7-days", today=TODAY, timezone="Europe/Paris")
    with pytest.raises(AttributeError):
        window.start = None  # type: ignore[misc]
    assert window.to_dict() == {"start": "2026-03-08", "end": "2026-03-14",
                                "label": "last-7-days", "timezone": "Europe/Paris"}
    assert window.as_parameters() == {"start": "2026-03-08", "end": "2026-03-14",
                                      "period": "last-7-days", "timezone": "Europe/Paris"}


def test_today_is_taken_in_the_report_timezone():
    # 2026-03-15 20:00 UTC is already 2026-03-16 09:00 in Auckland (NZDT, UTC+13)
    now = datetime(2026, 3, 15, 20, 0, tzinfo=UTC)
    assert resolve_period("yesterday", now=now).start == date(2026, 3, 14)
    auckland = resolve_period("yesterday", timezone="Pacific/Auckland", now=now)
    assert (auckland.start, auckland.end) == (date(2026, 3, 15), date(2026, 3, 15))
    # 2026-03-15 03:00 UTC is still 2026-03-14 20:00 in Los Angeles (PDT, UTC-7)
    early = datetime(2026, 3, 15, 3, 0, tzinfo=UTC)
    la = resolve_period("month-to-date", timezone="America/Los_Angeles", now=early)
    assert (la.start, la.end) == (date(2026, 3, 1), date(2026, 3, 14))
    assert resolve_period("month-to-date", now=early).end == date(2026, 3, 15)


def test_bounds_utc_from_local_midnights():
    utc = resolve_period("last-7-days", today=TODAY)
    assert utc.bounds_utc() == (datetime(2026, 3, 8, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC))
    # Auckland is UTC+13 in March: local midnight of 15 March is 14 March 11:00 UTC
    day = window_from_dates("2026-03-15", "2026-03-15", "Pacific/Auckland")
    assert day.bounds_utc() == (datetime(2026, 3, 14, 11, tzinfo=UTC), datetime(2026, 3, 15, 11, tzinfo=UTC))
    # NZ daylight saving ends Sun 2026-04-05 (03:00 NZDT -> 02:00 NZST): a 25-hour day
    lo, hi = window_from_dates("2026-04-05", "2026-04-05", "Pacific/Auckland").bounds_utc()
    assert (lo, hi) == (datetime(2026, 4, 4, 11, tzinfo=UTC), datetime(2026, 4, 5, 12, tzinfo=UTC))
    assert hi - lo == timedelta(hours=25)
    # Paris springs forward on Sun 2026-03-29: a 23-hour day
    lo, hi = window_from_dates("2026-03-29", "2026-03-29", "Europe/Paris").bounds_utc()
    assert (lo, hi) == (datetime(2026, 3, 28, 23, tzinfo=UTC), datetime(2026, 3, 29, 22, tzinfo=UTC))
    assert resolve_period("all", today=TODAY).bounds_utc() == (None, None)


@pytest.mark.parametrize("period", ["last-week", "", "2026-13", "2026-00", "2026-3", "yesterday2", "month"])
def test_bad_period_names_the_period(period):
    with pytest.raises(ParameterError) as err:
        resolve_period(period, today=TODAY)
    assert err.value.parameter == "period"


def test_unknown_timezone_names_the_timezone():
    with pytest.raises(ParameterError) as err:
        resolve_period("yesterday", timezone="Mars/Olympus_Mons", today=TODAY)
    assert err.value.parameter == "timezone"
    with pytest.raises(ParameterError) as err:
        window_from_dates("2026-03-01", "2026-03-02", "Not/AZone")
    assert err.value.parameter == "timezone"


def test_window_from_dates():
    window = window_from_dates("2026-03-01", "2026-03-14", "UTC")
    assert (window.start, window.end, window.label) == (date(2026, 3, 1), date(2026, 3, 14), "2026-03-01..2026-03-14")
    assert window_from_dates("", "", "UTC") == Window(None, None, "all", "UTC")
    open_start = window_from_dates(None, "2026-03-14", "UTC")
    assert (open_start.start, open_start.end) == (None, date(2026, 3, 14))
    assert window_from_dates("2026-03-01", "2026-03-01", "UTC").start == date(2026, 3, 1)


@pytest.mark.parametrize(
    "start, end, parameter",
    [
        ("2026-3-1", "2026-03-14", "start"),
        ("2026-02-30", "2026-03-14", "start"),
        ("15/03/2026", "", "start"),
        ("2026-03-01", "2026-03-32", "end"),
        ("2026-03-01", "tomorrow", "end"),
        ("2026-03-10", "2026-03-01", "start"),  # start after end
    ],
)
def test_window_from_dates_errors_name_the_parameter(start, end, parameter):
    with pytest.raises(ParameterError) as err:
        window_from_dates(start, end, "UTC")
    assert err.value.parameter == parameter
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- registry


def test_registry_order_and_headlines():
    assert list(REPORTS) == ["pnl", "participants", "leads", "capacity", "bot-config", "distributions", "support"]
    assert REPORTS["pnl"].notebook == "pnl_report.ipynb"
    assert REPORTS["pnl"].headline_keys == ("realized_pnl", "trade_count", "win_rate")
    assert REPORTS["participants"].notebook == "participant_investment_report.ipynb"
    assert REPORTS["leads"].headline_keys == ("lead_count", "approval_rate", "commission_approved")
    assert REPORTS["capacity"].headline_keys == ("total_monthly_cost", "cheapest_total_monthly_cost", "within_budget")
    assert REPORTS["bot-config"].notebook == "bot_config_audit.ipynb"
    assert REPORTS["distributions"].headline_keys == ("distributions", "members_served", "gini")
    assert REPORTS["support"].notebook == "support_chat_report.ipynb"
    for name, rdef in REPORTS.items():
        assert rdef.name == name and rdef.title and rdef.source_document


def test_notebooks_dir_default_and_override(tmp_path, monkeypatch):
    monkeypatch.delenv(NOTEBOOKS_ENV, raising=False)
    assert notebooks_dir() == Path(__file__).resolve().parents[1] / "notebooks"
    monkeypatch.setenv(NOTEBOOKS_ENV, str(tmp_path))
    assert notebooks_dir() == tmp_path.resolve()
    assert available_reports() == {}
    (tmp_path / "capacity_report.ipynb").write_text("{}")
    (tmp_path / "pnl_report.ipynb").write_text("{}")
    assert list(available_reports()) == ["pnl", "capacity"]


# --------------------------------------------------------------------------- parameters


def test_notebook_parameters_infers_types_from_defaults():
    specs = notebook_parameters(SAMPLE_NB)
    types = {name: spec.type for name, spec in specs.items()}
    assert types["source"] is str and types["start"] is str and types["summary_path"] is str
    assert types["threshold"] is float
    assert types["limit"] is int
    assert types["show_pii"] is bool
    assert types["rates"] is dict
    assert types["symbols"] is list
    assert specs["rates"].default == {"BNB": 600.0}
    assert specs["threshold"].help == "a float parameter"


@pytest.mark.parametrize(
    "raw, expected_type, value",
    [
        ("600", int, 600),
        ("-3", int, -3),
        ("600", float, 600.0),
        ("0.25", float, 0.25),
        ("true", bool, True),
        ("Yes", bool, True),
        ("0", bool, False),
        ("off", bool, False),
        ('{"BNB": 600}', dict, {"BNB": 600}),
        ('["BTCUSDT", "ETHUSDT"]', list, ["BTCUSDT", "ETHUSDT"]),
        ("eu-west-1", str, "eu-west-1"),
        ("anything", None, "anything"),
    ],
)
def test_coerce_cli_value(raw, expected_type, value):
    result = coerce_cli_value(raw, expected_type)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    "raw, expected_type",
    [("6.5", int), ("ten", int), ("", float), ("maybe", bool), ("[1]", dict), ('{"a": 1}', list), ("{bad", dict)],
)
def test_coerce_cli_value_rejects(raw, expected_type):
    with pytest.raises(ValueError):
        coerce_cli_value(raw, expected_type)


def test_validate_parameters_coerces_and_keeps_only_given_values():
    cleaned = validate_parameters(SAMPLE_NB, {
        "limit": "5", "threshold": 7, "show_pii": "yes", "rates": '{"BNB": 610}',
        "symbols": ["ETHUSDT"], "start": date(2026, 3, 1), "end": "2026-03-14",
        "period": "custom label", "timezone": "Europe/Paris", "as_of": "2026-03-15T08:00:00Z",
    })
    assert cleaned == {
        "limit": 5, "threshold": 7.0, "show_pii": True, "rates": {"BNB": 610},
        "symbols": ["ETHUSDT"], "start": "2026-03-01", "end": "2026-03-14",
        "period": "custom label", "timezone": "Europe/Paris", "as_of": "2026-03-15T08:00:00Z",
    }
    assert type(cleaned["threshold"]) is float
    assert validate_parameters(SAMPLE_NB, {}) == {}
    assert validate_parameters(SAMPLE_NB, {"period": "previous-month"}) == {"period": "previous-month"}


BAD_PARAMETERS = [
    ({"nope": 1}, "nope"),
    ({"limit": "ten"}, "limit"),
    ({"limit": 2.5}, "limit"),
    ({"limit": True}, "limit"),
    ({"threshold": "abc"}, "threshold"),
    ({"show_pii": "maybe"}, "show_pii"),
    ({"rates": "[1, 2]"}, "rates"),
    ({"rates": "{not json"}, "rates"),
    ({"symbols": {"a": 1}}, "symbols"),
    ({"region": 5}, "region"),
    ({"start": "2026-02-30"}, "start"),
    ({"start": "15/03/2026"}, "start"),
    ({"end": "2026-3-1"}, "end"),
    ({"start": "2026-03-10", "end": "2026-03-01"}, "start"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"period": "fortnight"}, "period"),
    ({"as_of": "around noon"}, "as_of"),
    ({"summary_path": "/tmp/elsewhere.json"}, "summary_path"),
]


@pytest.mark.parametrize("params, parameter", BAD_PARAMETERS, ids=[p for _, p in BAD_PARAMETERS])
def test_bad_parameter_is_refused_before_anything_runs(tmp_path, params, parameter):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as err:
        run_report("sample", params, output_dir=out, reports=TEST_REPORTS, notebooks_dir=FIXTURES)
    assert err.value.parameter == parameter
    assert "\n" not in str(err.value)
    assert isinstance(err.value, DynamoReportsError)
    assert not out.exists()


def test_bad_run_id_and_unknown_report_are_refused(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ParameterError) as err:
        run_report("sample", {}, output_dir=out, run_id="../escape", reports=TEST_REPORTS, notebooks_dir=FIXTURES)
    assert err.value.parameter == "run_id"
    with pytest.raises(ParameterError) as err:
        run_report("nope", {}, output_dir=out, reports=TEST_REPORTS, notebooks_dir=FIXTURES)
    assert err.value.parameter == "report"
    with pytest.raises(ReportError):
        run_report("pnl", {}, output_dir=out, notebooks_dir=tmp_path)  # notebook not there (yet)
    assert not out.exists()


def test_safe_parameters_drops_secrets():
    values = {
        "source": "aws", "profile": "prod", "endpoint_url": "https://user:pw@ddb.example:8000/x?X-Amz-Signature=s",
        "api_key": "k", "aws_secret_access_key": "s", "SessionToken": "t", "db_password": "p",
        "credentials_file": "~/.aws/credentials", "summary_path": "/x", "limit": 5, "threshold": 1.5,
        "show_pii": False, "symbol": "BTCUSDT",
    }
    safe = safe_parameters(values)
    assert safe == {"source": "aws", "profile": "prod", "endpoint_url": "https://ddb.example:8000/x",
                    "limit": 5, "threshold": 1.5, "show_pii": False, "symbol": "<redacted>"}


# --------------------------------------------------------------------------- summary


def test_write_summary_handles_numpy_pandas_decimal_datetime_nan(tmp_path):
    path = tmp_path / "summary.json"
    summary = {
        "count": np.int64(3),
        "ratio": np.float32(0.5),
        "nan": float("nan"),
        "np_nan": np.float64("nan"),
        "inf": float("inf"),
        "flag": np.bool_(True),
        "amount": Decimal("12.50"),
        "units": Decimal("3"),
        "bad_decimal": Decimal("NaN"),
        "when": datetime(2026, 3, 15, 8, 0, tzinfo=UTC),
        "day": date(2026, 3, 15),
        "ts": pd.Timestamp("2026-03-15T08:00:00Z"),
        "nat": pd.NaT,
        "na": pd.NA,
        "array": np.array([1, 2, 3]),
        "series": pd.Series({"BTC": 1.5, "ETH": np.nan}),
        "frame": pd.DataFrame({"a": [1, 2], "b": ["x", None]}),
        "nested": {1: [np.int32(1), {"deep": np.float64("nan")}]},
        "tags": {"b", "a"},
    }
    write_summary(summary, path)
    text = path.read_text()

    def refuse(const):
        raise AssertionError(f"non-standard JSON constant {const}")

    data = json.loads(text, parse_constant=refuse)
    assert data == read_summary(path)
    assert data["count"] == 3 and data["ratio"] == 0.5
    assert data["nan"] is None and data["np_nan"] is None and data["inf"] is None
    assert data["flag"] is True
    assert data["amount"] == 12.5 and data["units"] == 3 and isinstance(data["units"], int)
    assert data["bad_decimal"] is None
    assert data["when"] == "2026-03-15T08:00:00+00:00" and data["day"] == "2026-03-15"
    assert data["ts"] == "2026-03-15T08:00:00+00:00"
    assert data["nat"] is None and data["na"] is None
    assert data["array"] == [1, 2, 3]
    assert data["series"] == {"BTC": 1.5, "ETH": None}
    assert data["frame"] == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    assert data["nested"] == {"1": [1, {"deep": None}]}
    assert data["tags"] == ["a", "b"]


def test_atomic_writes_leave_no_temp_and_keep_old_file_on_failure(tmp_path):
    path = tmp_path / "summary.json"
    write_summary({"a": 1}, path)
    write_summary({"a": 2}, path)
    assert read_summary(path) == {"a": 2}
    with pytest.raises(TypeError):
        write_summary({"a": object()}, path)
    assert read_summary(path) == {"a": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_atomic_write_text_uses_normal_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = atomic_write_text(tmp_path / "sub" / "f.txt", "héllo")
    assert path.read_text(encoding="utf-8") == "héllo"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


# --------------------------------------------------------------------------- export (no kernel)


def _handmade_notebook(tmp_path: Path) -> Path:
    (tmp_path / "chart.png").write_bytes(base64.b64decode(TINY_PNG))
    params = new_code_cell('SECRET_PARAM_SOURCE = "x"', metadata={"tags": ["parameters"]})
    params.outputs = [new_output("stream", name="stdout", text="PARAM-OUTPUT\n")]
    injected = new_code_cell('endpoint_url = "http://injected"', metadata={"tags": ["injected-parameters"]})
    injected.outputs = [new_output("stream", name="stdout", text="INJECTED-OUTPUT\n")]
    removed = new_code_cell("print('x')", metadata={"tags": ["remove-cell"]})
    removed.outputs = [new_output("stream", name="stdout", text="REMOVED-OUTPUT\n")]
    hostile = new_code_cell("SECRET_SOURCE_TEXT = 1", execution_count=3)
    hostile.outputs = [
        new_output("display_data", data={
            "text/html": (
                '<script src="https://cdn.example/evil.js"></script>'
                '<img src="https://tracker.example/pixel.png">'
                '<a href="javascript:alert(1)">js link</a>'
                '<div onclick="alert(1)" style="background:url(https://tracker.example/bg.png)">bg</div>'
                '<iframe src="https://example.org"></iframe>'
                '<link rel="stylesheet" href="https://cdn.example/x.css">'
                '<style>@import url("https://cdn.example/y.css"); .x { color: red }</style>'
            ),
            "text/plain": "hostile",
        }),
        new_output("display_data", data={"application/javascript": "alert('js output')", "text/plain": "js"}),
        new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<Figure>"}),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
    ]
    failing = new_code_cell("1/0", execution_count=4)
    failing.outputs = [new_output(
        "error", ename="ZeroDivisionError", evalue="division by zero",
        traceback=["\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
                   "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
                   "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
    )]
    nb = new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}},
        cells=[
            new_markdown_cell('# Title\n\n<span style="color:red">DEMO DATA</span> banner, '
                              "[docs](https://example.org/docs), $x^2$ math.\n\n![chart](chart.png)"),
            params, injected, removed, hostile, failing,
        ],
    )
    path = tmp_path / "handmade.ipynb"
    nbformat.write(nb, path)
    return path


def test_export_html_is_offline_and_has_no_code(tmp_path):
    nb_path = _handmade_notebook(tmp_path)
    html_path = export_html(nb_path, tmp_path / "out" / "report.html", title="P&L <report>",
                            banner="<b>run failed</b>", banner_kind="failed")
    raw = html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    _assert_offline(soup)
    for absent in ("SECRET_PARAM_SOURCE", "PARAM-OUTPUT", "INJECTED-OUTPUT", "REMOVED-OUTPUT",
                   "SECRET_SOURCE_TEXT", "alert('js output')", "cdn.example", "tracker.example",
                   "javascript:", "cdnjs", "require.min.js", "MathJax.Hub"):
        assert absent not in raw, absent
    for tag in ("parameters", "injected-parameters", "remove-cell"):
        assert soup.select(f".celltag_{tag}") == []
    # no code inputs, no prompts
    assert soup.select(".jp-InputArea-editor, .highlight") == []
    assert all(not p.get_text(strip=True) for p in soup.select(".jp-InputPrompt, .jp-OutputPrompt"))
    assert "Out[" not in soup.get_text()
    # title and banner escaped
    assert soup.title.string == "P&L <report>"
    banner = soup.select_one(".dr-banner-failed")
    assert banner is not None and banner.get_text() == "<b>run failed</b>" and banner.find("b") is None
    # inline HTML in Markdown survives, Markdown image and PNG output embedded
    assert soup.find("span", string="DEMO DATA") is not None
    imgs = [img["src"] for img in soup.find_all("img") if img.get("src")]
    assert len(imgs) == 2 and all(src.startswith("data:image/png;base64,") for src in imgs)
    # a link is not a request: kept
    assert soup.find("a", href="https://example.org/docs") is not None
    # the traceback is visible, without ANSI codes
    assert "ZeroDivisionError" in soup.get_text() and "division by zero" in soup.get_text()
    assert "\x1b" not in raw and "[0;31m" not in raw
    assert sorted(p.name for p in html_path.parent.iterdir()) == ["report.html"]


def _three_pass_export(nb_path: Path, *, title: str, banner: str | None = None, banner_kind: str = "info",
                       index_link: str | None = None) -> str:
    """export_html as it was before its one-pass rewrite: nbconvert's own HTMLExporter (with its
    BeautifulSoup pass), then lead_with_findings and make_offline, each parsing the page anew."""
    from nbconvert import HTMLExporter

    from dynamo_reports.reporting import export

    nb, resources, base = export._notebook_to_export(nb_path, title=title, banner=banner, banner_kind=banner_kind)
    html, _ = HTMLExporter(config=export._exporter_config()).from_notebook_node(nb, resources=resources)
    return export.make_offline(export.lead_with_findings(html, back_link=index_link), base_dir=base)


def _findings_notebook(tmp_path: Path) -> Path:
    """A report-shaped notebook: title, header table, six sections, a key-findings box in the
    last cell's last output (moved up: whitespace left on both sides of where it was), an HTML
    image without alt text, a <pre> block."""
    header = new_code_cell("header()", execution_count=1)
    header.outputs = [new_output("display_data", data={
        "text/html": "<table><tr><th>Source</th><td>DEMO DATA</td></tr></table>", "text/plain": "header"})]
    chart = new_code_cell("chart()", execution_count=2)
    chart.outputs = [new_output("display_data", data={"image/png": TINY_PNG, "text/plain": "<Figure>"}),
                     new_output("display_data", data={"text/html": "<pre>  two  spaces\n\n  kept </pre>",
                                                      "text/plain": "pre"}),
                     new_output("display_data", data={"text/html": f'<img src="data:image/png;base64,{TINY_PNG}">',
                                                      "text/plain": "img"})]
    box = new_code_cell("findings()", execution_count=3)
    box.outputs = [new_output("display_data", data={"text/html": "<p>cost: 3 requests</p>", "text/plain": "cost"}),
                   new_output("display_data", data={
        "text/html": '<section class="dr-findings" id="key-findings"><h2>Key findings</h2>'
                     "<ul><li>one &lt;b&gt;</li></ul></section>", "text/plain": "findings"})]
    sections = [new_markdown_cell(f"## Section {n}\n\ntext {n}") for n in range(1, 7)]
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                "language_info": {"name": "python"}},
                      cells=[new_markdown_cell("# Report"), header, *sections[:3], chart, *sections[3:], box])
    path = tmp_path / "findings.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("make", [_handmade_notebook, _findings_notebook])
def test_one_pass_export_is_byte_for_byte_the_three_pass_one(tmp_path, make):
    nb_path = make(tmp_path)
    got = export_html(nb_path, tmp_path / "out.html", title="R <1>", banner="b & c", index_link="../../index.html")
    want = _three_pass_export(nb_path, title="R <1>", banner="b & c", index_link="../../index.html")
    assert got.read_text(encoding="utf-8") == want
    soup = BeautifulSoup(want, "html.parser")
    assert soup.find("p", class_="dr-back") is not None  # the steps did run: back link, ...
    if make is _findings_notebook:
        # ... findings box right under the header, contents list of the six sections, alt text
        assert soup.find("section", class_="dr-findings").find_previous("table") is not None
        assert len(soup.select("nav.dr-contents li")) == 6
        assert soup.find_all("img")[-1]["alt"] == "No description has been provided for this image"
        assert "  two  spaces\n\n  kept " in soup.pre.get_text()


def test_template_cache_that_cannot_be_written_is_no_error(tmp_path):
    from jinja2 import DictLoader, Environment

    from dynamo_reports.reporting import export

    cache = export._TemplateCache(directory=str(tmp_path / "no-such-directory"))
    env = Environment(loader=DictLoader({"t": "{{ 1 + x }}"}), bytecode_cache=cache)
    assert env.get_template("t").render(x=2) == "3"  # compiled; the cache write failed quietly
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- runs (real kernel)

T1 = datetime(2026, 3, 15, 8, 0, tzinfo=UTC)
T2 = T1 + timedelta(minutes=5)
T3 = T1 + timedelta(minutes=10)
WINDOW_PARAMS = {"start": "2026-03-08", "end": "2026-03-14", "period": "last-7-days"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from jupyter_client.manager import AsyncKernelManager

    from dynamo_reports.reporting.kernels import start_early

    out = tmp_path_factory.mktemp("reports")
    first = run_report("sample", {**WINDOW_PARAMS, "limit": "5"}, output_dir=out, now=T1,
                       reports=TEST_REPORTS, notebooks_dir=FIXTURES)
    latest_after_first = (out / "sample" / "latest.html").read_bytes()
    # the second run gets a kernel started early for it, the failing one a kernel started for
    # another environment: kernels started by papermill during each run are counted
    early, foreign = start_early(SAMPLE_NB, {}), start_early(FAILING_NB, {"DYNAMO_REPORTS_TEST": "other"})
    early_pid, foreign_pid = early.manager.provisioner.pid, foreign.manager.provisioner.pid
    started: list[str] = []  # the run during which papermill started a kernel, for each it started
    now_running = ["run 2"]
    original = AsyncKernelManager.start_kernel

    async def counted(self, **kwargs):
        started.append(now_running[0])
        return await original(self, **kwargs)

    AsyncKernelManager.start_kernel = counted
    try:
        second = run_report("sample", {**WINDOW_PARAMS, "rates": '{"BNB": 610}'}, output_dir=out, now=T2,
                            reports=TEST_REPORTS, notebooks_dir=FIXTURES, kernel=early)
        now_running[0] = "run 3"
        latest_before = (out / "sample" / "latest.html").read_bytes()
        with pytest.raises(ReportError) as err:
            run_report("sample", {}, output_dir=out, now=T3, reports=FAILING_SAMPLE, notebooks_dir=FIXTURES,
                       kernel=foreign)
    finally:
        AsyncKernelManager.start_kernel = original
    latest_after = (out / "sample" / "latest.html").read_bytes()
    return SimpleNamespace(out=out, first=first, second=second, failure=err.value,
                           latest_after_first=latest_after_first,
                           latest_before=latest_before, latest_after=latest_after,
                           early=early, foreign=foreign, pids=(early_pid, foreign_pid), kernels_started=started)


@pytest.mark.kernel
def test_a_kernel_started_early_runs_its_report_and_no_other(runs):
    # run 2 ran in the kernel started early for it: papermill started none (run 1, without one,
    # is the control: its run started a kernel the usual way, and it gave the same summary shape)
    assert runs.second.ok and "run 2" not in runs.kernels_started
    # run 3's early kernel was started with another environment: not used (papermill started
    # the right kernel), and shut down all the same
    assert runs.kernels_started == ["run 3"]
    assert runs.early.manager is None and runs.foreign.manager is None
    for pid in runs.pids:  # both kernel processes are gone
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.kernel
def test_success_layout(runs):
    first, second, out = runs.first, runs.second, runs.out
    assert isinstance(first, RunResult) and first.ok and first.status == "ok"
    assert first.run_id == "20260315T080000Z" and second.run_id == "20260315T080500Z"
    assert first.run_dir == out / "sample" / "20260315T080000Z"
    for name in ("report.html", "report.ipynb", "summary.json", "run.json"):
        assert (first.run_dir / name).is_file(), name
    assert first.html_path == first.run_dir / "report.html"
    assert first.error is None and first.started == T1 and first.finished >= T1
    # nothing half-written is left behind: no partial directories, no temp files
    assert sorted(p.name for p in (out / "sample").iterdir()) == [
        "20260315T080000Z", "20260315T080500Z", "20260315T081000Z", "latest.html"]
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "sample"]
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]


@pytest.mark.kernel
def test_success_summary_and_run_json(runs):
    first = runs.first
    assert first.summary == read_summary(first.run_dir / "summary.json")
    assert first.summary["realized_pnl"] == 3.5 and first.summary["trade_count"] == 2
    assert first.summary["win_rate"] is None  # NaN written as null
    # the kernel is the interpreter running the tests (the project's virtualenv)
    assert os.path.realpath(first.summary["kernel_python"]) == os.path.realpath(sys.executable)
    record = json.loads((first.run_dir / "run.json").read_text())
    assert record["report"] == "sample" and record["run_id"] == first.run_id
    assert record["status"] == "ok" and record["error"] is None
    assert record["started"] == "2026-03-15T08:00:00Z" and record["duration_s"] >= 0
    assert record["window"] == {"start": "2026-03-08", "end": "2026-03-14", "label": "last-7-days", "timezone": "UTC"}
    assert record["headlines"] == {"realized_pnl": 3.5, "trade_count": 2, "win_rate": None}
    assert record["parameters"]["limit"] == 5 and record["parameters"]["source"] == "demo"
    assert "summary_path" not in record["parameters"]
    second = json.loads((runs.second.run_dir / "run.json").read_text())
    assert second["parameters"]["rates"] == "<redacted>"  # not a known-safe name, not a number


@pytest.mark.kernel
def test_executed_notebook_has_injected_parameters(runs):
    nb = nbformat.read(runs.first.run_dir / "report.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'start = "2026-03-08"' in injected[0].source and "limit = 5" in injected[0].source
    assert "summary_path" in injected[0].source


@pytest.mark.kernel
def test_exported_report_html(runs):
    raw = (runs.first.run_dir / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    _assert_offline(soup)
    # no input cells: none of the notebook's code is in the page
    for code in ("display(df)", "import matplotlib", "write_summary", "plt.subplots", "summary_path ="):
        assert code not in raw, code
    assert soup.select(".jp-InputArea-editor, .highlight") == []
    for tag in ("parameters", "injected-parameters", "remove-cell"):
        assert soup.select(f".celltag_{tag}") == []
    assert "SHOULD-NOT-APPEAR" not in raw
    # the planted value is text, not markup
    assert soup.find_all("script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script>alert(1)</script>" in soup.get_text()
    # the chart is embedded
    pngs = [img for img in soup.find_all("img") if str(img.get("src", "")).startswith("data:image/png;base64,")]
    assert len(pngs) == 1
    assert base64.b64decode(pngs[0]["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    # parameters reached the notebook; the title is the report's
    assert "window: 2026-03-08 .. 2026-03-14 (last-7-days, UTC); limit=5" in soup.get_text()
    assert soup.title.string == "Sample report"


def _as_latest(report_html: bytes) -> bytes:
    # latest.html sits one directory up from a run's report.html: only its back link differs
    run_link = b'<p class="dr-back"><a href="../../index.html">'
    assert report_html.count(run_link) == 1
    return report_html.replace(run_link, b'<p class="dr-back"><a href="../index.html">')


@pytest.mark.kernel
def test_run_reports_export_as_the_three_pass_export(runs, tmp_path):
    for result, banner, kind in ((runs.first, None, "info"), (runs.failure.result, "failed here", "failed")):
        got = export_html(result.run_dir / "report.ipynb", tmp_path / "r.html", title="Sample report",
                          banner=banner, banner_kind=kind, index_link="../../index.html")
        want = _three_pass_export(result.run_dir / "report.ipynb", title="Sample report", banner=banner,
                                  banner_kind=kind, index_link="../../index.html")
        assert got.read_text(encoding="utf-8") == want


@pytest.mark.kernel
def test_latest_html_is_the_newest_good_report(runs):
    assert runs.latest_after_first == _as_latest((runs.first.run_dir / "report.html").read_bytes())
    assert runs.latest_before == _as_latest((runs.second.run_dir / "report.html").read_bytes())
    assert runs.second.latest_path == runs.out / "sample" / "latest.html"


@pytest.mark.kernel
def test_failed_run_is_recorded_and_raises(runs):
    err = runs.failure
    assert isinstance(err, ReportError) and err.report == "sample"
    run_dir = Path(err.run_dir)
    assert run_dir == runs.out / "sample" / "20260315T081000Z"
    assert "\n" not in str(err) and "planted failure" in str(err)
    result = err.result
    assert result.status == "failed" and not result.ok and result.run_dir == run_dir
    assert "ValueError" in result.error
    record = json.loads((run_dir / "run.json").read_text())
    assert record["status"] == "failed"
    assert record["error"]["ename"] == "ValueError"
    assert "planted failure" in record["error"]["evalue"]
    # cell 4 of the executed notebook (markdown, parameters, injected-parameters, print,
    # compute()), the 4th code cell executed: In [4]
    assert record["error"]["cell_index"] == 4 and record["error"]["exec_count"] == 4
    assert record["headlines"] == {}
    assert not (run_dir / "summary.json").exists()


@pytest.mark.kernel
def test_failed_run_keeps_executed_notebook_and_html(runs):
    run_dir = Path(runs.failure.run_dir)
    nb = nbformat.read(run_dir / "report.ipynb", as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ValueError"
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in nb.cells)
    raw = (run_dir / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    _assert_offline(soup)
    text = soup.get_text()
    assert "ValueError" in text and "Traceback" in text and "before the failure" in text
    assert "planted failure <script>alert(2)</script>" in text  # escaped, visible
    assert "\x1b" not in raw and "[0;31m" not in raw
    assert "NEVER-REACHED" not in raw
    assert soup.select_one(".dr-banner-failed") is not None
    # papermill's marker cells survive intact: a link to the failing cell, and the anchor
    assert soup.find("a", href="#papermill-error-cell") is not None
    assert soup.find(id="papermill-error-cell") is not None


@pytest.mark.kernel
def test_failed_run_leaves_latest_html_untouched(runs):
    assert runs.latest_after == runs.latest_before  # byte-identical to the previous good one


@pytest.mark.kernel
def test_index_lists_runs_newest_first(runs):
    index = runs.out / "index.html"
    raw = index.read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    _assert_offline(soup)
    rows = soup.select("table.runs tbody tr")
    ids = [row.find_all("code")[1].get_text() for row in rows]
    assert ids == ["20260315T081000Z", "20260315T080500Z", "20260315T080000Z"]
    assert "run-failed" in rows[0]["class"] and "FAILED" in rows[0].get_text()
    assert "run-ok" in rows[1]["class"] and "OK" in rows[1].get_text()
    assert "3.5" in rows[1].get_text() and "Trade count" in rows[1].get_text()  # human label
    assert "2026-03-08 → 2026-03-14" in rows[1].get_text()
    # the planted error text is escaped
    assert "&lt;script&gt;alert(2)" in raw and soup.find_all("script") == []
    # every link is relative and points at an existing file
    hrefs = [a["href"] for a in soup.find_all("a")]
    # the dashboard links to the latest good run, named after the report (not "latest.html")
    latest_link = soup.select_one("table.latest a")
    assert latest_link["href"] == "sample/20260315T080500Z/report.html" and latest_link.get_text() != "latest.html"
    assert "sample/20260315T081000Z/report.html" in hrefs
    assert "sample/20260315T081000Z/report.ipynb" in hrefs
    assert "sample/20260315T080000Z/summary.json" in hrefs
    assert "sample/20260315T081000Z/summary.json" not in hrefs  # the failed run wrote none
    for href in hrefs:
        assert not urlsplit(href).scheme and not href.startswith("/"), href
        assert (runs.out / href).is_file(), href


# --------------------------------------------------------------------------- index / run ids (no kernel)


def test_index_escapes_everything(tmp_path):
    run_dir = tmp_path / "evil" / "20260101T000000Z"
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(json.dumps({
        "report": "evil", "title": "<img src=x onerror=alert(1)>", "run_id": "20260101T000000Z",
        "status": "failed", "started": "2026-01-01T00:00:00Z",
        "window": {"start": "<b>", "end": None, "label": "<i>x</i>", "timezone": "UTC"},
        "headlines": {"<k>": "<v>"},
        "error": {"ename": "E", "evalue": "<script>alert(3)</script>", "message": "<script>alert(3)</script>"},
    }))
    (tmp_path / "evil" / ".20260102T000000Z.partial").mkdir()  # a run in progress: ignored
    soup = _soup(write_index(tmp_path))
    _assert_offline(soup)
    assert soup.find_all(["img", "b", "i", "k", "v"]) == []
    text = soup.get_text()
    assert "<img src=x onerror=alert(1)>" in text and "<script>alert(3)</script>" in text
    assert len(soup.select("table.runs tbody tr")) == 1


def test_index_of_empty_output_dir(tmp_path):
    soup = _soup(write_index(tmp_path / "reports"))
    assert "No runs yet" in soup.get_text()


def test_run_id_gets_a_suffix_when_taken(tmp_path):
    (tmp_path / "20260315T080000Z").mkdir()
    run_id, partial = _reserve_run_dir(tmp_path, "20260315T080000Z")
    assert run_id == "20260315T080000Z-2" and partial == tmp_path / ".20260315T080000Z-2.partial"
    assert partial.is_dir()
    # a partial directory counts as taken too (a concurrent run)
    run_id, partial = _reserve_run_dir(tmp_path, "20260315T080000Z")
    assert run_id == "20260315T080000Z-3"


def test_stale_partial_directories_are_removed(tmp_path):
    import os

    from dynamo_reports.reporting.runner import STALE_PARTIAL_SECONDS, remove_stale_partials

    old = tmp_path / ".20250101T000000Z.partial"
    young = tmp_path / ".20250102T000000Z.partial"
    done = tmp_path / "20250101T000000Z"
    for d in (old, young, done):
        d.mkdir()
    now = 1_800_000_000.0
    os.utime(old, (now - STALE_PARTIAL_SECONDS - 1, now - STALE_PARTIAL_SECONDS - 1))  # killed a day ago
    os.utime(young, (now - 60, now - 60))                                               # may still be running
    os.utime(done, (now - 10 * STALE_PARTIAL_SECONDS,) * 2)                             # a finished run: kept
    assert remove_stale_partials(tmp_path, now=now) == [old]
    assert not old.exists() and young.exists() and done.exists()


@pytest.mark.parametrize("module", ["dynamo_reports.reporting.export", "dynamo_reports.reporting.runner"])
def test_reading_notebooks_does_not_compile_rfc3987_grammars(module):
    # rfc3987-syntax is installed (jsonschema's format-nongpl extra) and compiles its Lark grammars
    # at import; after importing the runner or the exporter, jsonschema is loaded without it, and
    # nbformat still validates: a code cell whose execution_count is a string is refused.
    code = (f"import sys, {module}, nbformat, importlib.util\n"
            "print('pandas' in sys.modules)\n"
            "assert importlib.util.find_spec('lark') is not None  # installed, ...\n"
            "print('lark' in sys.modules, 'jsonschema' in sys.modules)\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')]); nbformat.validate(nb)\n"
            "nb.cells[0]['execution_count'] = 'one'\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('refused')\n")
    pandas_loaded, *out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                         check=True).stdout.split()
    assert out == ["False", "True", "refused"]  # ... not imported; jsonschema is
    if module.endswith(".export"):
        assert pandas_loaded == "False"  # the exporter writes files through reporting.summary: no pandas


def test_pytest_loads_jsonschema_without_rfc3987_grammars():
    # pyproject's addopts load lean_jsonschema (-p) before nbval's plugin imports nbformat and
    # jsonschema: the marker is there (None, not the package), so every worker skipped the grammars.
    # Had jsonschema come first, the marker would not be set and the real package would be loaded.
    assert "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None
    assert "jsonschema" in sys.modules
