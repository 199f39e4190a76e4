"""Shared fixtures: an embedded DynamoDB (real moto HTTP server) for the unit tests."""

from __future__ import annotations

import pytest

collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session")
def dynamo():
    """Every table of the five systems, empty, on a moto server over HTTP.

    Moto keeps state per process, so tests share the tables: use unique keys per test.
    """
    from dynamo_reports.demo.server import EmbeddedDynamo

    with EmbeddedDynamo(region="us-east-2", seed=False) as server:
        yield server


@pytest.fixture
def conn(dynamo):
    """A fresh metered connection (its meter starts empty)."""
    return dynamo.connect()


@pytest.fixture(autouse=True)
def _no_inherited_endpoint(monkeypatch):
    """The nbval harness (root conftest.py) exports the demo server's endpoint for notebook
    kernels; unit tests must not inherit it, or "no endpoint = real AWS" could not be tested."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
