"""Local stand-ins for the services notices and publishing talk to, all on 127.0.0.1:

- :class:`FakeWebhook`: an HTTP server (a thread) that records every request and answers from a
  script (``[(429, {"Retry-After": "7"}, b""), (204, {}, b"")]``), then ``default``;
- :func:`moto_s3`: moto's ThreadedMotoServer on a free port, for S3.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class FakeWebhook:
    """Records requests; answers each from ``script`` (in order), then ``default``."""

    def __init__(self, default: Answer = (204, {}, b"")) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Answer] = []
        self.default = default
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True  # see ``reply``

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with fake._lock:
                    fake.requests.append(Recorded("POST", self.path, dict(self.headers), body))
                    status, headers, payload = fake.script.pop(0) if fake.script else fake.default
                reply(self, status, headers, payload)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=serve, args=(self._server,), daemon=True)

    def __enter__(self) -> FakeWebhook:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def serve(server: ThreadingHTTPServer) -> None:
    """``server.serve_forever`` checking for ``shutdown()`` every 10 ms instead of every 0.5 s
    (``shutdown`` waits for that check: the default cost every fake half a second to stop)."""
    server.serve_forever(poll_interval=0.01)


def reply(handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str], payload: bytes) -> None:
    """Answer a request of an ``http.server`` handler: status, headers, a body with its length.

    The headers and the body leave in two writes: a handler that answers this way sets
    ``disable_nagle_algorithm = True`` (TCP_NODELAY), or the body waits for the client's
    delayed ACK of the headers (40 ms on Linux) on every reused connection."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dead_url() -> str:
    """An address where nothing listens (connection refused)."""
    return f"http://127.0.0.1:{free_port()}"


@contextmanager
def moto_s3(*buckets: str, region: str = "us-east-1") -> Iterator[tuple[str, Any]]:
    """moto's server on 127.0.0.1 (a free port) with ``buckets`` created: (endpoint URL, S3 client)."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=region,
                                                aws_access_key_id="demo", aws_secret_access_key="demo")
        for bucket in buckets:
            client.create_bucket(Bucket=bucket)
            # moto keeps one S3 state per process: start every use from an empty bucket
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for obj in page.get("Contents", []):
                    client.delete_object(Bucket=bucket, Key=obj["Key"])
        yield endpoint, client
    finally:
        server.stop()
