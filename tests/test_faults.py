"""Faults in bounded time: a silent endpoint, throttling at 30 % and at 100 %.

A small HTTP proxy on 127.0.0.1 stands between the client and the moto server and answers
chosen requests with DynamoDB's throttling error (HTTP 400, ``ProvisionedThroughputExceeded
Exception``), the way DynamoDB does; every other request goes through unchanged. Backoff is
shortened in-process (``RETRY_MAX_BACKOFF``) so the retry *counts* are tested without the wait;
the subprocess tests keep the real settings and are bounded by their ``timeout``.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dynamo_reports import codec, connection
from dynamo_reports.cli import main
from dynamo_reports.config import Settings
from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.exceptions import EndpointError, ThrottlingError
from fakes import reply
from shared import unique_id

THROTTLE_BODY = json.dumps({
    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "message": "The level of configured provisioned throughput for the table was exceeded.",
}).encode()


class ThrottlingProxy:
    """Forwards to ``upstream``; ``throttle(n, operation)`` decides, for the n-th request (0-based),
    whether to answer it with a throttling error instead."""

    def __init__(self, upstream: str, throttle: Callable[[int, str], bool]) -> None:
        self.throttle = throttle
        self.requests = 0
        self.throttled = 0
        self.operations: list[str] = []
        lock = threading.Lock()
        host, port = upstream.split("//")[1].split(":")
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                operation = self.headers.get("X-Amz-Target", "").split(".")[-1]
                with lock:
                    n = proxy.requests
                    proxy.requests += 1
                    proxy.operations.append(operation)
                    refuse = proxy.throttle(n, operation)
                    proxy.throttled += refuse
                if refuse:
                    status, headers, payload = 400, {"Content-Type": "application/x-amz-json-1.0"}, THROTTLE_BODY
                else:
                    upstream_conn = http.client.HTTPConnection(host, int(port), timeout=30)
                    upstream_conn.request("POST", self.path, body, dict(self.headers))
                    answer = upstream_conn.getresponse()
                    payload = answer.read()
                    status = answer.status
                    headers = {k: v for k, v in answer.getheaders()
                               if k.lower() not in ("content-length", "transfer-encoding", "connection")}
                    upstream_conn.close()
                reply(self, status, headers, payload)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def moto(dynamo) -> EmbeddedDynamo:
    return dynamo  # this module's tables, behind the proxy


@pytest.fixture
def proxy(moto) -> Iterator[Callable[[Callable[[int, str], bool]], ThrottlingProxy]]:
    made: list[ThrottlingProxy] = []

    def make(throttle: Callable[[int, str], bool]) -> ThrottlingProxy:
        made.append(ThrottlingProxy(moto.endpoint_url, throttle))
        return made[-1]

    yield make
    for p in made:
        p.close()


@pytest.fixture
def quick_backoff(monkeypatch) -> None:
    monkeypatch.setattr(connection, "RETRY_MAX_BACKOFF", 0.01)


def _through(p: ThrottlingProxy, moto: EmbeddedDynamo, *, read_only: bool = True) -> Connection:
    return Connection(Settings(source="aws", endpoint_url=p.url), read_only=read_only)


def _seed_trades(moto: EmbeddedDynamo, n: int) -> tuple[str, list[dict]]:
    conn = moto.connect()
    table = conn.table_name("trades")
    keys = [{"pk": unique_id("TRADE#"), "sk": "METADATA"} for _ in range(n)]
    for key in keys:
        conn.call("PutItem", TableName=table, Item=codec.item_to_wire({**key, "symbol": "BTCUSDT"}))
    return table, keys


def test_eleven_throttles_in_a_row_are_retried_and_counted(moto, proxy, quick_backoff):
    """The issue's failing case was 6 throttles in a row (5 attempts); 11 in a row now succeed."""
    table, keys = _seed_trades(moto, 1)
    p = proxy(lambda n, op: op == "GetItem" and n < 11)
    conn = _through(p, moto)
    item = conn.call("GetItem", TableName=table, Key=codec.item_to_wire(keys[0]))["Item"]
    assert item["pk"] == {"S": keys[0]["pk"]}
    assert p.requests == 12 and p.throttled == 11
    (record,) = conn.meter.records
    assert record.throttled == 11 and record.error is None
    assert conn.meter.totals()["throttled"] == 11


def test_full_throttling_fails_after_twelve_attempts(moto, proxy, quick_backoff):
    table, keys = _seed_trades(moto, 1)
    p = proxy(lambda n, op: True)
    conn = _through(p, moto)
    with pytest.raises(ThrottlingError) as e:
        conn.call("Query", TableName=table, KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": keys[0]["pk"]}})
    assert e.value.attempts == 12 and p.requests == 12
    assert "throttled" in str(e.value)
    (record,) = conn.meter.records
    assert record.throttled == 12 and record.error == "ProvisionedThroughputExceededException"


def test_thirty_percent_throttling_never_fails_a_read(moto, proxy, quick_backoff):
    """200 reads at 30 % throttling (fixed seed): every one answers; every throttle is metered."""
    table, keys = _seed_trades(moto, 20)
    rng = random.Random(20250301)
    p = proxy(lambda n, op: rng.random() < 0.30)
    conn = _through(p, moto)
    for i in range(200):
        key = keys[i % len(keys)]
        if i % 2:
            got = conn.call("GetItem", TableName=table, Key=codec.item_to_wire(key))
            assert "Item" in got
        else:
            got = conn.call("Query", TableName=table, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": key["pk"]}})
            assert got["Count"] == 1
    assert p.throttled > 30  # the fake did throttle (200 * 0.3 / 0.7, about 86, expected)
    assert conn.meter.totals()["requests"] == 200
    assert conn.meter.totals()["throttled"] == p.throttled
    assert p.requests == 200 + p.throttled


def test_full_throttling_is_exit_3_naming_throttling(moto, proxy, quick_backoff, tmp_path, capsys):
    p = proxy(lambda n, op: True)
    code = main(["run", "pnl", "--source", "aws", "--endpoint-url", p.url, "--output-dir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and "throttled" in err and "Traceback" not in err
    assert p.requests == 12


@pytest.fixture
def silent_endpoint() -> Iterator[tuple[str, list[socket.socket]]]:
    """Accepts TCP connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.5)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    done.set()
    thread.join(timeout=5)
    for s in accepted:
        s.close()
    listener.close()


def test_silent_endpoint_is_tried_twice_then_an_endpoint_error(silent_endpoint, monkeypatch):
    url, accepted = silent_endpoint
    monkeypatch.setattr(connection, "READ_TIMEOUT", 0.3)
    conn = Connection(Settings(source="aws", endpoint_url=url))
    with pytest.raises(EndpointError) as e:
        conn.call("ListTables", Limit=1)
    assert "cannot reach" in str(e.value)
    assert len(accepted) == 2  # TRANSPORT_MAX_ATTEMPTS, not the 12 throttling gets


def test_silent_endpoint_fails_the_cli_within_20_seconds(silent_endpoint, tmp_path):
    """The real settings, in a subprocess: bounded by its timeout (20 s), exit 3, one line."""
    url, accepted = silent_endpoint
    proc = subprocess.run([sys.executable, "-m", "dynamo_reports", "run", "pnl", "--source", "aws",
                           "--endpoint-url", url, "--output-dir", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1 and "cannot reach" in proc.stderr and "Traceback" not in proc.stderr
    assert len(accepted) == 2
