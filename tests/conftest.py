"""Shared fixtures: one moto HTTP server per test process, reset between modules; one seeded demo
server per session; each report's default demo run once per session.

Isolation is by reset, not by region or random keys: moto keeps one state per process, so every
test module starts with it empty (``_fresh_moto``), and the ``dynamo`` fixture creates every
table in the default region. Tests inside a module share the tables: they use their own ids
(and the ``year`` fixture hands out years in a fixed order).

Tests that start a notebook kernel are marked ``kernel`` (by hand, or automatically when they
use the seeded demo server); ``make test-fast`` runs the others.
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

from harness import (
    DEMO_ENDPOINT_VARIABLE,
    DEMO_RUN_OK,
    DEMO_RUN_VARIABLE,
    DemoServerProcess,
    cli,
    demo_run_command,
    shared_once,
    wait_for_demo_run,
)

collect_ignore_glob = ["fixtures/*"]


def reset_moto() -> None:
    """Empty moto's state in this process (what ``POST /moto-api/reset`` does), if moto is loaded."""
    if "moto" not in sys.modules:
        return  # nothing was ever stored
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


KERNEL_FIXTURES = {"demo_endpoint", "demo_reports"}


def pytest_collection_modifyitems(items):
    """A test that uses the seeded demo server or its report runs needs kernels: mark it ``kernel``.

    The modules that read the session's demo run go last (stable order otherwise): under
    ``make test`` that run started in the background with the session, and by the time xdist
    hands these modules out it has ended, so no worker sits waiting for it.
    """
    waiting = set()
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if KERNEL_FIXTURES & fixtures:
            item.add_marker(pytest.mark.kernel)
        if "demo_reports" in fixtures:
            waiting.add(item.module.__name__ if getattr(item, "module", None) else item.nodeid)
    items.sort(key=lambda item: getattr(item, "module", None) is not None and item.module.__name__ in waiting)


@pytest.fixture(scope="module", autouse=True)
def _fresh_moto():
    """Every test module starts from an empty moto: no tables, no items, in any region."""
    reset_moto()
    yield


@pytest.fixture(scope="session")
def moto_server():
    """This process's moto server over HTTP (127.0.0.1, a free port), no tables."""
    from dynamo_reports.demo.server import EmbeddedDynamo

    with EmbeddedDynamo(seed=False, create_tables=False) as server:
        yield server


def create_all_tables(server) -> None:
    """Every table of the five systems, created in this process's moto without HTTP (a few ms)."""
    server.set_up_tables()


@pytest.fixture
def empty_moto(moto_server):
    """This process's moto server emptied for this test (later tests of the module see it empty too)."""
    reset_moto()
    return moto_server


@pytest.fixture(scope="module")
def dynamo(moto_server, _fresh_moto):
    """Every table of the five systems, empty, for this module (default region)."""
    create_all_tables(moto_server)
    return moto_server


@pytest.fixture(scope="module")
def client(dynamo):
    return dynamo.connect().client  # building a boto3 client is the slow part: once per module


@pytest.fixture
def conn(dynamo, client):
    """A fresh metered connection (its meter starts empty) over the module's client."""
    from dynamo_reports.connection import Connection
    from dynamo_reports.systems import ALL_TABLES, register

    connection = Connection(dynamo.settings, client=client)
    for spec in ALL_TABLES:
        register(connection, spec)
    return connection


@pytest.fixture(scope="module")
def _years():
    return itertools.count(2101)


@pytest.fixture
def year(_years) -> int:
    """A year no other test of the module uses (so date partitions hold one test's items): 2101, 2102, ..."""
    return next(_years)


@pytest.fixture(autouse=True)
def _no_inherited_endpoint(monkeypatch):
    """The nbval harness (root conftest.py) exports the demo server's endpoint for notebook
    kernels; unit tests must not inherit it, or "no endpoint = real AWS" could not be tested."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


# -- the seeded demo data and its reports, once per session ------------------------------------------

@pytest.fixture(scope="session")
def demo_endpoint():
    """The URL of a server holding the demo dataset, which nobody writes to.

    Under ``make test`` the root conftest started it for nbval (one for every xdist worker);
    otherwise this session starts its own.
    """
    url = os.environ.get(DEMO_ENDPOINT_VARIABLE)
    if url:
        yield url
        return
    server = DemoServerProcess()
    try:
        yield server.endpoint_url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory, demo_endpoint) -> Path:
    """``dynamo-reports run --all --source demo --jobs 1`` on the shared demo server, once per session.

    Every test that inspects a report's default demo run reads this output directory (and must
    not write into it). One report after the other: it is also the reference the parallel run is
    compared with (``test_parallel_run``). Under ``make test`` the root conftest started it in the
    background when the session began (the modules using it are scheduled last, see
    :func:`pytest_collection_modifyitems`); otherwise the first worker to need it runs it.
    """
    started = os.environ.get(DEMO_RUN_VARIABLE)
    if started:
        return wait_for_demo_run(started)

    def produce(out: Path) -> None:
        result = cli(*demo_run_command(demo_endpoint, out)[3:])
        if result.code not in DEMO_RUN_OK:
            raise RuntimeError(f"run --all exited {result.code}: {result.err[-3000:]}")

    return shared_once(tmp_path_factory, "demo-reports", produce)
