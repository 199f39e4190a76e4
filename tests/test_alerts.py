"""Alert rules: parsed and validated with the run plan (exit 2 before anything runs), evaluated on
a summary, recorded in run.json and marked in the index.

Everything in-process; one run of the small fixture notebook (no DynamoDB) for the runner.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports import cli
from dynamo_reports.alerts import AlertRule, data_quality_total, evaluate, fired, parse_rules, resolve
from dynamo_reports.exceptions import ConfigError
from dynamo_reports.plan import build_plan
from dynamo_reports.reporting import run_report
from dynamo_reports.reporting.index import render_index
from dynamo_reports.reporting.registry import REPORTS, ReportDef

NO_ENV: dict[str, str] = {}
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

# -- parsing -------------------------------------------------------------------------------------


def test_rules_of_the_issue_are_parsed():
    rules = parse_rules({"pnl.max_drawdown_pct": "> 5", "capacity.within_budget": "== false",
                         "participants.data_quality.total": "> 0"})
    assert rules == (AlertRule("pnl", ("max_drawdown_pct",), ">", 5.0),
                     AlertRule("capacity", ("within_budget",), "==", False),
                     AlertRule("participants", ("data_quality", "total"), ">", 0.0))
    assert [str(r) for r in rules] == ["pnl.max_drawdown_pct > 5", "capacity.within_budget == false",
                                       "participants.data_quality.total > 0"]


def test_nested_toml_tables_bare_values_and_every_operator():
    # pnl.max_drawdown_pct = "> 5" unquoted in TOML is a nested table
    rules = parse_rules({"pnl": {"max_drawdown_pct": ">=5", "by_symbol": {"BTCUSDT": {"realized_pnl": "< -100"}},
                                 "quote_asset": '!= "USDT"', "trade_count": 0},
                         "capacity": {"within_budget": False, "total_monthly_cost": "<= 2.5"},
                         "support": {"median_minutes_to_first_reply": "!= null"}})
    assert [(r.key, r.op, r.threshold) for r in rules] == [
        ("pnl.max_drawdown_pct", ">=", 5.0), ("pnl.by_symbol.BTCUSDT.realized_pnl", "<", -100.0),
        ("pnl.quote_asset", "!=", "USDT"), ("pnl.trade_count", "==", 0.0),
        ("capacity.within_budget", "==", False), ("capacity.total_monthly_cost", "<=", 2.5),
        ("support.median_minutes_to_first_reply", "!=", None)]


@pytest.mark.parametrize(("rules", "words"), [
    ({"nope.total": "> 1"}, ["unknown report 'nope'", "known reports: pnl"]),
    ({"pnl.max_drawdown_percent": "> 5"}, ["no summary key 'max_drawdown_percent'", "max_drawdown_pct"]),
    ({"pnl": "> 5"}, ["name a summary value"]),
    ({"pnl.win_rate": "=> 0.5"}, ["does not start with an operator"]),
    ({"pnl.win_rate": "~ 0.5"}, ["does not start with an operator"]),
    ({"pnl.win_rate": ">"}, ["no threshold"]),
    ({"pnl.win_rate": "> lots"}, ["'lots' is not a number"]),
    ({"pnl.win_rate": "> nan"}, ["not a finite number"]),
    ({"capacity.within_budget": "> false"}, ["compares numbers"]),
    ({"pnl.win_rate": ["> 1"]}, ["expected a rule"]),
])
def test_bad_rules_are_refused_naming_the_rule(rules, words):
    with pytest.raises(ConfigError) as err:
        parse_rules(rules)
    key = next(iter(rules))
    assert err.value.key.startswith(f"alerts.{key}")
    for word in words:
        assert word in str(err.value)


def test_a_report_that_declares_no_vocabulary_takes_no_rules():
    with pytest.raises(ConfigError, match="declares no summary keys"):
        parse_rules({"x.total": "> 1"}, {"x": ReportDef("x", "x.ipynb", "X", "-")})


def test_every_report_declares_its_vocabulary_with_the_common_keys():
    for rdef in REPORTS.values():
        assert {"as_of", "data_quality", "read_units", "source", "window"} <= set(rdef.summary_keys), rdef.name
        assert set(rdef.headline_keys) <= set(rdef.summary_keys), rdef.name
        assert set(rdef.units) <= set(rdef.summary_keys), rdef.name


# -- evaluation ----------------------------------------------------------------------------------

# A pnl-like summary, values chosen by hand
SUMMARY = {
    "max_drawdown_pct": 5.25, "win_rate": 0.5, "quote_asset": "USDT", "trade_count": 0,
    "by_symbol": {"BTCUSDT": {"realized_pnl": -120.0}},
    # data_quality.total = 1 + 0 + 2 = 3 (the boolean is not a count)
    "data_quality": {"missing_price": 1, "bad_pnl": 0, "duplicate_order_id": 2, "checked": True},
}


def test_rules_fire_and_do_not_fire():
    rules = parse_rules({"pnl.max_drawdown_pct": "> 5",          # 5.25 > 5: fires
                         "pnl.win_rate": "< 0.5",                  # 0.5 < 0.5: no
                         "pnl.by_symbol.BTCUSDT.realized_pnl": "< -100",   # -120 < -100: fires
                         "pnl.by_symbol.ETHUSDT.realized_pnl": "< -100",   # no ETHUSDT: missing
                         "pnl.data_quality.total": ">= 3",         # 3 >= 3: fires
                         "pnl.quote_asset": "> 1",                 # text against a number
                         "pnl.trade_count": 0,                     # == 0: fires
                         "capacity.within_budget": "== false"})    # another report: skipped
    outcomes = evaluate(rules, "pnl", SUMMARY)
    assert [(o.rule.key, o.status) for o in outcomes] == [
        ("pnl.max_drawdown_pct", "fired"), ("pnl.win_rate", "ok"),
        ("pnl.by_symbol.BTCUSDT.realized_pnl", "fired"), ("pnl.by_symbol.ETHUSDT.realized_pnl", "missing"),
        ("pnl.data_quality.total", "fired"), ("pnl.quote_asset", "incomparable"), ("pnl.trade_count", "fired")]
    assert [o.message for o in fired(outcomes)] == [
        "pnl.max_drawdown_pct = 5.25 (rule: > 5)", "pnl.by_symbol.BTCUSDT.realized_pnl = -120 (rule: < -100)",
        "pnl.data_quality.total = 3 (rule: >= 3)", "pnl.trade_count = 0 (rule: == 0)"]
    assert outcomes[3].message == "pnl.by_symbol.ETHUSDT.realized_pnl = (not in the summary) (rule: < -100)"


def test_booleans_null_and_text():
    rules = parse_rules({"capacity.within_budget": "== false", "capacity.missing_tables": "!= null",
                         "capacity.cheapest_plan": '== "provisioned"', "capacity.monthly_budget": "== true"})
    summary = {"within_budget": False, "missing_tables": None, "cheapest_plan": "provisioned", "monthly_budget": 1}
    statuses = [o.status for o in evaluate(rules, "capacity", summary)]
    # false == false fires; null != null does not; equal texts fire; the number 1 is not the boolean true
    assert statuses == ["fired", "ok", "fired", "incomparable"]
    assert evaluate(rules[:1], "capacity", {"within_budget": True})[0].status == "ok"


def test_data_quality_total_is_a_sum_of_counts_unless_the_summary_has_one():
    assert data_quality_total({"a": 1, "b": 2.5, "nested": {"c": 4}, "rows": [9], "flag": True}) == 7.5
    assert data_quality_total(None) is None
    assert resolve({"data_quality": {"total": 42, "a": 1}}, ("data_quality", "total")) == 42
    assert resolve({"data_quality": {}}, ("data_quality", "total")) == 0


# -- with the run plan ---------------------------------------------------------------------------

def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_carries_the_rules_of_the_selected_reports(tmp_path):
    config = _toml(tmp_path, '[alerts]\n"pnl.max_drawdown_pct" = "> 5"\n"capacity.within_budget" = "== false"\n'
                             'participants.data_quality.total = "> 0"\n')
    plan = build_plan(["pnl", "participants"], {"config_file": str(config)}, environ=NO_ENV)
    assert [str(r) for r in plan.alerts] == ["pnl.max_drawdown_pct > 5", "participants.data_quality.total > 0"]
    more = build_plan(["pnl"], {}, environ=NO_ENV, alerts={"pnl.win_rate": "< 0.4"})
    assert [str(r) for r in more.alerts] == ["pnl.win_rate < 0.4"]
    assert build_plan(["pnl"], {}, environ=NO_ENV).alerts == ()


def test_a_bad_rule_for_a_report_not_selected_is_still_refused(tmp_path):
    config = _toml(tmp_path, '[alerts]\n"capacity.within_budget" = "=== false"\n')
    with pytest.raises(ConfigError, match="alerts.toml: .*capacity.within_budget"):
        build_plan(["pnl"], {"config_file": str(config)}, environ=NO_ENV)


def test_alerts_must_be_a_table(tmp_path):
    config = _toml(tmp_path, 'alerts = "pnl.win_rate > 1"\n')
    with pytest.raises(ConfigError, match=r"\[alerts\] must be a table"):
        build_plan(["pnl"], {"config_file": str(config)}, environ=NO_ENV)


@pytest.mark.parametrize(("rule", "words"), [
    ('"pnl.no_such_key" = "> 5"', "no summary key 'no_such_key'"),
    ('"pnl.win_rate" = "about 5"', "does not start with an operator"),
    ('"nope.win_rate" = "> 5"', "unknown report 'nope'"),
])
def test_cli_exits_2_before_anything_runs(tmp_path, capsys, rule, words):
    config = _toml(tmp_path, f"[alerts]\n{rule}\n")
    out = tmp_path / "reports"
    code = cli.main(["run", "pnl", "--config", str(config), "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert "starting the embedded" not in err and not out.exists()


# -- in the index --------------------------------------------------------------------------------

def test_index_marks_a_run_whose_rules_fired():
    runs = [
        {"report": "pnl", "run_id": "2", "status": "ok", "started": "2026-03-15T09:00:00Z", "_dir": "pnl/2",
         "alerts": [{"key": "pnl.win_rate", "status": "ok", "message": "pnl.win_rate = 0.6 (rule: < 0.5)"},
                    {"key": "pnl.max_drawdown_pct", "status": "fired",
                     "message": "pnl.max_drawdown_pct = 7 (rule: > 5) <b>"}]},
        {"report": "pnl", "run_id": "1", "status": "ok", "started": "2026-03-15T08:00:00Z", "_dir": "pnl/1",
         "alerts": [{"key": "pnl.win_rate", "status": "ok", "message": "pnl.win_rate = 0.6 (rule: < 0.5)"}]},
    ]
    soup = BeautifulSoup(render_index(runs, latest={"pnl": "pnl/latest.html"}), "html.parser")
    rows = soup.select("table.runs tbody tr")
    assert "run-alert" in rows[0]["class"] and "run-alert" not in rows[1]["class"]
    assert rows[0].select_one(".status-alert").get_text() == "ALERT"
    assert [li.get_text() for li in rows[0].select("ul.alerts li")] == ["pnl.max_drawdown_pct = 7 (rule: > 5) <b>"]
    assert rows[1].select(".status-alert") == []
    assert soup.select_one("table.latest .status-alert").get_text() == "ALERT"  # the last run alerted


# -- in the runner (one run of the fixture notebook) ---------------------------------------------

SAMPLE = ReportDef("sample", "sample_report.ipynb", "Sample report", "fixture",
                   ("realized_pnl", "trade_count", "win_rate"),
                   summary_keys=("realized_pnl", "trade_count", "win_rate", "rates", "names", "as_of",
                                 "kernel_python"))


@pytest.mark.kernel  # runs the fixture notebook in a real kernel (make test, not make test-fast)
def test_runner_records_outcomes_marks_the_index_and_still_updates_latest(tmp_path):
    # The fixture notebook's summary: realized_pnl = 1.5 + 2.0 = 3.5, trade_count = 2 rows,
    # rates = {"BNB": 600.0} (its default parameter).
    registry = {"sample": SAMPLE}
    plan = build_plan(["sample"], {"period": "all"}, registry=registry, notebooks_dir=FIXTURES, environ=NO_ENV,
                      alerts={"sample.realized_pnl": "> 3",      # 3.5 > 3: fires
                              "sample.trade_count": ">= 3",      # 2 >= 3: no
                              "sample.rates.BNB": "== 600",      # fires
                              "sample.rates.XRP": "> 0"})        # missing
    result = run_report("sample", output_dir=tmp_path, plan=plan, reports=registry, notebooks_dir=FIXTURES)
    assert result.ok
    assert [o.rule.key for o in result.fired_alerts] == ["sample.realized_pnl", "sample.rates.BNB"]
    record = json.loads((result.run_dir / "run.json").read_text())
    assert [(a["key"], a["status"], a["value"]) for a in record["alerts"]] == [
        ("sample.realized_pnl", "fired", 3.5), ("sample.trade_count", "ok", 2),
        ("sample.rates.BNB", "fired", 600.0), ("sample.rates.XRP", "missing", None)]
    # a run whose rules fired is a good run: latest.html is its report
    latest = (tmp_path / "sample" / "latest.html").read_bytes()
    # the same report; only its link back to the index is one directory shorter
    assert latest == result.html_path.read_bytes().replace(b'href="../../index.html"', b'href="../index.html"', 1)
    soup = BeautifulSoup((tmp_path / "index.html").read_text(), "html.parser")
    [row] = soup.select("table.runs tbody tr")
    assert "run-alert" in row["class"] and "run-ok" in row["class"]
    assert [li.get_text() for li in row.select("ul.alerts li")] == [
        "sample.realized_pnl = 3.5 (rule: > 3)", "sample.rates.BNB = 600 (rule: == 600)"]
