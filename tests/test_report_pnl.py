"""The P&L report through `dynamo-reports run` (in-process CLI; the notebook in its own kernel)."""

import json
from html.parser import HTMLParser

import pytest

from dynamo_reports.demo.dataset import anomaly
from dynamo_reports.reporting.registry import REPORTS
from harness import cli
from shared import run_on_demo


@pytest.fixture(scope="module")
def full_history(tmp_path_factory, demo_endpoint):
    out = tmp_path_factory.mktemp("pnl")
    run_dir = run_on_demo("pnl", out, demo_endpoint, "--period", "all", "-p", "fee_rates", "{}")
    return out, run_dir, json.loads((run_dir / "summary.json").read_text())


def test_planted_anomalies_are_surfaced(full_history):
    out, run_dir, summary = full_history
    # The dataset plants exactly one FILLED trade without price and one duplicated order id.
    assert summary["data_quality"]["missing_price"] == 1
    assert summary["data_quality"]["duplicate_order_id"] == 1
    html = (run_dir / "report.html").read_text()
    for name in ("trade_missing_price", "bot_pnl_mismatch", "trade_over_amount_limit"):
        key = anomaly(name).key
        trade_id = str(key.get("pk", key)).removeprefix("TRADE#")
        assert trade_id in html, name
    assert summary["reconciliation"]["bot_pnl_mismatches"] >= 1
    assert summary["reconciliation"]["daily_mismatches"] >= 1
    # over the daily limit, over the amount limit, a cooldown violation
    assert summary["reconciliation"]["limit_breaches"] >= 3
    # fee_rates {} -> BNB fees are never added to USDT: they are listed as unconverted
    assert summary["unconverted_fees"].get("BNB", 0) > 0
    assert (out / "pnl" / "latest.html").exists() and (out / "index.html").exists()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and value.startswith(("http://", "https://", "//")) and tag != "a":
                self.external.append((tag, value))


def test_exported_html_is_offline_and_has_no_code(full_history):
    _, run_dir, _ = full_history
    html = (run_dir / "report.html").read_text()
    parser = _Tags()
    parser.feed(html)
    assert parser.external == []
    assert "open_report(" not in html and "summary_path" not in html
    assert "DEMO DATA" in html


def test_empty_window(tmp_path, demo_endpoint):
    run_dir = run_on_demo("pnl", tmp_path, demo_endpoint, "--start", "2020-01-01", "--end", "2020-01-31")
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["trade_count"] == 0 and summary["realized_pnl"] == 0
    assert summary["window"]["start"] == "2020-01-01"


@pytest.mark.parametrize("args,parameter", [
    (["-p", "nosuch", "1"], "nosuch"),
    (["-p", "starting_balance", "lots"], "starting_balance"),
    (["--start", "2025-02-30"], "start"),
    (["--start", "2025-03-02", "--end", "2025-03-01"], "start"),
    (["--period", "last-3-weeks"], "period"),
    (["--timezone", "Mars/Olympus"], "timezone"),
])
def test_bad_parameters_exit_2_and_write_nothing(tmp_path, args, parameter):
    result = cli("run", "pnl", *args, "--output-dir", tmp_path / "out")
    assert result.code == 2
    assert f"'{parameter}'" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_table_is_named(tmp_path, moto_server):
    # this module creates no table on its moto server
    result = cli("run", "pnl", "--source", "aws", "--endpoint-url", moto_server.endpoint_url,
                 "--region", moto_server.region, "--period", "all", "--output-dir", tmp_path)
    # Checked before any kernel starts: exit 3, one line naming both names and the config key.
    assert result.code == 3, result.err
    assert "'trading-bot-dev-trades' (logical table 'trades')" in result.err
    assert "[tables] trades" in result.err and result.err.count("\n") == 1
    assert not (tmp_path / "pnl").exists()


def test_declared_summary_vocabulary_is_what_the_report_writes(full_history):
    """Alert rules are validated against ReportDef.summary_keys: it must be the demo run's keys."""
    _, _, summary = full_history
    assert sorted(summary) == sorted(REPORTS["pnl"].summary_keys)
