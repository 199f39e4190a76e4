"""Run one report: validate, execute with papermill, export HTML, record, index.

Output layout (``output_dir`` defaults to ``reports``)::

    <output_dir>/index.html                       every run, newest first
    <output_dir>/<report>/latest.html             copy of the newest successful report.html
    <output_dir>/<report>/<run-id>/report.html    offline HTML (no code, no parameters)
    <output_dir>/<report>/<run-id>/report.ipynb   the executed notebook
    <output_dir>/<report>/<run-id>/summary.json   written by the notebook at ``summary_path``
    <output_dir>/<report>/<run-id>/run.json       status, times, window, parameters, headlines

The run id is the start time in UTC, ``20261126T081500Z`` (``-2``, ``-3`` ... appended if
taken). The run is executed in a hidden ``.<run-id>.partial`` directory that is renamed to
``<run-id>`` only once everything is written, so a crash never leaves half a run (a crashed
run's partial directory is removed, and the index ignores dot-directories).

Parameters are validated against the notebook's ``parameters`` cell before anything is
created (:func:`validate_parameters`). ``summary_path`` is set by the runner.

A notebook that raises (papermill's ``PapermillExecutionError``) — or a kernel that dies, or
a notebook that finishes without writing ``summary.json`` — makes a *failed* run: the
executed notebook and its HTML (the failing cell's traceback visible) are kept, ``run.json``
records the error, ``latest.html`` is left alone, the index is updated, and
:class:`ReportError` is raised with ``run_dir`` set (and ``result``, the :class:`RunResult`).

Alert rules (``plan.alerts``, :mod:`dynamo_reports.alerts`) are evaluated on the summary of a
good run; ``run.json`` records every outcome under ``alerts`` and the index marks a run whose
rules fired "ALERT". Such a run is still a good one: it replaces ``latest.html``.

Several reports (:func:`run_reports`): up to ``jobs`` at once, each in its own worker process
(``spawn``: papermill changes the process's working directory and nbclient runs its own event
loop, neither safe to share between threads, and a fork of a process running the embedded
server's threads is not safe either). Each run's directory is written atomically as above; the
index is written once, by the calling process, when every report has finished.

Kernel: papermill starts the kernel named in the notebook's kernelspec (``python3``).
jupyter_client runs the native ``python3`` kernel with ``sys.executable``, i.e. the
interpreter running this code (the project's virtualenv). A user-level ``python3``
kernelspec pointing at another interpreter would win; pass ``kernel_name`` then. Where
jupyter_client and pyzmq support it, the kernel's channels are CurveZMQ-encrypted
(``KernelManager.transport_encryption = "auto"``), which also silences ipykernel's
"running over TCP without encryption" warning on stderr. A kernel the caller started early for
the run (``kernel=``, :mod:`~dynamo_reports.reporting.kernels`: the same kernelspec, directory,
environment and encryption) is used instead when it is the one the run needs.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import lean_jsonschema  # noqa: F401  (before papermill: keeps rfc3987-syntax from loading)

# isort: split

import papermill
from papermill.exceptions import PapermillExecutionError, strip_color

from .. import __version__
from ..alerts import AlertOutcome, evaluate
from ..exceptions import ParameterError, ReportError
from ..plan import RunPlan, build_plan
from ..redaction import SENSITIVE_NAME, redact, redact_text, redact_url
from .engine import ENGINE_NAME
from .export import export_html
from .index import write_index
from .kernels import EarlyKernel, kernel_config, kernel_environment
from .parameters import COMMON_PARAMETERS, notebook_parameters
from .registry import REPORTS, ReportDef, get_report
from .registry import notebooks_dir as default_notebooks_dir
from .summary import atomic_write_bytes, atomic_write_text, read_summary, to_jsonable
from .worker import ReportOutcome, run_in_worker, worker_init, worker_log_levels

__all__ = ["ReportOutcome", "RunResult", "run_report", "run_reports", "safe_parameters"]

RUNNER_PARAMETERS = ("summary_path",)
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SAFE_NAMES = frozenset(COMMON_PARAMETERS) - set(RUNNER_PARAMETERS)
REDACTED = "<redacted>"
#: environment variables a kernel gets from the plan (a secret-bearing endpoint URL)


@dataclass
class RunResult:
    """What one report run produced."""

    report: str
    run_id: str
    status: str  # "ok" | "failed"
    run_dir: Path
    html_path: Path | None
    summary: dict[str, Any] | None
    error: str | None
    started: datetime
    finished: datetime
    notebook_path: Path | None = None
    latest_path: Path | None = None
    error_detail: dict[str, Any] | None = field(default=None, repr=False)
    #: the plan's alert rules for this report, evaluated on its summary (a good run only)
    alerts: list[AlertOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def fired_alerts(self) -> list[AlertOutcome]:
        """The alert rules that fired (the run is still a good one: latest.html is updated)."""
        return [o for o in self.alerts if o.fired]

    @property
    def duration_s(self) -> float:
        return (self.finished - self.started).total_seconds()


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _one_line(text: Any, limit: int = 300) -> str:
    line = " ".join(redact_text(strip_color(str(text))).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def safe_parameters(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters fit for run.json: secrets dropped, unknown strings redacted.

    A name containing key/secret/token/password/credential is dropped. The common
    parameters keep their values (``endpoint_url`` without user-info or query). Other
    parameters keep numbers, booleans and ``None``; any other value is ``"<redacted>"``.
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in RUNNER_PARAMETERS or SENSITIVE_NAME.search(name):
            continue
        if name == "endpoint_url" and isinstance(value, str) and value:
            out[name] = redact_url(value)
        elif name in _SAFE_NAMES or value is None or isinstance(value, (bool, int, float)):
            out[name] = value
        else:
            out[name] = REDACTED
    return out


STALE_PARTIAL_SECONDS = 24 * 3600  # no report run takes a day: an older .partial was killed


def remove_stale_partials(report_dir: Path, *, now: float | None = None) -> list[Path]:
    """Delete ``.<run-id>.partial`` directories left by runs killed hard (SIGKILL, power loss).

    Only those untouched for a day: a younger one may belong to a run still in progress.
    """
    now = time.time() if now is None else now
    removed = []
    for partial in report_dir.glob(".*.partial"):
        try:
            if partial.is_dir() and now - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(partial)
                removed.append(partial)
        except OSError:
            continue
    return removed


def _reserve_run_dir(report_dir: Path, base_id: str) -> tuple[str, Path]:
    """Pick a free run id (``base``, ``base-2``, ...) and create its ``.partial`` directory."""
    for n in itertools.count(1):
        run_id = base_id if n == 1 else f"{base_id}-{n}"
        final = report_dir / run_id
        partial = report_dir / f".{run_id}.partial"
        if final.exists():
            continue
        try:
            partial.mkdir()
        except FileExistsError:
            continue
        if final.exists():  # lost a race with a run that just finished
            partial.rmdir()
            continue
        return run_id, partial
    raise AssertionError("unreachable")  # pragma: no cover


def _window(plan: RunPlan, summary: Mapping[str, Any] | None) -> dict[str, Any]:
    """The window the notebook reports (its summary's), else the one the plan resolved."""
    if summary and isinstance(summary.get("window"), Mapping):
        w = summary["window"]
        return {k: w.get(k) for k in ("start", "end", "label", "timezone")}
    return plan.window.to_dict()


def _headlines(rdef: ReportDef, summary: Mapping[str, Any] | None) -> dict[str, Any]:
    if not summary:
        return {}
    out: dict[str, Any] = {}
    for key in rdef.headline_keys:
        value = summary.get(key)
        if value is None or isinstance(value, (bool, int, float, str)):
            out[key] = value
    return out


def _newest_ok_run(report_dir: Path) -> str | None:
    best: tuple[str, str] | None = None
    for run_file in report_dir.glob("*/run.json"):
        if run_file.parent.name.startswith("."):
            continue
        try:
            record = json.loads(run_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict) or record.get("status") != "ok":
            continue
        key = (str(record.get("started", "")), run_file.parent.name)
        if best is None or key > best:
            best = key
    return best[1] if best else None


def redact_notebook(path: Path) -> None:
    """Redact what an executed notebook says about its settings and errors: papermill's
    metadata, the injected-parameters cell, error outputs and stream text. Data shown by
    the report (tables, charts) is left as it is: it is escaped and masked where it is made."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    original = json.dumps(nb, sort_keys=True)
    metadata = nb.get("metadata", {})
    if "papermill" in metadata:
        metadata["papermill"] = redact(metadata["papermill"])
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = redact(cell.get("source", ""))
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") in ("error", "stream"):
                said = {k: v for k, v in output.items() if k in ("ename", "evalue", "traceback", "text")}
                output.update(redact(said))
    if json.dumps(nb, sort_keys=True) != original:
        atomic_write_text(path, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


#: the report's link back to the index, from ``<report>/<run-id>/report.html`` and from ``<report>/latest.html``
RUN_BACK_LINK = b'<p class="dr-back"><a href="../../index.html">'
LATEST_BACK_LINK = b'<p class="dr-back"><a href="../index.html">'


def latest_copy(report_html: bytes) -> bytes:
    """``latest.html``: the run's report, its link back to the index made relative to ``<report>/``."""
    return report_html.replace(RUN_BACK_LINK, LATEST_BACK_LINK, 1)


def run_report(
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    output_dir: str | os.PathLike[str] = "reports",
    run_id: str | None = None,
    now: datetime | None = None,
    kernel_name: str | None = None,
    reports: Mapping[str, ReportDef] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    start_timeout: int = 60,
    execution_timeout: int | None = None,
    plan: RunPlan | None = None,
    update_index: bool = True,
    kernel: EarlyKernel | None = None,
) -> RunResult:
    """Execute report ``name`` with ``params`` and export it; see the module docstring.

    ``plan`` is the validated run plan (:func:`~dynamo_reports.plan.build_plan`; the CLI
    builds one for every report it runs); without it one is built here from ``params``.
    ``reports`` replaces the registry (tests), ``notebooks_dir`` the notebooks directory,
    ``now`` the clock (run id and start time). ``update_index=False`` leaves ``index.html``
    to the caller (:func:`run_reports` writes it once for all its reports). ``kernel``: a kernel
    started early for this run (:func:`~dynamo_reports.reporting.kernels.start_early`), used if it
    is the one the run needs, and shut down either way. Raises
    :class:`ParameterError` before anything is written, :class:`ReportError` for a failed run
    (after recording it).
    """
    try:
        return _run_report(name, params, output_dir=output_dir, run_id=run_id, now=now, kernel_name=kernel_name,
                           reports=reports, notebooks_dir=notebooks_dir, start_timeout=start_timeout,
                           execution_timeout=execution_timeout, plan=plan, update_index=update_index, kernel=kernel)
    finally:
        if kernel is not None:  # used: already shut down by the engine; not used (refused, failed early): now
            kernel.shutdown()


def _run_report(name: str, params: Mapping[str, Any] | None, *, output_dir: str | os.PathLike[str], run_id: str | None,
                now: datetime | None, kernel_name: str | None, reports: Mapping[str, ReportDef] | None,
                notebooks_dir: str | os.PathLike[str] | None, start_timeout: int, execution_timeout: int | None,
                plan: RunPlan | None, update_index: bool, kernel: EarlyKernel | None) -> RunResult:
    registry = REPORTS if reports is None else reports
    rdef = get_report(name, registry)
    nb_dir = Path(notebooks_dir).expanduser().resolve() if notebooks_dir is not None else default_notebooks_dir()
    nb_path = rdef.notebook_path(nb_dir)
    if not nb_path.is_file():
        raise ReportError(name, f"notebook {nb_path} not found (this report is not available yet)")
    if run_id is not None and not _RUN_ID_RE.match(run_id):
        raise ParameterError("run_id", f"{run_id!r}: use letters, digits, '.', '_' and '-' only")

    specs = notebook_parameters(nb_path)
    if "summary_path" not in specs:
        raise ReportError(name, f"{nb_path.name} has no 'summary_path' parameter in its parameters cell")
    if plan is None:
        plan = build_plan([name], parameters=params or {}, registry=registry, notebooks_dir=nb_dir, now=now)
    elif params:
        raise ParameterError("params", "give either a plan or parameters, not both")
    if name not in plan.parameters:
        raise ParameterError("report", f"{name!r} is not in the run plan ({', '.join(plan.names) or 'empty'})")
    cleaned = plan.parameters[name]

    started = _utc(now)
    t0 = time.monotonic()
    out_root = Path(output_dir).expanduser().resolve()
    report_dir = out_root / rdef.name
    report_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(report_dir)
    run_id, partial = _reserve_run_dir(report_dir, run_id or started.strftime("%Y%m%dT%H%M%SZ"))
    final = report_dir / run_id

    nb_out = partial / "report.ipynb"
    summary_file = partial / "summary.json"
    html_file = partial / "report.html"
    error: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    has_html = False
    try:
        engine_kwargs: dict[str, Any] = {}
        config = kernel_config()
        if config is not None:
            engine_kwargs["config"] = config
        if kernel is not None and kernel.serves(nb_path, kernel_name, plan.kernel_env):
            engine_kwargs["km"] = kernel.manager  # started early (reporting/kernels.py): the engine shuts it down
        if execution_timeout is not None:
            engine_kwargs["execution_timeout"] = execution_timeout
        # once the last cell has run (every output received), stop the kernel at once rather than ask it
        # to shut down and wait for it (nbclient's "graceful"), about 0.5 s a report
        engine_kwargs["shutdown_kernel"] = "immediate"
        try:
            with kernel_environment(plan.kernel_env):
                papermill.execute_notebook(
                    str(nb_path),
                    str(nb_out),
                    parameters={**cleaned, "summary_path": str(summary_file)},
                    cwd=str(nb_path.parent),
                    kernel_name=kernel_name,
                    engine_name=ENGINE_NAME,  # nbclient's engine, writing the notebook less often
                    progress_bar=False,
                    log_output=False,
                    start_timeout=start_timeout,
                    **engine_kwargs,
                )
        except PapermillExecutionError as exc:
            error = {
                "ename": exc.ename,
                "evalue": _one_line(exc.evalue, 2000),
                "cell_index": exc.cell_index,
                "exec_count": exc.exec_count,
                "message": _one_line(
                    f"{exc.ename}: {exc.evalue} (cell {exc.cell_index}, In [{exc.exec_count}])"
                ),
            }
        except Exception as exc:  # kernel could not start or died, I/O, ...
            error = {
                "ename": type(exc).__name__,
                "evalue": _one_line(exc, 2000),
                "cell_index": None,
                "exec_count": None,
                "message": _one_line(f"{type(exc).__name__}: {exc}"),
            }

        if nb_out.is_file():
            redact_notebook(nb_out)
        if summary_file.is_file():
            try:
                summary = read_summary(summary_file)
            except (OSError, ValueError) as exc:
                if error is None:
                    error = {"ename": "InvalidSummary", "evalue": _one_line(exc),
                             "cell_index": None, "exec_count": None,
                             "message": f"summary.json is not a JSON object: {_one_line(exc)}"}
        elif error is None:
            error = {"ename": "MissingSummary", "evalue": "no summary.json at summary_path",
                     "cell_index": None, "exec_count": None,
                     "message": "the notebook finished but did not write summary.json at summary_path"}

        if nb_out.is_file():
            banner = None
            if error is not None:
                banner = (f"This run FAILED — {error['message']}. "
                          "The error output is shown below where the notebook stopped.")
            try:
                export_html(nb_out, html_file, title=rdef.title, banner=banner,
                            banner_kind="failed" if error else "info", index_link="../../index.html")
                has_html = True
            except Exception as exc:
                if error is None:
                    error = {"ename": type(exc).__name__, "evalue": _one_line(exc),
                             "cell_index": None, "exec_count": None,
                             "message": _one_line(f"HTML export failed: {type(exc).__name__}: {exc}")}

        finished = started + timedelta(seconds=time.monotonic() - t0)
        status = "ok" if error is None else "failed"
        outcomes = evaluate(plan.alerts, rdef.name, summary) if status == "ok" and summary is not None else []
        effective = {n: s.default for n, s in specs.items() if n not in RUNNER_PARAMETERS}
        effective.update(cleaned)
        record = {
            "report": rdef.name,
            "title": rdef.title,
            "run_id": run_id,
            "status": status,
            "started": _iso(started),
            "finished": _iso(finished),
            "duration_s": round((finished - started).total_seconds(), 3),
            "notebook": nb_path.name,
            "window": _window(plan, summary if status == "ok" else None),
            "parameters": safe_parameters(effective),
            "headlines": _headlines(rdef, summary) if status == "ok" else {},
            "error": error,
            "alerts": [o.to_dict() for o in outcomes],
            "files": {
                "html": "report.html" if has_html else None,
                "notebook": "report.ipynb" if nb_out.is_file() else None,
                "summary": "summary.json" if summary_file.is_file() else None,
            },
            "package_version": __version__,
        }
        atomic_write_text(
            partial / "run.json",
            json.dumps(to_jsonable(record), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        )
        os.rename(partial, final)
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)

    latest_path: Path | None = None
    if status == "ok" and has_html and _newest_ok_run(report_dir) == run_id:
        latest_path = atomic_write_bytes(report_dir / "latest.html", latest_copy((final / "report.html").read_bytes()))
    if update_index:
        write_index(out_root, reports=registry)

    result = RunResult(
        report=rdef.name,
        run_id=run_id,
        status=status,
        run_dir=final,
        html_path=final / "report.html" if has_html else None,
        summary=summary,
        error=error["message"] if error else None,
        started=started,
        finished=finished,
        notebook_path=final / "report.ipynb" if (final / "report.ipynb").is_file() else None,
        latest_path=latest_path,
        error_detail=error,
        alerts=outcomes,
    )
    if error is not None:
        where = f"; executed notebook: {result.notebook_path}" if result.notebook_path else ""
        failure = ReportError(rdef.name, f"run {run_id} failed: {error['message']}{where}", run_dir=str(final))
        failure.result = result  # type: ignore[attr-defined]
        raise failure
    return result


# -- several reports at once ---------------------------------------------------------------------

def _run_one(name: str, output_dir: str, plan: RunPlan, options: Mapping[str, Any]) -> ReportOutcome:
    """One report, its failure caught (a worker process's entry point: everything it returns pickles)."""
    t0 = time.monotonic()
    try:
        result = run_report(name, output_dir=output_dir, plan=plan, update_index=False, **options)
        return ReportOutcome(name, time.monotonic() - t0, result=result)
    except ReportError as exc:
        failed: RunResult | None = getattr(exc, "result", None)
        ename = (failed.error_detail or {}).get("ename") if failed is not None else None
        return ReportOutcome(name, time.monotonic() - t0, result=failed, error=str(exc),
                             run_dir=Path(exc.run_dir) if exc.run_dir else None, ename=ename or "ReportError")
    except Exception as exc:  # anything else ends this report only
        return ReportOutcome(name, time.monotonic() - t0, ename=type(exc).__name__,
                             error=f"report {name!r}: {_one_line(f'{type(exc).__name__}: {exc}')}")


def _check_jobs(jobs: Any) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError("jobs", f"expected a whole number of reports at once, at least 1; got {jobs!r}")
    return jobs


def run_reports(
    plan: RunPlan,
    output_dir: str | os.PathLike[str] = "reports",
    *,
    jobs: int = 1,
    on_start: Callable[[str], None] | None = None,
    on_end: Callable[[ReportOutcome], None] | None = None,
    reports: Mapping[str, ReportDef] | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    kernel: EarlyKernel | None = None,
) -> list[ReportOutcome]:
    """Run every report of ``plan``, ``jobs`` at once, then write the index once.

    ``jobs=1`` (or a single report) runs them one after the other in this process; more runs
    each report in a worker process of a pool of ``min(jobs, reports)`` (``spawn``; see the
    module docstring), every kernel getting ``plan.kernel_env`` as with :func:`run_report`. A
    report that fails fails alone: the others run on. ``on_start(name)`` is called as a report
    is handed to a worker, ``on_end(outcome)`` as it finishes (both in this process and
    thread, in finishing order). ``kernel``: one started early for the first report (see
    :func:`run_report`); with more than one worker it is shut down unused. Returns the outcomes
    in plan order.
    """
    try:
        workers = min(_check_jobs(jobs), max(len(plan.names), 1))
    except ParameterError:
        if kernel is not None:
            kernel.shutdown()
        raise
    out = str(Path(output_dir).expanduser().resolve())
    options: dict[str, Any] = {"reports": reports, "notebooks_dir": notebooks_dir}
    outcomes: dict[str, ReportOutcome] = {}

    def started(name: str) -> None:
        if on_start is not None:
            on_start(name)

    def finished(outcome: ReportOutcome) -> None:
        outcomes[outcome.report] = outcome
        if on_end is not None:
            on_end(outcome)

    try:
        if workers == 1:
            for name in plan.names:
                started(name)
                first, kernel = kernel, None
                finished(_run_one(name, out, plan, {**options, "kernel": first} if first else options))
        else:
            _run_pooled(plan, out, workers, options, started, finished)
    finally:
        if kernel is not None:
            kernel.shutdown()
        if outcomes:
            write_index(out, reports=REPORTS if reports is None else reports)
    return [outcomes[name] for name in plan.names if name in outcomes]


def _run_pooled(plan: RunPlan, out: str, workers: int, options: Mapping[str, Any],
                started: Callable[[str], None], finished: Callable[[ReportOutcome], None]) -> None:
    """Keep ``workers`` reports running: a report is handed over as a worker frees up, so
    ``started`` is called when it really starts."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker_init, initargs=(worker_log_levels(),))
    waiting = list(plan.names)
    running: dict[Future[ReportOutcome], tuple[str, float]] = {}
    try:
        while waiting or running:
            while waiting and len(running) < workers:
                name = waiting.pop(0)
                started(name)
                try:
                    running[pool.submit(run_in_worker, name, out, plan, options)] = (name, time.monotonic())
                except Exception as exc:  # the pool broke (a worker was killed): nothing more can run
                    finished(ReportOutcome(name, 0.0, error=f"report {name!r}: not run: {_one_line(exc)}",
                                           ename=type(exc).__name__))
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                name, t0 = running.pop(future)
                try:
                    finished(future.result())
                except Exception as exc:  # its worker process died (killed, out of memory)
                    finished(ReportOutcome(name, time.monotonic() - t0, ename=type(exc).__name__,
                                           error=f"report {name!r}: its worker process died: {_one_line(exc)}"))
    finally:
        pool.shutdown(wait=not running, cancel_futures=True)
