"""nbval harness: the committed notebooks are re-executed against the embedded demo DynamoDB.

At configure time a `dynamo-reports demo-server` subprocess is started (its own process, so
its moto state is not shared with the unit tests' servers) and AWS_ENDPOINT_URL_DYNAMODB plus
dummy credentials are put in the environment: the notebook kernels nbval starts inherit them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time

_server: subprocess.Popen | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_configure(config):
    global _server
    if not getattr(config.option, "nbval", False) or os.environ.get("DYNAMO_REPORTS_NBVAL_ENDPOINT"):
        return
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="dynamo-reports-nbval-", suffix=".log", delete=False)
    _server = subprocess.Popen(
        [sys.executable, "-m", "dynamo_reports", "demo-server", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while "stop with Ctrl-C" not in open(log.name, encoding="utf-8", errors="replace").read():
        if _server.poll() is not None or time.monotonic() > deadline:
            output = open(log.name, encoding="utf-8", errors="replace").read()
            raise RuntimeError(f"demo server for nbval did not start:\n{output}")
        time.sleep(0.1)
    os.environ.update({
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "DYNAMO_REPORTS_PROGRESS": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    })


def pytest_unconfigure(config):
    global _server
    if _server is not None:
        _server.terminate()
        try:
            _server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _server.kill()
        _server = None
