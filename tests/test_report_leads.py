"""The `leads` report end to end: `dynamo-reports run leads` on the session's demo server (masked,
show_pii, an empty window), and a bad parameter refused before anything starts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.demo.dataset import ANOMALIES, anomaly, build_demo_dataset
from harness import cli, latest_run_dir

HTML_NAME = "<img src=x onerror=alert(1)>"
# the planted lead named HTML was created on 2025-04-03; every planted lead anomaly is found whatever the
# window (the data-quality rules run over all the affiliates' leads)
APRIL = ["--start", "2025-04-01", "--end", "2025-04-07"]
EMPTY = ["--start", "2020-01-01", "--end", "2020-01-31"]

#: planted anomaly (demo dataset) -> data-quality rule of the leads report
RULE_OF = {
    "lead_affiliate_without_link": "lead_affiliate_without_link",
    "lead_unknown_link": "lead_unknown_link",
    "lead_unknown_status": "lead_unknown_status",
    "approved_without_commission": "approved_without_commission",
    "commission_on_rejected": "commission_on_non_approved",
    "reviewed_before_created": "reviewed_before_created",
    "likely_duplicate_lead": "likely_duplicate_lead",
    "stale_affiliate_stats": "stale_affiliate_stats",
    "affiliate_without_stats": "affiliate_without_stats",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_endpoint):
    """name -> (CLI result, run directory): three report runs on the session's demo server."""
    plan = {"masked": APRIL, "pii": [*APRIL, "-p", "show_pii", "true"], "empty": EMPTY}
    results = {}
    for name, args in plan.items():
        out = tmp_path_factory.mktemp(name)
        result = cli("run", "leads", "--source", "demo", "--endpoint-url", demo_endpoint, "--output-dir", out, *args)
        results[name] = (result, latest_run_dir(out, "leads") if result.code == 0 else None)
    return results


def _ok(runs, name):
    result, run_dir = runs[name]
    assert result.code == 0, f"{name}: exit {result.code}\n{result.err[-3000:]}"
    return run_dir


def _summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def _soup(run_dir: Path) -> tuple[str, BeautifulSoup]:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def _demo_leads() -> dict[str, dict]:
    return {item["lead_id"]: item for item in build_demo_dataset()["leads"]}


def test_html_name_is_shown_as_text(runs):
    html, soup = _soup(_ok(runs, "masked"))
    assert not [img for img in soup.find_all("img") if img.has_attr("onerror")]
    assert not [tag for tag in soup.find_all(True) if any(a.lower().startswith("on") for a in tag.attrs)]
    assert HTML_NAME in soup.get_text()                      # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    company = '<script>alert("x")</script>'
    assert company not in html and all("alert" not in (s.string or "") for s in soup.find_all("script"))


def test_emails_masked_by_default_and_shown_with_show_pii(runs):
    leads = _demo_leads()
    planted = leads[anomaly("lead_name_html").key["lead_id"]]
    full, masked = planted["email"], planted["email"][0] + "***@" + planted["email"].split("@")[1]

    _, soup = _soup(_ok(runs, "masked"))
    text = soup.get_text()
    assert masked in text and full not in text
    all_emails = {item["email"] for item in leads.values()}
    all_emails |= {item["email"] for item in build_demo_dataset()["affiliate_links"]}
    assert not [e for e in all_emails if e in text]
    assert not re.search(r"[A-Za-z0-9._%+-]{2,}@example\.(com|org|net)", text)

    _, soup = _soup(_ok(runs, "pii"))
    assert full in soup.get_text()


def test_planted_anomalies_in_data_quality(runs):
    run_dir = _ok(runs, "masked")
    quality = _summary(run_dir)["data_quality"]
    text = _soup(run_dir)[1].get_text()
    planted = {a.name for a in ANOMALIES if a.system == "003" and a.table in ("leads", "affiliate_stats",
                                                                              "affiliate_links")}
    assert planted - {"lead_name_html", "lead_company_html"} == set(RULE_OF)
    for name, rule in RULE_OF.items():
        a = anomaly(name)
        assert quality[rule] >= 1, name
        key = next(iter(a.key.values()))
        assert key in text, f"{name}: {key} not listed"
    assert quality["lead_affiliate_without_link"] == 2


def test_affiliate_without_stats_is_listed(runs):
    run_dir = _ok(runs, "masked")
    summary = _summary(run_dir)
    missing = anomaly("affiliate_without_stats").key["affiliate_id"]
    assert summary["affiliates_without_stats"] == [missing]
    stale = anomaly("stale_affiliate_stats").key["affiliate_id"]
    assert [row["affiliate_id"] for row in summary["stats_drift"]] == [stale]
    # the stale row lags: 3 leads, 2 approved, 1 rejected and 175 USD behind the leads
    assert {f: v["drift"] for f, v in summary["stats_drift"][0]["fields"].items()} == {
        "total_leads": -3, "approved": -2, "rejected": -1, "total_commission": -175.0}


def test_summary_keys_and_window_numbers(runs):
    summary = _summary(_ok(runs, "masked"))
    for key in ("lead_count", "by_status", "approval_rate", "commission_approved", "commission_pending",
                "median_hours_to_review", "top_affiliates", "stats_drift", "data_quality", "read_units"):
        assert key in summary, key
    # recount the window from the dataset itself: leads created 2025-04-01 .. 2025-04-07 (UTC)
    window = [i for i in _demo_leads().values() if "2025-04-01" <= i["created_at"][:10] <= "2025-04-07"]
    by_status = {}
    for item in window:
        by_status[item["status"]] = by_status.get(item["status"], 0) + 1
    assert summary["lead_count"] == len(window)
    assert {k: v for k, v in summary["by_status"].items() if v} == by_status
    approved = [i for i in window if i["status"] == "approved"]
    assert summary["commission_approved"] == pytest.approx(float(sum(i.get("commission", 0) for i in approved)))
    reviewed = by_status.get("approved", 0) + by_status.get("rejected", 0)
    assert summary["approval_rate"] == pytest.approx(by_status.get("approved", 0) / reviewed, abs=1e-4)
    assert len(summary["top_affiliates"]) <= 10
    assert set(summary["top_affiliates"][0]) == {"id", "leads", "approved", "commission"}
    assert summary["read_units"] > 0


def test_window_without_leads(runs):
    run_dir = _ok(runs, "empty")
    summary = _summary(run_dir)
    assert summary["lead_count"] == 0
    assert summary["by_status"] == {"pending": 0, "approved": 0, "rejected": 0}
    assert summary["approval_rate"] is None and summary["median_hours_to_review"] is None
    assert summary["commission_approved"] == 0 and summary["top_affiliates"] == []
    # the all-time checks still run: the stale row and the missing row are found
    assert summary["data_quality"]["stale_affiliate_stats"] == 1
    _, soup = _soup(run_dir)
    text = soup.get_text()
    assert "Leads created in the window" in text and "none" in text


def test_bad_parameter_fails_with_a_clear_cause(tmp_path):
    # refused by the run plan before the embedded server or a kernel starts: exit 2, one line, no run
    result = cli("run", "leads", *EMPTY, "-p", "duplicate_days", "-3", "--output-dir", tmp_path / "out")
    assert result.code == 2
    assert result.err.strip().splitlines() == ["dynamo-reports: error: parameter 'duplicate_days': "
                                               "-3 is out of range; use >= 0"]
    assert not (tmp_path / "out").exists()
