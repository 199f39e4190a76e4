"""Run report notebooks and publish them: papermill runner, offline HTML, index, periods.

This package knows nothing of DynamoDB: it executes notebooks (papermill), validates their
parameters, exports offline HTML (nbconvert + the shipped ``offline`` template), writes
``summary.json`` / ``run.json`` atomically and maintains ``<output_dir>/index.html``.

>>> from dynamo_reports.reporting import run_report, resolve_period
>>> window = resolve_period("last-7-days", timezone="Europe/Paris")
>>> result = run_report("pnl", {**window.as_parameters()})          # doctest: +SKIP
>>> result.html_path                                                 # doctest: +SKIP

Names are imported on first use: validating parameters or reading the registry does not
load papermill or nbconvert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

#: public name -> submodule that defines it
_LAZY = {
    "export_html": ".export", "make_offline": ".export",
    "write_index": ".index",
    "COMMON_PARAMETERS": ".parameters", "ParamSpec": ".parameters", "coerce_cli_value": ".parameters",
    "notebook_parameters": ".parameters", "validate_parameters": ".parameters",
    "PERIODS": ".periods", "Window": ".periods", "resolve_period": ".periods", "window_from_dates": ".periods",
    "REPORTS": ".registry", "ReportDef": ".registry", "Rule": ".registry", "available_reports": ".registry",
    "get_report": ".registry", "notebooks_dir": ".registry",
    "RunResult": ".runner", "run_report": ".runner", "safe_parameters": ".runner",
    "atomic_write_bytes": ".summary", "atomic_write_text": ".summary", "read_summary": ".summary",
    "to_jsonable": ".summary", "write_summary": ".summary",
}

__all__ = [
    "COMMON_PARAMETERS",
    "PERIODS",
    "ParamSpec",
    "REPORTS",
    "ReportDef",
    "Rule",
    "RunResult",
    "Window",
    "atomic_write_bytes",
    "atomic_write_text",
    "available_reports",
    "coerce_cli_value",
    "export_html",
    "get_report",
    "make_offline",
    "notebook_parameters",
    "notebooks_dir",
    "read_summary",
    "resolve_period",
    "run_report",
    "safe_parameters",
    "to_jsonable",
    "validate_parameters",
    "window_from_dates",
    "write_index",
    "write_summary",
]

if TYPE_CHECKING:
    from .export import export_html, make_offline
    from .index import write_index
    from .parameters import COMMON_PARAMETERS, ParamSpec, coerce_cli_value, notebook_parameters, validate_parameters
    from .periods import PERIODS, Window, resolve_period, window_from_dates
    from .registry import REPORTS, ReportDef, Rule, available_reports, get_report, notebooks_dir
    from .runner import RunResult, run_report, safe_parameters
    from .summary import atomic_write_bytes, atomic_write_text, read_summary, to_jsonable, write_summary


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
