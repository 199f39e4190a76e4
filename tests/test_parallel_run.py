"""``dynamo-reports run --all`` with several reports at once (``--jobs``).

One parallel ``run --all`` (in-process, with its own embedded demo server) on a notebooks
directory of its own (``DYNAMO_REPORTS_NOTEBOOKS``) holding two cheap real reports (``leads``,
``support``) and a notebook that raises, under the ``pnl`` report's name. The one-after-the-other
reference is the session's demo run (``demo_reports``), which ran the same notebooks on the same
data.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.cli import main
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.plan import build_plan
from dynamo_reports.reporting.registry import REPORTS
from dynamo_reports.reporting.runner import run_reports
from harness import CliResult, cli

ROOT = Path(__file__).resolve().parents[1]
FAILING_NB = Path(__file__).parent / "fixtures" / "notebooks" / "failing_report.ipynb"
CHEAP = ("leads", "support")


def _run_all(tmp: Path, names: tuple[str, ...], *extra: str,
             failing: str | None = None) -> tuple[Path, CliResult]:
    """``run --all`` over a notebooks directory holding the real notebooks of ``names``
    (and the raising fixture notebook as ``failing``'s)."""
    nbdir = tmp / "notebooks"
    nbdir.mkdir(parents=True)
    for name in names:
        notebook = REPORTS[name].notebook
        shutil.copy(ROOT / "notebooks" / notebook, nbdir / notebook)
    if failing:
        shutil.copy(FAILING_NB, nbdir / REPORTS[failing].notebook)
    out = tmp / "reports"
    result = cli("run", "--all", "--source", "demo", "--output-dir", out, *extra,
                 env={"DYNAMO_REPORTS_NOTEBOOKS": str(nbdir)})
    return out, result


def _runs(out: Path, report: str) -> list[Path]:
    return sorted(d for d in (out / report).iterdir() if d.is_dir() and not d.name.startswith("."))


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    return _run_all(tmp_path_factory.mktemp("parallel"), CHEAP, "--jobs", "3", failing="pnl")


@pytest.mark.kernel
def test_reports_at_once_give_the_summaries_of_one_after_the_other(parallel, demo_reports):
    par_out, _ = parallel
    for name in CHEAP:
        [par_run], seq_run = _runs(par_out, name), _runs(demo_reports, name)[-1]
        par_summary = json.loads((par_run / "summary.json").read_text(encoding="utf-8"))
        seq_summary = json.loads((seq_run / "summary.json").read_text(encoding="utf-8"))
        assert par_summary == seq_summary, name
        assert par_summary["read_units"] > 0  # both really read the (shared, seeded once) tables


@pytest.mark.kernel
def test_the_three_reports_start_before_any_ends(parallel):
    """Three jobs, three reports: all three are handed to a worker before the first result is
    awaited, so the three start lines come first on stdout (in plan order: pnl, leads, support)."""
    _, proc = parallel
    lines = proc.out.splitlines()
    assert lines[:3] == ["[1/3] pnl: running…", "[2/3] leads: running…", "[3/3] support: running…"]
    ended = [line.split(":")[0] for line in lines[3:] if line.endswith(" s)")]
    assert sorted(ended) == ["leads", "support"]  # a line with its time as each good report ends
    assert any(line.startswith("total: ") and line.endswith("for 3 report(s), 3 at once") for line in lines)
    assert proc.err.count("starting the embedded DynamoDB") == 1  # one server for the three


@pytest.mark.kernel
def test_a_failing_report_fails_alone(parallel):
    out, proc = parallel
    assert proc.code == 1  # a report failed (README "exit codes")
    failed_lines = [line for line in proc.err.splitlines() if "FAILED" in line]
    assert len(failed_lines) == 1 and failed_lines[0].startswith("dynamo-reports: pnl: FAILED after ")
    assert "ValueError" in failed_lines[0] and "executed notebook kept in" in failed_lines[0]
    [pnl_run] = _runs(out, "pnl")
    assert json.loads((pnl_run / "run.json").read_text(encoding="utf-8"))["status"] == "failed"
    assert (pnl_run / "report.ipynb").is_file() and not (out / "pnl" / "latest.html").exists()
    for name in CHEAP:
        [run] = _runs(out, name)
        assert json.loads((run / "run.json").read_text(encoding="utf-8"))["status"] == "ok"
        assert (out / name / "latest.html").is_file()
    # the index, written once at the end, lists the three runs: one failed, two good
    rows = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser").select("table.runs tbody tr")
    assert sorted(row["class"][0] for row in rows) == ["run-failed", "run-ok", "run-ok"]
    assert not list(out.glob("*/.*.partial"))


@pytest.mark.parametrize("value", ["0", "x", "-2", "1.5"])
def test_a_bad_jobs_value_is_one_line_exit_2_before_anything(value, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--all", "--jobs", value, "--output-dir", str(out)])
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "--jobs" in captured.err and repr(value) in captured.err
    assert captured.out == "" and not out.exists()


@pytest.mark.parametrize("jobs", [0, -1, 2.0, "2", True, None])
def test_run_reports_refuses_a_bad_jobs_before_running(jobs, tmp_path):
    plan = build_plan(["leads"], {"source": "demo"})
    with pytest.raises(ParameterError, match="'jobs'"):
        run_reports(plan, tmp_path / "out", jobs=jobs)
    assert not (tmp_path / "out").exists()
