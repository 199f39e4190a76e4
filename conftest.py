"""nbval harness: the committed notebooks are re-executed against the embedded demo DynamoDB.

At configure time one ``dynamo-reports demo-server`` subprocess is started (its own process, so
its moto state is not shared with the unit tests' servers) and AWS_ENDPOINT_URL_DYNAMODB plus
dummy credentials are put in the environment: the notebook kernels nbval starts inherit them.
pytest-xdist workers inherit it too, so one seeded server serves the whole session: nbval, and
the session's demo report runs (``tests/conftest.py``, ``demo_endpoint``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from harness import DEMO_ENDPOINT_VARIABLE, DEMO_RUN_VARIABLE, BackgroundDemoRun, DemoServerProcess  # noqa: E402

_server: DemoServerProcess | None = None
_demo_run: BackgroundDemoRun | None = None
TESTS = Path(__file__).resolve().parent / "tests"


def _whole_test_directory(config) -> bool:
    """The session runs ``tests`` as a whole (``make test``), not a few of its modules."""
    return any(Path(arg.split("::")[0]).resolve() == TESTS for arg in config.args)


def pytest_configure(config):
    global _server, _demo_run
    if not getattr(config.option, "nbval", False) or os.environ.get(DEMO_ENDPOINT_VARIABLE):
        return  # no notebooks to validate, or a worker of a session that has its server
    _server = DemoServerProcess()
    os.environ.update({
        DEMO_ENDPOINT_VARIABLE: _server.endpoint_url,
        "AWS_ENDPOINT_URL_DYNAMODB": _server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "demo",
        "AWS_SECRET_ACCESS_KEY": "demo",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "DYNAMO_REPORTS_PROGRESS": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    })
    if _whole_test_directory(config):  # the session's demo run, while the workers start on other tests
        _demo_run = BackgroundDemoRun(_server.endpoint_url)
        os.environ[DEMO_RUN_VARIABLE] = str(_demo_run.out)


def pytest_unconfigure(config):
    global _server, _demo_run
    if _demo_run is not None:
        _demo_run.stop()
        _demo_run = None
    if _server is not None:
        _server.stop()
        _server = None
