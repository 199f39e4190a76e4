"""The embedded DynamoDB: moto's ThreadedMotoServer on 127.0.0.1, a free port.

It is a real DynamoDB-compatible HTTP endpoint: boto3 reaches it exactly as it reaches AWS
(signed HTTP requests), only ``endpoint_url`` differs. Use it as a context manager::

    with EmbeddedDynamo() as server:          # tables created, demo dataset loaded
        conn = server.connect(read_only=True)
        ...

Moto keeps its state per process: two servers in one process share their tables.

Set-up does not go over HTTP: the tables are created and the demo dataset is written by
calling moto's own DynamoDB request handlers (``DynamoHandler.create_table``,
``batch_write_item``...) in this process, with the very requests a client would send
(:class:`_InProcessSetup`). That skips the socket, botocore's validation and serialisation
and moto's request parser and response serialiser: the whole set-up takes a fraction of a
second instead of several seconds, and the tables hold exactly what the same requests over
HTTP store (tests/test_demo_dataset.py compares what moto stores, item by item, and each table's description both ways).
Everything after set-up, reads above all, goes through boto3 over HTTP as it would to AWS.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..config import DEFAULT_REGION, Settings
from ..connection import Connection
from ..exceptions import DynamoDBRequestError, EndpointError, ParameterError

if TYPE_CHECKING:
    from ..systems.base import TableSpec

log = logging.getLogger(__name__)

DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}


_ATOMIC_LOCK = threading.RLock()

#: how often the server loop checks for a stop request (seconds): the longest stop() waits
STOP_POLL_SECONDS = 0.05


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


#: moto's item size limit (``LimitedSizeDict``): "between 409 and 410 KB" measured on AWS
MOTO_ITEM_SIZE_LIMIT = 405000


def make_moto_item_sizing_linear() -> None:
    """Make moto size a new item in one pass (idempotent; the same check, the same outcome).

    moto builds an item attribute by attribute and, before each one, re-measures every
    attribute already set to check the 400 KB limit: quadratic in the number of attributes,
    and most of the CPU a write costs (about 0.5 s of the demo dataset's 2,198 puts). Here
    each attribute is measured once and added to a running total, checked after each one as
    moto does (keys by their UTF-8 length, values by ``DynamoType.size``), so the same item
    raises ``ItemSizeTooLarge`` at the same attribute. Only ``Item.__init__`` is replaced, and
    only while it is the code this was written against (moto 5.2); later updates of an item
    go through moto's own ``LimitedSizeDict.__setitem__``.
    """
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    original = Item.__init__
    if getattr(original, "_dynamo_reports_linear", False):
        return
    if original.__code__.co_names != ("hash_key", "range_key", "LimitedSizeDict", "attrs", "items", "DynamoType"):
        log.debug("moto's Item.__init__ is not the one expected: its item sizing is left as it is")
        return

    def __init__(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        typed: dict[str, Any] = {}
        size = 0
        for key, value in attrs.items():
            typed_value = DynamoType(value)
            size += bytesize(key) + typed_value.size()
            if size > MOTO_ITEM_SIZE_LIMIT:
                raise ItemSizeTooLarge
            typed[key] = typed_value
        self.attrs = LimitedSizeDict(typed)  # dict's own update: no per-key re-measuring

    __init__._dynamo_reports_linear = True  # type: ignore[attr-defined]
    __init__._dynamo_reports_original = original  # type: ignore[attr-defined]
    Item.__init__ = __init__  # type: ignore[method-assign]


def make_moto_module_listing_cached() -> None:
    """List moto's service packages once per process instead of at every request (idempotent).

    To find the service of a request whose host is an IP address, moto's server asks, at every
    request, whether the host is one of its service packages (``moto.backends.list_of_moto_modules``:
    a ``listdir`` of moto's install directory and an ``isdir`` for each of its ~200 entries).
    The installed package does not change while the server runs: the list is made once, by moto's
    own function, and handed out again (the same names, in the same order).
    """
    from moto import backends

    original = backends.list_of_moto_modules
    if getattr(original, "_dynamo_reports_cached", None) is not None:
        return
    listing: list[tuple[str, ...]] = []

    def list_of_moto_modules() -> Iterator[str]:
        if not listing:
            listing.append(tuple(original()))
        return iter(listing[0])

    list_of_moto_modules._dynamo_reports_cached = original  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules


#: the set-up requests :class:`_InProcessSetup` hands to moto, and moto's handler of each
SETUP_OPERATIONS = {"CreateTable": "create_table", "UpdateTimeToLive": "update_time_to_live",
                    "BatchWriteItem": "batch_write_item"}


class _InProcessSetup:
    """The embedded server's set-up requests, given to moto's own DynamoDB handlers in this process.

    ``call("BatchWriteItem", RequestItems=...)`` runs ``DynamoHandler.batch_write_item`` on the
    request's parameters, as the server does once it has parsed an HTTP request: the same
    validation, the same writes, into the backend the server answers from (this process's
    moto state for ``settings.region`` and the account moto gives every access key it has not
    issued itself, or ``MOTO_ACCOUNT_ID``). Quacks like :class:`~dynamo_reports.connection.Connection`
    for ``table_name`` and ``call`` (what :func:`~dynamo_reports.demo.dataset.load_demo_dataset`
    uses); only the operations of :data:`SETUP_OPERATIONS` are accepted. A moto error becomes
    :class:`DynamoDBRequestError` with the code AWS would send.
    """

    def __init__(self, settings: Settings) -> None:
        from moto.core import DEFAULT_ACCOUNT_ID

        self.settings = settings
        self.account = os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
        self.region = settings.region

    def table_name(self, logical: str) -> str:
        return self.settings.table_name(logical)

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        from moto.core.exceptions import JsonRESTError
        from moto.dynamodb.responses import DynamoHandler

        if operation not in SETUP_OPERATIONS:
            raise ParameterError("operation", f"must be one of {', '.join(SETUP_OPERATIONS)}, got {operation!r}")
        handler = DynamoHandler()
        handler.current_account, handler.region, handler.body = self.account, self.region, params
        try:
            with _ATOMIC_LOCK:  # as every request the server handles
                result = getattr(handler, SETUP_OPERATIONS[operation])()
        except JsonRESTError as e:
            table = params.get("TableName") or ", ".join(params.get("RequestItems") or ()) or None
            raise DynamoDBRequestError(operation, table, e.relative_error_type, e.message) from None
        return dict(result.result)

    def create_tables(self, specs: Iterable[TableSpec]) -> None:
        """CreateTable (an existing table is kept: moto's state is per process) and TTL, for each spec.

        No waiter: moto's tables are ACTIVE as soon as they are created."""
        for spec in specs:
            physical = self.table_name(spec.logical)
            try:
                self.call("CreateTable", **spec.create_table_params(physical))
            except DynamoDBRequestError as e:
                if e.code != "ResourceInUseException":
                    raise
            if spec.ttl_attribute:
                self.call("UpdateTimeToLive", TableName=physical,
                          TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute})


class _MotoServer:
    """moto's werkzeug app on 127.0.0.1, served by a daemon thread.

    Unlike moto's ``ThreadedMotoServer`` (which binds inside its thread and, when the port is
    taken, waits forever for a ready signal), the socket is bound here, in the caller's thread:
    a busy port raises at once, and nothing is started. Binding needs nothing of moto: the port
    (and so the endpoint) is known before moto and werkzeug are imported by :meth:`serve`.
    """

    def __init__(self, port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as socketserver does
            sock.bind(("127.0.0.1", port))
            sock.listen(128)
        except OSError as e:
            sock.close()
            reason = e.strerror or str(e)
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                raise ParameterError("port", f"cannot listen on 127.0.0.1:{port}: {reason}; "
                                             "choose another port (0 = any free port)") from None
            raise EndpointError(f"cannot start the embedded DynamoDB on 127.0.0.1:{port}: {reason}") from e
        self._sock: socket.socket | None = sock
        self.host, self.port = str(sock.getsockname()[0]), int(sock.getsockname()[1])
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def serve(self) -> None:
        """Start answering: connections made since the socket was bound wait in its backlog until now."""
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from .queries import install as install_sorted_once
        from .serializer import install as install_serializer

        install_serializer()  # attribute values written in one pass, not moto's shape walk (demo/serializer.py)
        install_sorted_once()  # each table sorted once while nothing writes, not at every Query (demo/queries.py)
        assert self._sock is not None, "serve() after stop()"
        try:
            app = DomainDispatcherApplication(create_backend_app)
            # werkzeug serves a duplicate of the bound socket's descriptor
            self._server = make_server(self.host, self.port, app, True, request_handler=MotoRequestHandler,
                                       fd=self._sock.fileno())
        except OSError as e:
            raise EndpointError(f"cannot start the embedded DynamoDB on {self.host}:{self.port}: "
                                f"{e.strerror or e}") from e
        finally:
            self._sock.close()
            self._sock = None
        # shutdown() waits for the loop to notice, at most one poll interval (socketserver's default
        # 0.5 s was half a second added to every command and test that stops a server)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": STOP_POLL_SECONDS},
                                        name="embedded-dynamodb", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        if self._server is not None:
            self._server.server_close()
            self._server = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None


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
    def listen(self) -> str:
        """Bind the port and return the endpoint URL, answering nothing yet (:meth:`start` sets the
        tables up, then answers; a client's requests wait in the socket's backlog until then)."""
        if self._server is None:
            self._server = _MotoServer(self.port)
            self.port = self._server.port
            self.endpoint_url = f"http://{self._server.host}:{self._server.port}"
        return str(self.endpoint_url)

    def start(self) -> EmbeddedDynamo:
        """Listen on the port (unless :meth:`listen` did), create the tables and load the demo
        dataset, then answer. A set-up that fails leaves nothing listening."""
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        try:
            self.listen()
            make_moto_requests_atomic()
            make_moto_module_listing_cached()
            log.info("embedded DynamoDB listening on %s", self.endpoint_url)
            if self.create_tables:
                setup = self.set_up_tables()
                if self.seed:
                    from .dataset import load_demo_dataset

                    self.seed_summary = load_demo_dataset(setup)
            self._server.serve()
        except BaseException:
            self.stop()
            self.endpoint_url = None
            raise
        return self

    def set_up_tables(self, specs: Iterable[TableSpec] | None = None) -> _InProcessSetup:
        """Create ``specs`` (default: every table of the five systems) with their TTL, given to moto's
        handlers in this process (no HTTP); a table that exists is kept. Returns the set-up, whose
        ``call`` writes the same way."""
        from ..systems import ALL_TABLES

        make_moto_item_sizing_linear()
        setup = _InProcessSetup(self.settings)
        setup.create_tables(ALL_TABLES if specs is None else specs)
        return setup

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
