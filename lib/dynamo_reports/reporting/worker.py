"""The worker side of :func:`~dynamo_reports.reporting.runner.run_reports`: what a worker process
runs, kept light (no papermill at import) so a new worker sets its Ctrl-C handling at once.

Ctrl-C reaches every process of the terminal's process group, the workers too. Inside a report it
raises ``KeyboardInterrupt`` there (papermill shuts the kernel down, the runner removes the
partial run) and the report comes back as interrupted; outside one the worker leaves at once.
Either way no traceback reaches stderr; the calling process stops the run.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..plan import RunPlan
    from .runner import RunResult

__all__ = ["ReportOutcome", "run_in_worker", "skip_final_collection", "worker_init", "worker_log_levels"]


def skip_final_collection() -> None:
    """At this process's exit, skip the garbage collection over every object still alive.

    Python's finalization collects everything left (about 0.25 s after a report has run beside
    the embedded server: pandas, botocore's models, moto's tables), only to free memory the
    process is about to give back. :func:`gc.freeze` at exit takes them out of its reach; exit
    handlers, ``__del__`` methods and module clean-up still run. For the command and the
    workers, never for a library caller.
    """
    atexit.register(gc.freeze)


@dataclass
class ReportOutcome:
    """What one report of :func:`run_reports` gave: its result (a failed run's too, when it got
    as far as recording one) or the one-line error of a report that failed."""

    report: str
    seconds: float
    result: RunResult | None = None
    #: one line (the :class:`ReportError`'s message); ``None`` for a good run
    error: str | None = None
    #: the failed run's directory (its executed notebook is kept there), when it has one
    run_dir: Path | None = None
    #: the failure's exception name (a notebook's ``ThrottlingError``, a dead worker's ``BrokenProcessPool``)
    ename: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


#: loggers whose levels a worker process takes over from the caller (the CLI quietens some)
_WORKER_LOGGERS = ("", "traitlets", "papermill", "nbconvert", "dynamo_reports")
#: in a worker process: a report is running (Ctrl-C then stops it cleanly: kernel shut down, no partial run)
_in_report = False


def worker_log_levels() -> dict[str, int]:
    """The caller's levels of the loggers a worker sets alike."""
    return {name: logging.getLogger(name or None).level for name in _WORKER_LOGGERS}


def _on_interrupt(signum: int, frame: Any) -> None:
    if _in_report:
        raise KeyboardInterrupt
    os._exit(128 + signum)


def worker_init(levels: Mapping[str, int]) -> None:
    """A worker process's initializer: Ctrl-C handling, then the caller's log levels."""
    signal.signal(signal.SIGINT, _on_interrupt)
    skip_final_collection()
    logging.basicConfig(level=levels.get("", logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)


def run_in_worker(name: str, output_dir: str, plan: RunPlan, options: Mapping[str, Any]) -> ReportOutcome:
    """One report in a worker process (the runner imported here, under the Ctrl-C handling)."""
    global _in_report
    _in_report = True
    t0 = time.monotonic()
    try:
        from .runner import _run_one

        return _run_one(name, output_dir, plan, options)
    except KeyboardInterrupt:
        return ReportOutcome(name, time.monotonic() - t0, error=f"report {name!r}: interrupted",
                             ename="KeyboardInterrupt")
    finally:
        _in_report = False
