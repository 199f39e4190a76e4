"""Helpers shared by test modules: repository writes and request logs, report runs.

Report runs go through ``dynamo-reports`` in this process (:func:`harness.cli`): the notebook's
kernel is its own process, as in production; the moto server they read is either the session's
seeded demo server or this process's server (``dynamo`` fixture), reset between modules.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from dynamo_reports.connection import Connection
from dynamo_reports.systems.common import put_item
from harness import cli, latest_run_dir, read_summary

__all__ = ["latest_run_dir", "ops", "read_summary", "run_on_demo", "run_on_server", "run_report", "runs_on_demo",
           "serial", "unique_id", "write"]


_serials = itertools.count(1)


def serial() -> int:
    """1, 2, 3, ... in this process: ids that no other test used, the same on every run."""
    return next(_serials)


def unique_id(prefix: str = "", width: int = 12) -> str:
    """``prefix`` and a zero-padded :func:`serial`."""
    return f"{prefix}{serial():0{width}d}"


def ops(conn: Connection, mark: int) -> list[tuple[str, str | None]]:
    """(operation, index) of every request recorded since ``mark``."""
    return [(r.operation, r.index) for r in conn.meter.since(mark)]


def write(conn: Connection, spec, *items) -> None:
    for item in items:
        put_item(conn, spec, item)


def run_report(report: str, out: Path, *args: str | Path) -> Path:
    """``dynamo-reports run REPORT --output-dir OUT ARGS``, which must succeed; its run directory."""
    result = cli("run", report, "--output-dir", out, *args)
    assert result.code == 0, f"exit {result.code}\n{result.err[-3000:]}"
    return latest_run_dir(out, report)


def run_on_demo(report: str, out: Path, endpoint: str, *args: str | Path) -> Path:
    """A run on the session's seeded demo server (``demo_endpoint``), as ``--source demo`` does it."""
    return run_report(report, out, "--source", "demo", "--endpoint-url", endpoint, *args)


def runs_on_demo(report: str, plan: Mapping[str, Sequence[str]], mktemp: Callable[[str], Path],
                 endpoint: str) -> dict[str, Path]:
    """One :func:`run_on_demo` per entry of ``plan`` (name -> arguments); name -> run directory."""
    return {name: run_on_demo(report, mktemp(name), endpoint, *args) for name, args in plan.items()}


def run_on_server(report: str, out: Path, server, *args: str | Path) -> dict:
    """A run against this process's server (``--source aws --endpoint-url``) over all time; its summary."""
    return read_summary(run_report(report, out, "--source", "aws", "--endpoint-url", server.endpoint_url,
                                   "--region", server.region, "--period", "all", *args))
