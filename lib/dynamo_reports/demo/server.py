"""The embedded DynamoDB: moto's ThreadedMotoServer on 127.0.0.1, a free port.

It is a real DynamoDB-compatible HTTP endpoint: boto3 reaches it exactly as it reaches AWS
(signed HTTP requests), only ``endpoint_url`` differs. Use it as a context manager::

    with EmbeddedDynamo() as server:          # tables created, demo dataset loaded
        conn = server.connect(read_only=True)
        ...

Moto keeps its state per process: two servers in one process share their tables.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
from typing import Any

from ..config import DEFAULT_REGION, Settings
from ..connection import Connection
from ..exceptions import EndpointError, ParameterError

log = logging.getLogger(__name__)

DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}


_ATOMIC_LOCK = threading.RLock()


def make_moto_requests_atomic() -> None:
    """Make moto apply each DynamoDB request atomically, as DynamoDB does (idempotent).

    Moto's threaded server runs requests in parallel, applies an UpdateItem ``ADD`` in
    several Python steps, and rolls back a cancelled transaction by restoring a copy of the
    whole table — erasing other requests' writes made meanwhile. Real DynamoDB applies every
    request and transaction atomically; serializing requests makes the emulator do the same.
    """
    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler.call_action, "_dynamo_reports_atomic", False):
        return
    original = DynamoHandler.call_action

    def call_action(self):
        with _ATOMIC_LOCK:
            return original(self)

    call_action._dynamo_reports_atomic = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]


class _MotoServer:
    """moto's werkzeug app on 127.0.0.1, served by a daemon thread.

    Unlike moto's ``ThreadedMotoServer`` (which binds inside its thread and, when the port is
    taken, waits forever for a ready signal), the socket is bound here, in the caller's thread:
    a busy port raises at once, and nothing is started.
    """

    def __init__(self, port: int) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from .serializer import install as install_serializer

        install_serializer()  # attribute values written in one pass, not moto's shape walk (demo/serializer.py)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as socketserver does
            sock.bind(("127.0.0.1", port))
            sock.listen(128)
            app = DomainDispatcherApplication(create_backend_app)
            # werkzeug serves a duplicate of this descriptor
            self._server = make_server("127.0.0.1", port, app, True, request_handler=MotoRequestHandler,
                                       fd=sock.fileno())
        except OSError as e:
            reason = e.strerror or str(e)
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                raise ParameterError("port", f"cannot listen on 127.0.0.1:{port}: {reason}; "
                                             "choose another port (0 = any free port)") from None
            raise EndpointError(f"cannot start the embedded DynamoDB on 127.0.0.1:{port}: {reason}") from e
        finally:
            sock.close()
        self.host, self.port = str(self._server.server_address[0]), int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="embedded-dynamodb", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class EmbeddedDynamo:
    """Start/stop a moto server; optionally create every table and load the demo dataset."""

    def __init__(self, *, port: int = 0, region: str = DEFAULT_REGION, seed: bool = True,
                 create_tables: bool = True, settings: Settings | None = None) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            from ..exceptions import ParameterError

            raise ParameterError("port", f"must be 0 (any free port) or 1-65535, got {port!r}")
        self.port = port
        self.region = region
        self.seed = seed
        self.create_tables = create_tables or seed
        self._settings = settings
        self._server: Any = None
        self.endpoint_url: str | None = None
        self.seed_summary: dict[str, int] = {}

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> EmbeddedDynamo:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        make_moto_requests_atomic()
        self._server = _MotoServer(self.port)
        host, port = self._server.host, self._server.port
        self.port = port
        self.endpoint_url = f"http://{host}:{port}"
        log.info("embedded DynamoDB listening on %s", self.endpoint_url)
        if self.create_tables:
            from ..systems import ALL_TABLES, create_tables

            conn = self.connect()
            create_tables(conn, ALL_TABLES)
            if self.seed:
                from .dataset import load_demo_dataset

                self.seed_summary = load_demo_dataset(conn)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> EmbeddedDynamo:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- use --------------------------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        if self.endpoint_url is None:
            raise EndpointError("the embedded DynamoDB is not running; call start() first")
        base = self._settings or Settings(source="demo", region=self.region)
        return base.with_(source="demo", endpoint_url=self.endpoint_url, region=self.region)

    def connect(self, *, read_only: bool = False) -> Connection:
        from ..systems import ALL_TABLES, register

        conn = Connection(self.settings, read_only=read_only)
        for spec in ALL_TABLES:
            register(conn, spec)
        return conn

    def environment(self) -> dict[str, str]:
        """Environment variables that point boto3 (and notebooks' kernels) at this server."""
        return {"AWS_ENDPOINT_URL_DYNAMODB": self.endpoint_url or "", "AWS_DEFAULT_REGION": self.region,
                **DEMO_CREDENTIALS}

    def export_environment(self, environ: Any = None) -> None:
        (os.environ if environ is None else environ).update(self.environment())
