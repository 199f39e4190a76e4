"""The test session's shared parts: the seeded demo server, its report runs, the in-process CLI.

Used by the root ``conftest.py`` (nbval harness) and ``tests/conftest.py`` (fixtures).

- :class:`DemoServerProcess`: one ``dynamo-reports demo-server`` in its own process, seeded once
  with the demo dataset. Its moto state is separate from the in-process servers the unit tests
  reset between modules, and nothing writes to it: every reader sees the same 2,198 items.
- :class:`BackgroundDemoRun`: the session's ``run --all --source demo`` started by the root
  conftest as soon as the demo server is up, in its own process, so it runs while the workers
  run other tests; the ``demo_reports`` fixture waits for it (:func:`wait_for_demo_run`).
- :func:`shared_once`: a directory filled once per session by whichever pytest-xdist worker
  gets there first (a file lock), reused by the others; without xdist, once per process.
- :func:`cli`: ``dynamo-reports ARGS`` in-process through ``cli.main`` (no interpreter start),
  with demo credentials, stdout and stderr captured.
"""

from __future__ import annotations

import fcntl
import io
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

DEMO_ENDPOINT_VARIABLE = "DYNAMO_REPORTS_TEST_DEMO_ENDPOINT"
#: set by the root conftest when it started the session's demo run: the run's output directory
DEMO_RUN_VARIABLE = "DYNAMO_REPORTS_TEST_DEMO_RUN"
DEMO_ENVIRONMENT = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo", "DYNAMO_REPORTS_PROGRESS": "0"}


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Ask a child process to end (SIGTERM); kill it if it has not within ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class DemoServerProcess:
    """``dynamo-reports demo-server --port 0`` in a subprocess, ready when it says so."""

    def __init__(self, *, timeout: float = 180.0) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="dynamo-reports-demo-server-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([sys.executable, "-m", "dynamo_reports", "demo-server", "--port", "0"],
                                     stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **DEMO_ENVIRONMENT})
        deadline = time.monotonic() + timeout
        while "stop with Ctrl-C" not in (text := self._output()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the demo server did not start:\n{text}")
            time.sleep(0.05)
        [line] = [ln for ln in text.splitlines() if "listening on" in ln]
        self.endpoint_url = line.split()[-1]

    def _output(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        stop_process(self.proc)
        self.log.close()
        os.unlink(self.log.name)


def demo_run_command(endpoint_url: str, out: Path) -> list[str]:
    """``dynamo-reports run --all`` on the demo server, one report after the other (the reference the
    parallel-run test compares with)."""
    return [sys.executable, "-m", "dynamo_reports", "run", "--all", "--source", "demo", "--endpoint-url",
            endpoint_url, "--jobs", "1", "--output-dir", str(out)]


#: ``run --all``'s good exit statuses: 0, and 4 (an alert rule fired; the reports are there)
DEMO_RUN_OK = (0, 4)


class BackgroundDemoRun:
    """The session's demo run in a child process, started at once; its exit status is written to
    ``<out>.exit`` when it ends (by a small wrapper), so any xdist worker can wait for it."""

    def __init__(self, endpoint_url: str) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="dynamo-reports-demo-run-"))
        self.out, self.log = self.root / "reports", self.root / "run.log"
        wrapper = ("import subprocess, sys, pathlib; "
                   "rc = subprocess.call(sys.argv[2:]); pathlib.Path(sys.argv[1]).write_text(str(rc))")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", wrapper, str(self.root / "exit"),
                                          *demo_run_command(endpoint_url, self.out)],
                                         stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **DEMO_ENVIRONMENT},
                                         start_new_session=True)

    def stop(self) -> None:
        """End the run if it is still going (its whole process group: the CLI and its kernels too)."""
        import shutil
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_demo_run(out: str | Path, *, timeout: float = 1800.0) -> Path:
    """The output directory of the root conftest's background demo run, once it has ended well."""
    out = Path(out)
    status, deadline = out.parent / "exit", time.monotonic() + timeout
    while not status.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the session's demo run did not end within {timeout:.0f} s")
        time.sleep(0.25)
    code = int(status.read_text() or "-1")
    if code not in DEMO_RUN_OK:
        log = (out.parent / "run.log").read_text(encoding="utf-8", errors="replace")
        raise RuntimeError(f"run --all exited {code}: {log[-3000:]}")
    return out


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def session_root(tmp_path_factory) -> Path:
    """The directory all xdist workers of this session share (the base temp itself without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_once(tmp_path_factory, name: str, produce: Callable[[Path], None]) -> Path:
    """``root/name``, filled by ``produce(dir)`` once per session across workers.

    A failure is recorded and raised again for every later caller, so one broken run fails the
    tests that use it with its own message instead of being retried by each worker.
    """
    root = session_root(tmp_path_factory)
    target, marker = root / name, root / f"{name}.done.json"
    with _file_lock(root / f"{name}.lock"):
        if not marker.exists():
            try:
                target.mkdir(parents=True, exist_ok=True)
                produce(target)
                marker.write_text(json.dumps({"ok": True}), encoding="utf-8")
            except BaseException as e:  # recorded for the other workers, then raised here
                marker.write_text(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}), encoding="utf-8")
                raise
    record = json.loads(marker.read_text(encoding="utf-8"))
    if not record["ok"]:
        raise RuntimeError(f"shared test output {name!r} could not be produced: {record['error']}")
    return target


@contextmanager
def _working_directory(path: Path | None) -> Iterator[None]:
    before = os.getcwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def cli(*args: str | Path, env: dict[str, str] | None = None, unset: tuple[str, ...] = (),
        cwd: Path | None = None) -> CliResult:
    """``dynamo-reports ARGS`` in this process: exit code, stdout and stderr.

    The environment gets the demo credentials (and ``env``), loses any inherited endpoint (and
    ``unset``), and is restored afterwards, as is the working directory (``cwd``). A notebook's
    kernel is still its own process, as in production.
    """
    from dynamo_reports.cli import main

    overrides = {**DEMO_ENVIRONMENT, **(env or {})}
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, overrides):
        for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", *unset):
            if name not in overrides:
                os.environ.pop(name, None)
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        with redirect_stdout(out), redirect_stderr(err), _working_directory(cwd):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:  # argparse: usage errors and --help
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
            finally:  # main's logging.basicConfig wrote to this call's stderr: undo it for the next call
                for handler in set(root.handlers) - set(handlers):
                    root.removeHandler(handler)
                root.setLevel(level)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_dirs(out: Path, report: str) -> list[Path]:
    """The report's run directories under ``out`` (oldest first), failed ones included."""
    base = out / report
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")) if base.exists() else []


def latest_run_dir(out: Path, report: str) -> Path:
    dirs = [d for d in run_dirs(out, report) if (d / "summary.json").exists()]
    assert dirs, f"no summary.json for {report} under {out}"
    return dirs[-1]


def read_summary(run_dir: Path) -> dict:
    return json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
