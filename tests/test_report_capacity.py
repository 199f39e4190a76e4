"""The capacity report through `dynamo-reports run` (in-process CLI; the notebook in its own kernel)."""

from __future__ import annotations

import pytest

from dynamo_reports.demo.dataset import anomaly
from dynamo_reports.reporting.registry import REPORTS
from dynamo_reports.systems import ALL_TABLES
from harness import cli
from shared import latest_run_dir, read_summary, run_on_demo, run_report

REGION = "ca-central-1"  # a region the price table does not know: the report says which prices it used
TABLE_KEYS = {"items", "bytes", "avg_item_bytes", "monthly_cost_on_demand", "monthly_cost_provisioned"}
SUMMARY_KEYS = {"tables", "total_monthly_cost", "cheapest_total_monthly_cost", "within_budget", "free_tier_fit",
                "cache_savings", "recommendations", "read_units", "data_quality"}


@pytest.fixture(scope="module")
def demo(demo_reports):
    run_dir = latest_run_dir(demo_reports, "capacity")
    return read_summary(run_dir), run_dir


def test_summary_has_the_issue_keys_and_every_table(demo):
    summary, _ = demo
    assert SUMMARY_KEYS <= set(summary)
    assert set(summary["tables"]) == {spec.logical for spec in ALL_TABLES}
    for name, row in summary["tables"].items():
        assert TABLE_KEYS <= set(row), name
        assert row["items"] > 0 and row["bytes"] > 0, name
        assert row["avg_item_bytes"] == pytest.approx(row["bytes"] / row["items"]), name
        # provisioned pays at least 1 RCU + 1 WCU for 730 h; on-demand pays per request: both > 0
        assert row["monthly_cost_provisioned"] > 0 and row["monthly_cost_on_demand"] >= 0, name
    assert summary["missing_tables"] == []
    assert isinstance(summary["free_tier_fit"], bool)
    assert summary["recommendations"] and all({"kind", "table", "text"} <= set(r) for r in summary["recommendations"])


def test_budget_verdict_matches_the_total(demo):
    summary, _ = demo
    assert summary["monthly_budget"] == 5.0
    assert summary["within_budget"] == (summary["total_monthly_cost"] <= summary["monthly_budget"])
    assert summary["cheapest_total_monthly_cost"] <= summary["total_monthly_cost"]


def test_001_cache_replay_on_is_the_warm_up_only_and_off_is_one_request_per_lookup(demo):
    replay = demo[0]["cache_savings"]["001"]
    # messages_per_day = 2000 fits in replay_events = 10000: a whole day, nothing extrapolated
    assert replay["lookups"] == 2000 and replay["extrapolation_factor"] == 1
    assert replay["requests_without_cache"] == replay["lookups"]
    assert replay["lookup_requests_with_cache"] == 0
    assert replay["requests_with_cache"] == replay["warm_up_requests"]
    # one warm-up, then the 30-minute safety refresh over (most of) a simulated day: at most 48 scans
    assert 1 <= replay["warm_ups"] <= 48


def test_000_cache_replay(demo):
    replay = demo[0]["cache_savings"]["000"]
    assert replay["requests_without_cache"] == replay["lookups"]
    assert 0 < replay["requests_with_cache"] < replay["requests_without_cache"]


def test_planted_past_ttl_reports_are_surfaced(demo):
    summary, run_dir = demo
    planted = anomaly("daily_report_past_ttl")
    # 90 DAILY items (2025-01-01 .. 2025-03-31) have a ttl already past at AS_OF
    assert summary["data_quality"]["past_ttl_still_stored"] == 90
    assert any(r["kind"] == "expired_items" and r["table"] == "reports" for r in summary["recommendations"])
    html = (run_dir / "report.html").read_text()
    assert planted.key["pk"] in html
    assert "DEMO DATA" in html and "open_report(" not in html


def test_budget_parameter_and_replay_switch(tmp_path, demo_endpoint):
    summary = read_summary(run_on_demo("capacity", tmp_path, demo_endpoint,
                                       "-p", "monthly_budget", "0.01", "-p", "replay_events", "0"))
    assert summary["monthly_budget"] == 0.01
    assert summary["within_budget"] is False and summary["total_monthly_cost"] > 0.01
    assert any(r["kind"] == "over_budget" for r in summary["recommendations"])
    assert summary["cache_savings"] == {}


def test_bad_parameter_is_refused(tmp_path):
    result = cli("run", "capacity", "--output-dir", tmp_path, "-p", "chat_poll_seconds", "0")
    assert result.code == 2
    assert "chat_poll_seconds" in result.err and not (tmp_path / "capacity").exists()


@pytest.mark.kernel
def test_aws_source_with_missing_tables_and_a_large_item(tmp_path):
    from dynamo_reports import codec
    from dynamo_reports.demo.server import EmbeddedDynamo
    from dynamo_reports.systems import spec_for
    from dynamo_reports.systems.base import create_table

    with EmbeddedDynamo(region=REGION, seed=False, create_tables=False) as server:
        conn = server.connect()
        for logical in ("solanashares", "reports"):
            create_table(conn, spec_for(logical))
        big = {"PK": "USER#1", "SK": "WALLET#big", "blob": "x" * (310 * 1024)}  # ~310 KB, over 300 KB
        conn.call("PutItem", TableName=conn.table_name("solanashares"), Item=codec.item_to_wire(big))
        conn.call("PutItem", TableName=conn.table_name("reports"),
                  Item=codec.item_to_wire({"pk": "REPORT#2020-01-01", "sk": "DAILY", "ttl": 1_000}))
        run_dir = run_report("capacity", tmp_path, "--source", "aws", "--endpoint-url", server.endpoint_url,
                             "--region", REGION, "--period", "all", "-p", "replay_events", "0")
    summary = read_summary(run_dir)
    assert set(summary["tables"]) == {"solanashares", "reports"}
    assert summary["data_quality"]["table_missing"] == len(ALL_TABLES) - 2
    assert summary["data_quality"]["item_over_300KB"] == 1
    assert summary["data_quality"]["past_ttl_still_stored"] == 1
    assert any(r["kind"] == "near_item_limit" for r in summary["recommendations"])
    html = (run_dir / "report.html").read_text()
    assert "DescribeTable beside the measured figures" in html
    assert "us-east-1" in html  # no price table for ca-central-1: the fallback is said


def test_declared_summary_vocabulary_is_what_the_report_writes(demo):
    """Alert rules are validated against ReportDef.summary_keys: it must be the demo run's keys."""
    summary, _ = demo
    assert sorted(summary) == sorted(REPORTS["capacity"].summary_keys)
