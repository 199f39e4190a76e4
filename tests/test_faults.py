"""Faults in bounded time: a silent endpoint, throttling at 30 % and at 100 %.

A small HTTP proxy on 127.0.0.1 stands between the client and the moto server and answers
chosen requests with DynamoDB's throttling error (HTTP 400, ``ProvisionedThroughputExceeded
Exception``), the way DynamoDB does; every other request goes through unchanged. Backoff is
shortened (the connection's ``max_backoff``; for the CLI run, ``RETRY_MAX_BACKOFF`` in-process) so the
retry *counts* are tested without the wait; the timeout tests give the connection a short
``read_timeout`` (its parameter) and the CLI a short ``DYNAMO_REPORTS_PROBE_TIMEOUT``.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dynamo_reports import codec, connection
from dynamo_reports.cli import PROBE_TIMEOUT_VARIABLE, _probe_timeout, main
from dynamo_reports.config import Settings
from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import EmbeddedDynamo
from dynamo_reports.exceptions import EndpointError, ParameterError, ThrottlingError
from dynamo_reports.systems import create_table
from dynamo_reports.systems.trading import TRADES
from fakes import reply, serve
from harness import CliResult, cli
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
            disable_nagle_algorithm = True  # see fakes.reply: no 40 ms stall per answer

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
        self._thread = threading.Thread(target=serve, args=(self._server,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="module")
def moto(moto_server, _fresh_moto) -> EmbeddedDynamo:
    """The moto server behind the proxies, with the one table these tests read (trades)."""
    create_table(moto_server.connect(), TRADES)
    return moto_server


@pytest.fixture(scope="module")
def trades(moto) -> tuple[str, list[dict]]:
    """Four trades, written once for the module: (table, their keys). The tests only read them."""
    conn = moto.connect()
    table = conn.table_name("trades")
    keys = [{"pk": unique_id("TRADE#"), "sk": "METADATA"} for _ in range(4)]
    for key in keys:
        conn.call("PutItem", TableName=table, Item=codec.item_to_wire({**key, "symbol": "BTCUSDT"}))
    return table, keys


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
    """The CLI builds its own connections: their backoff cap shortened in-process."""
    monkeypatch.setattr(connection, "RETRY_MAX_BACKOFF", 0.001)


def _through(p: ThrottlingProxy, moto: EmbeddedDynamo, *, read_only: bool = True) -> Connection:
    return Connection(Settings(source="aws", endpoint_url=p.url), read_only=read_only, max_backoff=0.001)


def test_eleven_throttles_in_a_row_are_retried_and_counted(moto, trades, proxy):
    """The issue's failing case was 6 throttles in a row (5 attempts); 11 in a row now succeed."""
    table, keys = trades
    p = proxy(lambda n, op: op == "GetItem" and n < 11)
    conn = _through(p, moto)
    item = conn.call("GetItem", TableName=table, Key=codec.item_to_wire(keys[0]))["Item"]
    assert item["pk"] == {"S": keys[0]["pk"]}
    assert p.requests == 12 and p.throttled == 11
    (record,) = conn.meter.records
    assert record.throttled == 11 and record.error is None
    assert conn.meter.totals()["throttled"] == 11


def test_full_throttling_fails_after_twelve_attempts(moto, trades, proxy):
    table, keys = trades
    p = proxy(lambda n, op: True)
    conn = _through(p, moto)
    with pytest.raises(ThrottlingError) as e:
        conn.call("Query", TableName=table, KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": keys[0]["pk"]}})
    assert e.value.attempts == 12 and p.requests == 12
    assert "throttled" in str(e.value)
    (record,) = conn.meter.records
    assert record.throttled == 12 and record.error == "ProvisionedThroughputExceededException"


def test_thirty_percent_throttling_never_fails_a_read(moto, trades, proxy):
    """Under 30 % throttling a read meets k throttles in a row before it goes through (probability
    0.3**k * 0.7); 12 attempts survive every k up to 11 and fail only at 12 in a row (0.3**12, about
    5e-7 a read: ``test_full_throttling_fails_after_twelve_attempts``). Instead of sampling 30 % at
    random (200 reads met k = 0..4 or so), every k = 0..11 is forced, Query and GetItem in turn: no
    read fails, each is retried exactly k times, and every throttle is metered on its read.

    Each k once, not once per operation: botocore's retry quota (500 per client; a throttled retry
    takes 5, a read that succeeds after retries gives 5 back) would run dry on 2 x (5 x 66 - 5 x 11)
    = 550. At a random 30 % it does not: a read takes 5 x 0.3/0.7 = 2.14 on average and gives back
    0.7 x 1 + 0.3 x 5 = 2.2."""
    table, keys = trades
    # read k (k = 0..11): a Query (k even) or a GetItem (k odd) of keys[k % 4], throttled k times first
    reads = [("Query" if k % 2 == 0 else "GetItem", keys[k % 4], k) for k in range(12)]
    schedule = [n < k for _, _, k in reads for n in range(k + 1)]  # k throttles, then through
    p = proxy(lambda n, op: schedule[n])
    conn = _through(p, moto)
    for operation, key, _ in reads:
        if operation == "GetItem":
            got = conn.call("GetItem", TableName=table, Key=codec.item_to_wire(key))
            assert got["Item"]["pk"] == {"S": key["pk"]}
        else:
            got = conn.call("Query", TableName=table, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": key["pk"]}})
            assert [i["pk"] for i in got["Items"]] == [{"S": key["pk"]}]
    # by hand: 0 + 1 + ... + 11 = 66 throttles, 12 + 66 = 78 requests; read k's operation sent k + 1
    # times in a row
    assert p.throttled == 66 and p.requests == 78
    assert p.operations == [op for op, _, k in reads for _ in range(k + 1)]
    assert [(r.operation, r.throttled, r.error) for r in conn.meter.records] == [(op, k, None) for op, _, k in reads]
    assert conn.meter.totals()["requests"] == 12
    assert conn.meter.totals()["throttled"] == 66


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
    listener.settimeout(0.05)  # how often the accept loop looks at ``done`` (the teardown waits for it)
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


def test_silent_endpoint_is_tried_twice_then_an_endpoint_error(silent_endpoint):
    url, accepted = silent_endpoint
    conn = Connection(Settings(source="aws", endpoint_url=url), read_timeout=0.3)
    with pytest.raises(EndpointError) as e:
        conn.call("ListTables", Limit=1)
    assert "cannot reach" in str(e.value)
    assert len(accepted) == 2  # TRANSPORT_MAX_ATTEMPTS, not the 12 throttling gets


def test_silent_endpoint_fails_the_cli_after_two_probe_timeouts(silent_endpoint, tmp_path, monkeypatch):
    """The pre-flight check waits DYNAMO_REPORTS_PROBE_TIMEOUT seconds per try (0.3 here; by default
    PROBE_READ_TIMEOUT, 5 s, so 2 x 5 s), in-process on a thread of its own, bounded by a 20 s
    deadline: exit 3, one line, two tries."""
    url, accepted = silent_endpoint
    timeouts: list[float | None] = []
    make_client = connection.make_client

    def spy(settings, **kwargs):
        timeouts.append(kwargs.get("read_timeout"))
        return make_client(settings, **kwargs)

    monkeypatch.setattr(connection, "make_client", spy)
    results: list[CliResult] = []
    thread = threading.Thread(target=lambda: results.append(cli("run", "pnl", "--source", "aws", "--endpoint-url",
                                                                url, "--output-dir", tmp_path / "out",
                                                                env={PROBE_TIMEOUT_VARIABLE: "0.3"})),
                              daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the CLI was still waiting for the silent endpoint after 20 s"
    [result] = results
    assert result.code == 3
    assert result.err.count("\n") == 1 and "cannot reach" in result.err and "Traceback" not in result.err
    assert len(accepted) == 2
    assert timeouts == [0.3]  # the one connection the CLI built: the probe's, with the setting


def test_probe_timeout_setting_defaults_to_five_seconds_and_refuses_nonsense(silent_endpoint, tmp_path):
    assert _probe_timeout({}) == connection.PROBE_READ_TIMEOUT == 5
    assert _probe_timeout({PROBE_TIMEOUT_VARIABLE: ""}) == 5
    assert _probe_timeout({PROBE_TIMEOUT_VARIABLE: " 2.5 "}) == 2.5
    url, accepted = silent_endpoint
    for bad in ("0", "-1", "soon", "inf", "nan"):
        result = cli("run", "pnl", "--source", "aws", "--endpoint-url", url, "--output-dir", tmp_path / "out",
                     env={PROBE_TIMEOUT_VARIABLE: bad})
        assert result.code == 2, bad
        assert result.err.count("\n") == 1 and PROBE_TIMEOUT_VARIABLE in result.err and repr(bad) in result.err
    assert accepted == []  # refused before any connection
    assert not (tmp_path / "out").exists()


def test_connection_timeouts_and_backoff_are_checked_before_the_network():
    settings = Settings(source="aws", endpoint_url="http://127.0.0.1:9")
    for name in ("read_timeout", "max_backoff"):
        for bad in (0, -1, float("inf"), float("nan"), "5", True):
            with pytest.raises(ParameterError, match=name):
                Connection(settings, **{name: bad})
        with pytest.raises(ParameterError, match=f"{name}.*client="):
            Connection(settings, client=object(), **{name: 1.0})
