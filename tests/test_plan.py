"""The run plan: every check before anything starts, one window for the CLI, runner and notebooks.

All in-process, no server, and no kernel except one test (marked ``kernel``): a bad value must be
refused by ``cli.main`` with exit 2 and one line naming the parameter, and nothing may be written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import papermill
import pytest

from dynamo_reports import cli
from dynamo_reports.exceptions import ConfigError, ParameterError
from dynamo_reports.plan import build_plan, parse_as_of
from dynamo_reports.reporting.parameters import inspect_parameters_cell, parameters_cell_source
from dynamo_reports.reporting.registry import REPORTS, Rule, notebooks_dir

NO_ENV: dict[str, str] = {}


# -- one window ----------------------------------------------------------------------------------

def test_demo_window_is_resolved_against_the_dataset_as_of_with_or_without_an_endpoint():
    # The demo dataset's as-of is 2025-06-30 18:00 UTC. last-30-days = the 30 full days
    # ending yesterday: 2025-06-30 - 30 days = 2025-05-31 .. 2025-06-29.
    embedded = build_plan(["participants"], {"source": "demo"}, environ=NO_ENV)
    local = build_plan(["participants"], {"source": "demo", "endpoint_url": "http://127.0.0.1:8000"},
                       environ=NO_ENV)
    for plan in (embedded, local):
        assert (plan.window.start, plan.window.end) == (date(2025, 5, 31), date(2025, 6, 29))
        assert plan.as_of == datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
        params = plan.parameters["participants"]
        assert (params["start"], params["end"], params["as_of"]) == ("2025-05-31", "2025-06-29",
                                                                    "2025-06-30T18:00:00Z")
    assert embedded.embedded and not local.embedded
    assert local.parameters["participants"]["endpoint_url"] == "http://127.0.0.1:8000"


def test_relative_period_on_aws_uses_today_in_the_report_time_zone():
    # 23:30 UTC on 2026-03-15 is 12:30 on 2026-03-16 in Auckland (UTC+13 in March):
    # yesterday there is 2026-03-15; in UTC it is 2026-03-14.
    now = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    auckland = build_plan(["pnl"], {"source": "aws", "period": "yesterday", "timezone": "Pacific/Auckland"},
                          environ=NO_ENV, now=now)
    utc = build_plan(["pnl"], {"source": "aws", "period": "yesterday"}, environ=NO_ENV, now=now)
    assert auckland.window.start == auckland.window.end == date(2026, 3, 15)
    assert utc.window.start == utc.window.end == date(2026, 3, 14)
    assert auckland.as_of == now


def test_explicit_dates_keep_period_as_label_only():
    plan = build_plan(["pnl"], {"start": "2025-03-01", "end": "2025-03-31"}, environ=NO_ENV)
    assert (plan.window.start, plan.window.end, plan.window.label) == (date(2025, 3, 1), date(2025, 3, 31),
                                                                       "2025-03-01..2025-03-31")


def test_parameters_given_with_p_are_typed_and_only_reach_reports_that_declare_them():
    plan = build_plan(["pnl", "leads"], {}, {"top_n": "3", "tolerance": "0.5"}, environ=NO_ENV)
    assert plan.parameters["leads"]["top_n"] == 3 and "tolerance" not in plan.parameters["leads"]
    assert plan.parameters["pnl"]["tolerance"] == 0.5 and "top_n" not in plan.parameters["pnl"]


def test_common_option_given_with_p_counts_as_the_option():
    plan = build_plan(["pnl"], {}, {"region": "us-east-1"}, environ=NO_ENV)
    assert plan.settings.region == "us-east-1" and plan.parameters["pnl"]["region"] == "us-east-1"
    same = build_plan(["pnl"], {"region": "us-east-1"}, {"region": "us-east-1"}, environ=NO_ENV)
    assert same.settings.region == "us-east-1"
    with pytest.raises(ParameterError) as err:
        build_plan(["pnl"], {"region": "us-east-1"}, {"region": "eu-west-3"}, environ=NO_ENV)
    assert err.value.parameter == "region"


def test_toml_file_values_reach_the_notebook(tmp_path):
    config = tmp_path / "tables.toml"
    config.write_text('env = "prod"\nregion = "us-east-1"\n[tables]\nleads = "leads-live"\n', encoding="utf-8")
    plan = build_plan(["leads"], {"config_file": str(config)}, environ=NO_ENV)
    assert plan.settings.table_name("leads") == "leads-live"
    params = plan.parameters["leads"]
    assert (params["env"], params["region"], params["config_file"]) == ("prod", "us-east-1", str(config))


def test_as_of_forms():
    assert parse_as_of("2026-03-15") == datetime(2026, 3, 15, tzinfo=UTC)
    assert parse_as_of("2026-03-15T09:00:00+01:00") == datetime(2026, 3, 15, 8, tzinfo=UTC)
    assert parse_as_of("2026-03-15T08:00:00Z") == datetime(2026, 3, 15, 8, tzinfo=UTC)
    with pytest.raises(ParameterError):
        parse_as_of("15/03/2026")


# -- bad values: exit 2, one line, nothing written -----------------------------------------------

def _bad_toml(tmp_path: Path) -> str:
    path = tmp_path / "bad.toml"
    path.write_text('[tables]\nleads = "leads-{nope}"\n', encoding="utf-8")
    return str(path)


def _latin1_toml(tmp_path: Path) -> str:
    path = tmp_path / "latin1.toml"
    path.write_bytes('env = "pr\u00e9prod"\n'.encode("latin-1"))
    return str(path)


def _a_file(tmp_path: Path) -> str:
    path = tmp_path / "not-a-dir"
    path.write_text("x", encoding="utf-8")
    return str(path)


BAD_RUNS = [
    # (arguments, the parameter named in the message)
    (["leads", "-p", "duplicate_days", "-3"], "duplicate_days"),
    (["leads", "-p", "top_n", "0"], "top_n"),
    (["leads", "-p", "region", "mars-1"], "region"),
    (["leads", "-p", "source", "xyz"], "source"),
    (["leads", "-p", "config_file", "/nope/tables.toml"], "config_file"),
    (["leads", "-p", "period", "bogus"], "period"),
    (["leads", "--period", ""], "period"),
    (["leads", "--region", ""], "region"),
    (["leads", "--timezone", "Mars/Olympus"], "timezone"),
    (["leads", "--endpoint-url", "http://"], "endpoint_url"),
    (["leads", "--endpoint-url", "http://127.0.0.1:99999"], "endpoint_url"),
    (["leads", "--start", "2025-13-01"], "start"),
    (["leads", "--period", "all", "--start", "2025-01-01"], "period"),
    (["leads", "-p", "nope", "1"], "nope"),
    (["leads", "-p", "summary_path", "/tmp/x.json"], "summary_path"),
    (["leads", "-p", "as_of", "yesterday-ish"], "as_of"),
    (["pnl", "-p", "fee_rates", '{"BNB": -600}'], "fee_rates['BNB']"),
    (["pnl", "-p", "starting_balance", "0"], "starting_balance"),
    (["capacity", "-p", "prices", '{"diamonds": 1}'], "prices"),
    (["capacity", "-p", "scale_factors", "[]"], "scale_factors"),
    (["capacity", "-p", "replay_events", "many"], "replay_events"),
    (["nosuchreport"], "report"),
]


@pytest.mark.parametrize(("argv", "parameter"), BAD_RUNS, ids=[" ".join(a) for a, _ in BAD_RUNS])
def test_bad_run_parameters_exit_2_naming_the_parameter_and_write_nothing(tmp_path, capsys, argv, parameter):
    out = tmp_path / "reports"
    code = cli.main(["run", *argv, "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and f"parameter {parameter!r}" in err, err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("make", [_bad_toml, _latin1_toml])
def test_bad_config_files_exit_2(tmp_path, capsys, make):
    out = tmp_path / "reports"
    code = cli.main(["run", "pnl", "--config", make(tmp_path), "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert not out.exists()


def test_output_dir_that_is_a_file_exits_2(tmp_path, capsys):
    code = cli.main(["run", "pnl", "--output-dir", _a_file(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "parameter 'output_dir'" in err, err


def test_unknown_placeholder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        build_plan(["leads"], {"config_file": _bad_toml(tmp_path)}, environ=NO_ENV)
    assert err.value.key == "tables.leads"


# -- rules and parameters cells ----------------------------------------------------------------

def test_rules():
    Rule(at_least=0).check("n", 0)
    Rule(each=Rule(above=0)).check("rates", {"BNB": 600.0})
    Rule(choices=("a", "b")).check("c", "a")
    cases = [(Rule(at_least=0), -1), (Rule(above=0), 0), (Rule(at_most=1), 1.5), (Rule(at_least=0), float("nan")),
             (Rule(at_least=0), True), (Rule(choices=("a",)), "b"), (Rule(not_empty=True), ""),
             (Rule(each=Rule(above=0)), [1, 0])]
    for rule, value in cases:
        with pytest.raises(ParameterError):
            rule.check("x", value)


def test_every_rule_names_a_parameter_its_notebook_declares():
    for rdef in REPORTS.values():
        declared = {d["name"] for d in inspect_parameters_cell(parameters_cell_source(rdef.notebook_path()))}
        assert set(rdef.rules) <= declared, rdef.name


@pytest.mark.parametrize("notebook", sorted(p.name for p in notebooks_dir().glob("*.ipynb")))
def test_parameters_cell_is_read_as_papermill_reads_it(notebook):
    path = notebooks_dir() / notebook
    ours = {d["name"]: d for d in inspect_parameters_cell(parameters_cell_source(path))}
    theirs = papermill.inspect_notebook(str(path))
    assert list(ours) == list(theirs)
    for name, info in theirs.items():
        for key in ("default", "inferred_type_name", "help"):
            assert str(ours[name][key] or "") == str(info.get(key) or ""), (name, key)


# -- start-up ------------------------------------------------------------------------------------

def test_importing_the_package_and_listing_load_neither_boto3_nor_papermill():
    code = ("import sys, io, contextlib\n"
            "import dynamo_reports, dynamo_reports.capacity, dynamo_reports.plan\n"
            "from dynamo_reports import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert cli.main(['list']) == 0\n"
            "heavy = sorted(m for m in ('boto3', 'botocore', 'papermill', 'nbformat', 'nbconvert', 'moto',\n"
            "                           'dynamo_reports.systems.trading') if m in sys.modules)\n"
            "print(heavy)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().replace("'", '"')) == []


# -- secrets in the endpoint URL -----------------------------------------------------------------

SECRET_URL = "http://demo-user:hunter2@127.0.0.1:9/?token=s3cr3t"


def test_an_endpoint_url_with_secrets_reaches_kernels_through_the_environment_only():
    plan = build_plan(["pnl"], {"source": "aws", "endpoint_url": SECRET_URL}, environ=NO_ENV)
    assert plan.settings.endpoint_url == SECRET_URL  # the connection made here still uses it
    assert plan.parameters["pnl"]["endpoint_url"] == ""  # the stored notebook parameter does not
    assert plan.kernel_env == {"AWS_ENDPOINT_URL_DYNAMODB": SECRET_URL}
    plain = build_plan(["pnl"], {"source": "aws", "endpoint_url": "http://127.0.0.1:9"}, environ=NO_ENV)
    assert plain.parameters["pnl"]["endpoint_url"] == "http://127.0.0.1:9" and plain.kernel_env == {}


@pytest.mark.kernel  # runs the fixture notebook in a real kernel (make test, not make test-fast)
def test_a_failed_run_quoting_a_secret_endpoint_leaves_no_secret_in_any_file(tmp_path):
    from dynamo_reports.exceptions import ReportError
    from dynamo_reports.reporting.registry import ReportDef
    from dynamo_reports.reporting.runner import run_report

    fixtures = Path(__file__).parent / "fixtures" / "notebooks"
    leaky = {"leaky": ReportDef("leaky", "leaky_report.ipynb", "Leaky report", "fixture")}
    plan = build_plan(["leaky"], {"source": "aws", "endpoint_url": SECRET_URL}, registry=leaky,
                      notebooks_dir=fixtures, environ=NO_ENV)
    out = tmp_path / "reports"
    with pytest.raises(ReportError) as err:
        run_report("leaky", output_dir=out, reports=leaky, notebooks_dir=fixtures, plan=plan)
    assert "hunter2" not in str(err.value) and "s3cr3t" not in str(err.value)
    # the kernel did get the URL (its error quotes the host), and every file says it without secrets
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"report.ipynb", "report.html", "run.json", "index.html"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    assert "Could not connect to the endpoint URL" in texts["report.ipynb"]
    assert "http://127.0.0.1:9/" in texts["report.ipynb"]
    for name, text in texts.items():
        assert "hunter2" not in text and "s3cr3t" not in text and "demo-user" not in text, name


def test_window_selection_is_half_open_and_leaves_missing_times_out():
    import pandas as pd

    from dynamo_reports.analytics.window import in_window

    times = pd.Series(pd.to_datetime(["2025-06-01T00:00:00Z", "2025-06-01T23:59:59Z", "2025-06-02T00:00:00Z", None],
                                     utc=True))
    lo, hi = pd.Timestamp("2025-06-01", tz="UTC"), pd.Timestamp("2025-06-02", tz="UTC")
    # [lo, hi): the first two are in, midnight of the 2nd is the first instant outside, NaT never counts
    assert in_window(times, lo, hi).tolist() == [True, True, False, False]
    assert in_window(times).tolist() == [True, True, True, False]
    assert in_window(times, hi=lo).tolist() == [False, False, False, False]


def test_cost_section_says_how_many_attempts_were_throttled(monkeypatch):
    import pandas as pd

    from dynamo_reports import notebook
    from dynamo_reports.config import Settings

    class Meter:
        def totals(self):
            return {"requests": 4, "items_returned": 10, "read_units": 2.5, "throttled": 3}

        def by_table(self):
            return pd.DataFrame({"operation": ["Query"], "read_units": [2.5]})

    class Conn:
        meter = Meter()

    shown: list[str] = []
    monkeypatch.setattr(notebook, "_markdown", shown.append)
    monkeypatch.setattr(notebook, "_html", lambda _text: None)
    ctx = notebook.ReportContext(name="pnl", title="P&L", settings=Settings(source="aws"), conn=Conn(),  # type: ignore[arg-type]
                                 tables=[], start=None, end=None, period="all", timezone="UTC",
                                 as_of=pd.Timestamp("2025-06-30T18:00:00Z"))
    ctx.cost()
    assert "DynamoDB throttled 3 attempt(s)" in shown[0] and "**2.5 read request units**" in shown[0]
    Meter.totals = lambda self: {"requests": 4, "items_returned": 10, "read_units": 2.5, "throttled": 0}
    shown.clear()
    ctx.cost()
    assert "throttled" not in shown[0]
