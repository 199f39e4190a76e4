"""Helpers and fixtures shared by test modules (import them; pytest picks up imported fixtures).

Repository tests (``test_systems_00x``) use one embedded server per module and unique ids/years,
because moto keeps one state per process. Report tests run ``dynamo-reports run`` in a
subprocess, which keeps their moto state separate from everything else.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.systems.common import put_item

# -- repository tests -----------------------------------------------------------------------------

# Years no other test uses (so date partitions hold only one test's items): far from the demo
# dataset's, and inside pandas' nanosecond range (1678..2261).
_YEARS = [y for y in range(1700, 2262) if not 1990 <= y <= 2040]
random.Random(uuid.uuid4().int).shuffle(_YEARS)


@pytest.fixture(scope="module")
def server():
    """Every table, empty, on a moto server over HTTP: one per test module."""
    with EmbeddedDynamo(seed=False) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    return server.connect().client  # building a boto3 client is the slow part: once per module


@pytest.fixture
def conn(server, client):
    """A fresh metered connection (empty meter) over the module's client."""
    return Connection(server.settings, client=client)


@pytest.fixture
def year():
    return _YEARS.pop()


def ops(conn: Connection, mark: int) -> list[tuple[str, str | None]]:
    """(operation, index) of every request recorded since ``mark``."""
    return [(r.operation, r.index) for r in conn.meter.since(mark)]


def write(conn: Connection, spec, *items) -> None:
    for item in items:
        put_item(conn, spec, item)


# -- report runs through the CLI ---------------------------------------------------------------------

def cli_env() -> dict[str, str]:
    """The environment of a CLI subprocess: dummy credentials, no inherited endpoint, no progress bars."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "DYNAMO_REPORTS_PROGRESS": "0"}
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    return env


def report_command(report: str, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "dynamo_reports", "run", report, "--output-dir", str(out), *args]


def latest_run_dir(out: Path, report: str) -> Path:
    dirs = sorted(d for d in (out / report).glob("*/") if (d / "summary.json").exists())
    assert dirs, f"no summary.json under {out}"
    return dirs[-1]


def read_summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))


def run_concurrently(report: str, plan: Mapping[str, Sequence[str]],
                     mktemp: Callable[[str], Path]) -> dict[str, Path]:
    """Start one CLI run per entry of ``plan`` (name -> arguments) at once; name -> run directory."""
    started = {}
    for name, args in plan.items():
        out = mktemp(name)
        started[name] = (subprocess.Popen(report_command(report, out, *args), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, env=cli_env()), out)
    runs = {}
    for name, (proc, out) in started.items():
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{name}: exit {proc.returncode}\n{stderr[-3000:]}"
        runs[name] = latest_run_dir(out, report)
    return runs


def run_report(report: str, out: Path, *args: str) -> Path:
    """One CLI run that must succeed; its run directory."""
    proc = subprocess.run(report_command(report, out, *args), capture_output=True, text=True, env=cli_env(),
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return latest_run_dir(out, report)


def run_on_server(report: str, out: Path, server: EmbeddedDynamo, *args: str) -> dict:
    """One CLI run against an in-process server (``--source aws --endpoint-url``); its summary."""
    return read_summary(run_report(report, out, "--source", "aws", "--endpoint-url", server.endpoint_url,
                                   "--region", server.region, "--period", "all", *args))
