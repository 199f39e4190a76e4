"""boto3 client factory with retries, a read-only guard and a request meter.

Every DynamoDB call made through a :class:`Connection` goes through :meth:`Connection.call`,
which

* refuses, on a read-only connection, every operation outside :data:`READ_ONLY_OPERATIONS`
  *before* anything is sent, whatever its spelling (``"put_item"``, ``"putItem"``); the same
  guard sits on the boto3 client's own events, so ``conn.client.put_item(...)`` is refused too;
* records the request in the :class:`RequestMeter` (operation, table, index, items returned
  and examined, bytes, and read/write units computed by AWS's sizing rules from the items
  themselves — a local emulator's ``ConsumedCapacity`` figures are placeholders);
* turns botocore errors into the library's own exceptions (original kept as ``__cause__``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import logging
import operator
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
from botocore.retries import quota as retry_quota
from botocore.retries import standard as standard_retries
from botocore.retries.base import BaseRetryableChecker

from . import capacity
from .config import Settings
from .exceptions import (
    AccessDeniedError,
    CredentialsError,
    DynamoDBRequestError,
    DynamoReportsError,
    EndpointError,
    ParameterError,
    ReadOnlyError,
    TableNotFoundError,
    ThrottlingError,
    UnknownNameError,
)

if TYPE_CHECKING:
    from . import codec

log = logging.getLogger(__name__)

WRITE_OPERATIONS = frozenset(
    {
        "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
        "CreateTable", "DeleteTable", "UpdateTable", "UpdateTimeToLive", "CreateGlobalTable",
        "UpdateGlobalTable", "RestoreTableFromBackup", "RestoreTableToPointInTime",
        "CreateBackup", "DeleteBackup", "TagResource", "UntagResource", "ImportTable",
        "ExportTableToPointInTime", "UpdateContinuousBackups", "PutResourcePolicy",
        "DeleteResourcePolicy", "UpdateContributorInsights", "UpdateKinesisStreamingDestination",
        "EnableKinesisStreamingDestination", "DisableKinesisStreamingDestination",
        "UpdateTableReplicaAutoScaling", "UpdateGlobalTableSettings",
    }
)
# ExecuteStatement / BatchExecuteStatement / ExecuteTransaction can write (PartiQL INSERT,
# UPDATE, DELETE); a read-only connection refuses them outright: reports never use PartiQL.
WRITE_OPERATIONS = WRITE_OPERATIONS | {"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"}

DATA_READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})

# What a read-only connection lets through, named one by one: the data reads and the metadata
# reads (every Describe* / List* operation of the DynamoDB API). Everything else is refused,
# including PartiQL (ExecuteStatement can write) and any operation AWS adds later.
READ_ONLY_OPERATIONS = DATA_READ_OPERATIONS | frozenset(
    {
        "DescribeBackup", "DescribeBulkOperation", "DescribeContinuousBackups", "DescribeContributorInsights",
        "DescribeEndpoints", "DescribeExport", "DescribeGlobalTable", "DescribeGlobalTableSettings",
        "DescribeImport", "DescribeKinesisStreamingDestination", "DescribeLimits", "DescribeTable",
        "DescribeTableReplicaAutoScaling", "DescribeTimeToLive",
        "ListBackups", "ListBulkOperations", "ListContributorInsights", "ListExports", "ListGlobalTables",
        "ListImports", "ListTables", "ListTagsOfResource",
    }
)

# The operations report runs make on AWS (a subset of READ_ONLY_OPERATIONS): what
# docs/iam/reports-readonly-policy.json grants (see dynamo_reports.iam). ListTables is only
# the reachability check of a non-AWS endpoint, so AWS never sees it from a report run.
REPORT_OPERATIONS = ("DescribeTable", "DescribeTimeToLive", "GetItem", "BatchGetItem", "Query", "Scan")

# Faults in bounded time. A connection waits at most CONNECT_TIMEOUT to connect and
# READ_TIMEOUT for each read from the socket; a timeout or a dropped connection is tried
# TRANSPORT_MAX_ATTEMPTS times in all. The CLI's pre-flight checks (before any kernel starts)
# use PROBE_READ_TIMEOUT, so a silent endpoint fails the run after 2 x 5 s. Report reads use
# the longer READ_TIMEOUT: DynamoDB answers in milliseconds, but an emulator builds a whole
# 1 MB page before its first byte, which on a loaded two-core machine can take several seconds.
# Throttling is retried up to RETRY_MAX_ATTEMPTS attempts in all, with botocore's standard
# backoff (random, 1 s doubling per attempt) capped at RETRY_MAX_BACKOFF: at 30 % throttling a
# request fails with probability 0.3 ** 12 (5e-7); at 100 % it fails after at most
# 1+2+4+5*8 = 47 s of backoff (about 24 s on average).
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 30
PROBE_READ_TIMEOUT = 5
TRANSPORT_MAX_ATTEMPTS = 2
RETRY_MAX_ATTEMPTS = 12
RETRY_MAX_BACKOFF = 5.0


@dataclass
class RequestRecord:
    """One DynamoDB request as the meter saw it."""

    operation: str
    table: str | None
    index: str | None = None
    items_returned: int = 0
    items_examined: int = 0
    bytes_returned: int = 0
    read_units: float = 0.0
    write_units: float = 0.0
    consistent: bool = False
    estimated: bool = False  # True when units had to be estimated (filtered scans, updates)
    duration_ms: float = 0.0
    error: str | None = None
    throttled: int = 0  # attempts DynamoDB throttled (retried by the client) before this answer


class RequestMeter:
    """Records every request; thread-safe (parallel scans record from several threads)."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    @property
    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def reset(self) -> None:
        with self._lock:
            self._records.clear()

    def mark(self) -> int:
        """A position; :meth:`since` returns what was recorded after it."""
        with self._lock:
            return len(self._records)

    def since(self, mark: int) -> list[RequestRecord]:
        with self._lock:
            return list(self._records[mark:])

    def totals(self, records: Iterable[RequestRecord] | None = None) -> dict[str, float]:
        recs = self.records if records is None else list(records)
        return {
            "requests": len(recs),
            "read_requests": sum(1 for r in recs if r.operation in DATA_READ_OPERATIONS),
            "items_returned": sum(r.items_returned for r in recs),
            "items_examined": sum(r.items_examined for r in recs),
            "bytes_returned": sum(r.bytes_returned for r in recs),
            "read_units": round(sum(r.read_units for r in recs), 4),
            "write_units": round(sum(r.write_units for r in recs), 4),
            "throttled": sum(r.throttled for r in recs),
        }

    def to_frame(self, records: Iterable[RequestRecord] | None = None):
        import pandas as pd

        recs = self.records if records is None else list(records)
        columns = list(RequestRecord.__dataclass_fields__)
        return pd.DataFrame([asdict(r) for r in recs], columns=columns)

    def by_table(self, records: Iterable[RequestRecord] | None = None):
        """Requests, items and units per (operation, table, index) — the "cost of this report" table."""
        frame = self.to_frame(records)
        if frame.empty:
            import pandas as pd

            return pd.DataFrame(
                columns=["operation", "table", "index", "requests", "items_returned",
                         "items_examined", "read_units", "write_units"]
            )
        frame["index"] = frame["index"].fillna("")
        grouped = frame.groupby(["operation", "table", "index"], as_index=False).agg(
            requests=("operation", "size"),
            items_returned=("items_returned", "sum"),
            items_examined=("items_examined", "sum"),
            read_units=("read_units", "sum"),
            write_units=("write_units", "sum"),
        )
        return grouped.sort_values(["read_units", "requests"], ascending=False, ignore_index=True)


@dataclass
class _IndexKeys:
    hash_key: str
    range_key: str | None = None


class Connection:
    """A DynamoDB client bound to :class:`Settings`, with a meter and an optional read-only guard.

    Pass ``client`` to reuse an existing boto3 client (tests), or let the connection build one
    from the settings. Never logs credentials.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        client: Any = None,
        session: boto3.session.Session | None = None,
        meter: RequestMeter | None = None,
        read_only: bool | None = None,
        read_timeout: float | None = None,
        max_backoff: float | None = None,
    ) -> None:
        if client is not None and (read_timeout is not None or max_backoff is not None):
            raise ParameterError("read_timeout" if read_timeout is not None else "max_backoff",
                                 "applies to the client the connection builds; not with client=")
        self.settings = settings
        self.read_only = settings.read_only if read_only is None else read_only
        self.meter = meter if meter is not None else RequestMeter()
        self.client = (client if client is not None
                       else make_client(settings, session=session, read_timeout=read_timeout, max_backoff=max_backoff))
        count_throttles(self.client)
        install_wire_decoder(self.client)
        if self.read_only:  # at the client's event level: direct client calls are refused too
            guard_read_only(self.client)
        # physical table name -> GSI key attributes, for write-unit amplification
        self._gsi_keys: dict[str, list[_IndexKeys]] = {}

    # -- naming -------------------------------------------------------------------------
    def table_name(self, logical: str) -> str:
        return self.settings.table_name(logical)

    def logical_name(self, physical: str) -> str:
        """The logical name configured for a physical table name (the physical name if none)."""
        for logical, name in self.settings.table_names().items():
            if name == physical:
                return logical
        return physical

    def register_indexes(self, table: str, indexes: Iterable[tuple[str, str | None]]) -> None:
        """Tell the meter which GSIs a table has, so writes count their GSI writes."""
        self._gsi_keys[table] = [_IndexKeys(h, r) for h, r in indexes]

    # -- calls ----------------------------------------------------------------------------
    def call(self, operation: str, **params: Any) -> dict:
        """Call one DynamoDB API operation (``"Query"``, ``"GetItem"``...) by its AWS name.

        Any spelling of the name works (``"put_item"``, ``"putItem"``); on a read-only
        connection anything outside :data:`READ_ONLY_OPERATIONS` raises :class:`ReadOnlyError`
        before a request is built. Items in the response are in wire form (``{"S": "x"}``).
        """
        return self._call(canonical_operation(operation), params, decode=False)

    def read(self, operation: str, **params: Any) -> dict:
        """:meth:`call` for GetItem, Query, Scan and BatchGetItem, items already in Python form.

        The items (``Item``, ``Items``, ``Responses``) are decoded by :func:`codec.items_to_python`
        straight from the response JSON, without botocore's shape-driven parser (see
        :func:`install_wire_decoder`); everything else is :meth:`call`'s: signing, retries,
        errors, the read-only guard, the meter. ``LastEvaluatedKey`` and ``UnprocessedKeys``
        stay in wire form, ready to be sent back.
        """
        operation = canonical_operation(operation)
        if operation not in WIRE_READ_OPERATIONS:
            raise ParameterError("operation", f"must be one of {', '.join(WIRE_READ_OPERATIONS)}, got {operation!r}")
        return self._call(operation, params, decode=True)

    def _call(self, operation: str, params: dict[str, Any], *, decode: bool) -> dict:
        if self.read_only and operation not in READ_ONLY_OPERATIONS:
            raise ReadOnlyError(operation)
        method = getattr(self.client, _snake(operation))
        started = time.perf_counter()
        table = _tables_of(params)
        _THROTTLES.count = 0
        _WIRE.decode = decode
        try:
            response = method(**params)
        except botocore.exceptions.ClientError as e:
            self.meter.add(
                RequestRecord(operation, table, params.get("IndexName"),
                              duration_ms=(time.perf_counter() - started) * 1000,
                              error=e.response.get("Error", {}).get("Code"), throttled=_THROTTLES.count)
            )
            error = translate_error(e, operation=operation, table=table)
            if isinstance(error, TableNotFoundError) and table:
                error = TableNotFoundError(self.logical_name(table), table)
            raise error from e
        except (botocore.exceptions.BotoCoreError, ValueError) as e:
            raise translate_error(e, operation=operation, table=table,
                                  endpoint=self.settings.endpoint_url) from e
        finally:
            _WIRE.decode = False
        sizes = response.pop(_ITEM_SIZES, None)
        if decode and sizes is None:  # a client without the wire decoder (a test stub): decode here
            response = dict(response)
            sizes = decode_response_items(operation, response)
        record = meter_record(operation, params, response, gsi_keys=self._gsi_keys, sizes=sizes)
        record.duration_ms = (time.perf_counter() - started) * 1000
        record.throttled = _THROTTLES.count
        self.meter.add(record)
        return response

    def describe_table(self, table: str) -> dict:
        """DescribeTable of a logical (or physical) table; missing -> TableNotFoundError naming both."""
        from .config import DEFAULT_TABLE_NAMES

        physical = self.table_name(table) if table in DEFAULT_TABLE_NAMES else table
        return self.call("DescribeTable", TableName=physical)["Table"]

    def require_tables(self, logicals: Iterable[str]) -> None:
        """Check that each logical table exists (one DescribeTable each; not billed as reads)."""
        for logical in logicals:
            self.describe_table(logical)


def _tables_of(params: Mapping[str, Any]) -> str | None:
    """The table(s) a request addresses: TableName, or those of RequestItems / TransactItems."""
    if params.get("TableName"):
        return params["TableName"]
    names = list(params.get("RequestItems", {}))
    for entry in params.get("TransactItems", []):
        for body in entry.values():
            if body.get("TableName") and body["TableName"] not in names:
                names.append(body["TableName"])
    return ",".join(names) or None


def _snake(operation: str) -> str:
    out = []
    for i, ch in enumerate(operation):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


@functools.cache
def _operations_by_key() -> dict[str, str]:
    model = botocore.session.get_session().get_service_model("dynamodb")
    return {name.lower(): name for name in model.operation_names}


def canonical_operation(operation: str) -> str:
    """The AWS name of a DynamoDB operation given in any spelling: ``put_item``, ``putItem`` -> ``PutItem``."""
    key = str(operation).replace("_", "").replace("-", "").lower()
    try:
        return _operations_by_key()[key]
    except KeyError:
        raise UnknownNameError(str(operation), f"{operation!r} is not a DynamoDB operation") from None


def _refuse_unless_read(model: Any = None, **_: Any) -> None:
    """``before-parameter-build`` handler: nothing outside READ_ONLY_OPERATIONS is even built."""
    name = getattr(model, "name", None)
    if name not in READ_ONLY_OPERATIONS:
        raise ReadOnlyError(str(name))


def guard_read_only(client: Any) -> None:
    """Make a boto3 DynamoDB client read-only: every operation outside READ_ONLY_OPERATIONS raises
    :class:`ReadOnlyError` before its request is built, so nothing reaches the server.

    The guard belongs to the client (each boto3 client has its own event handlers): a
    connection that shares a guarded client is read-only too. Objects without botocore events
    (test stubs) are left alone; :meth:`Connection.call` checks them.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        events.register("before-parameter-build.dynamodb", _refuse_unless_read,
                        unique_id="dynamo-reports-read-only")


_THROTTLES = threading.local()  # throttled attempts of the call in progress, per thread


def _count_throttle(response: Any = None, **_: Any) -> None:
    """``needs-retry`` handler (one event per attempt): count the throttled answers."""
    if response is not None and response[1].get("Error", {}).get("Code") in THROTTLING_CODES:
        _THROTTLES.count = getattr(_THROTTLES, "count", 0) + 1


def count_throttles(client: Any) -> None:
    """Count, per call, the attempts DynamoDB throttled (``RequestRecord.throttled``)."""
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        events.register("needs-retry.dynamodb", _count_throttle, unique_id="dynamo-reports-throttle-count")


# -- the wire path ----------------------------------------------------------------------------

#: the reads whose items :meth:`Connection.read` decodes straight from the response JSON
WIRE_READ_OPERATIONS = ("GetItem", "Query", "Scan", "BatchGetItem")
_ITEM_SIZES = "dynamo_reports.item_sizes"  # parsed-response key of the decoded items' sizes
_WIRE = threading.local()  # .decode: the call in progress on this thread is a Connection.read


def decode_response_items(operation: str, response: dict[str, Any]) -> int | list[int] | dict[str, list[int]]:
    """Replace the wire items of a GetItem/Query/Scan/BatchGetItem response by Python items
    (new values under the response's keys; the wire items themselves are left as they were).

    Returns their sizes by AWS's rules, measured on the wire form, for the meter: for Query and
    Scan the page's total (what they are billed by, :func:`metered_page_size`), for GetItem a
    list of one, for BatchGetItem a list per table (each item is billed on its own). Works on
    the response JSON and on botocore's parsed response.
    """
    from . import codec  # here, not at the top: codec loads pandas, which a connection alone needs not

    if operation == "BatchGetItem":
        sizes: dict[str, list[int]] = {}
        decoded: dict[str, list[dict[str, Any]]] = {}
        for name, items in (response.get("Responses") or {}).items():
            sizes[name] = [metered_item_size(i) for i in items]
            decoded[name] = codec.items_to_python(items)
        if "Responses" in response:
            response["Responses"] = decoded
        return sizes
    key = "Item" if operation == "GetItem" else "Items"
    if key not in response:
        return [] if operation == "GetItem" else 0
    if operation == "GetItem":
        item = response["Item"]
        response["Item"] = codec.item_to_python(item)
        return [metered_item_size(item)]
    items = response["Items"]
    page = codec.decode_page(items)
    response["Items"] = page.items
    return metered_page_size(page, items)


_GC_PAUSE_LOCK = threading.Lock()
_gc_pause: list[bool] = []  # one entry per decode in progress (any thread); the first: was gc enabled


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a page is decoded (in any thread), then gc as it was.

    A 1 MB page is a few hundred thousand new dicts, strings and Decimals, none of them in a
    reference cycle: the collections their allocation triggers find nothing to free, yet each
    walks every object the process holds (the pages read so far included), about a third of a
    scan's client CPU. Reference counting still frees everything as before.
    """
    with _GC_PAUSE_LOCK:
        if not _gc_pause:
            enabled = gc.isenabled()
            gc.disable()
        else:
            enabled = _gc_pause[0]
        _gc_pause.append(enabled)
    try:
        yield
    finally:
        with _GC_PAUSE_LOCK:
            was_enabled = _gc_pause.pop(0)
            if not _gc_pause and was_enabled:
                gc.enable()


def _decode_before_parse(response_dict: dict[str, Any], customized_response_dict: dict[str, Any],
                         operation_model: Any = None, **_: Any) -> None:
    """``before-parse`` handler of the four reads: on a 2xx answer to :meth:`Connection.read`, the
    items are decoded from the JSON body by :func:`decode_response_items` and handed to botocore
    as its "customized" part of the parsed response; botocore's parser then sees the body without
    them (``Count``, ``LastEvaluatedKey``, ``UnprocessedKeys``: a few bytes). Errors and every
    other call go to botocore's parser untouched.
    """
    if not getattr(_WIRE, "decode", False) or response_dict.get("status_code", 500) >= 300:
        return
    with _gc_paused():
        try:
            body = json.loads(response_dict["body"])
        except (TypeError, ValueError):
            return  # not JSON: botocore's parser says what it is
        if not isinstance(body, dict):
            return
        sizes = decode_response_items(operation_model.name, body)
    decoded = {key: body.pop(key) for key in ("Item", "Items", "Responses") if key in body}
    decoded[_ITEM_SIZES] = sizes
    customized_response_dict.update(decoded)
    response_dict["body"] = json.dumps(body).encode()


def install_wire_decoder(client: Any) -> None:
    """Let :meth:`Connection.read` calls on ``client`` skip botocore's parser for their items.

    Only the items change hands: the request (signing, credentials, endpoint), retries and
    error parsing stay botocore's. Calls that are not a :meth:`Connection.read` (direct client
    calls, :meth:`Connection.call`) get botocore's parsed wire form as before.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        for operation in WIRE_READ_OPERATIONS:
            events.register(f"before-parse.dynamodb.{operation}", _decode_before_parse,
                            unique_id=f"dynamo-reports-wire-{operation}")


class _BoundedRetryConditions(BaseRetryableChecker):
    """botocore's standard retry conditions, with fewer attempts for timeouts and lost connections."""

    def __init__(self, max_attempts: int, transport_max_attempts: int) -> None:
        self._standard = standard_retries.StandardRetryConditions(max_attempts=max_attempts)
        self._transport_max_attempts = transport_max_attempts

    def is_retryable(self, context: Any) -> bool:
        if context.caught_exception is not None and context.attempt_number >= self._transport_max_attempts:
            return False
        return bool(self._standard.is_retryable(context))


def _install_retry_policy(client: Any, max_backoff: float = RETRY_MAX_BACKOFF) -> None:
    """Replace the standard retry handler of a client by the bounded one (same pieces, other limits)."""
    events = client.meta.events
    events.unregister("needs-retry.dynamodb", unique_id="retry-config-dynamodb")
    adapter = standard_retries.RetryEventAdapter()
    detector = standard_retries.ThrottlingErrorDetector(adapter)
    quota = standard_retries.RetryQuotaChecker(retry_quota.RetryQuota(), detector)
    handler = standard_retries.RetryHandler(
        retry_policy=standard_retries.RetryPolicy(
            retry_checker=_BoundedRetryConditions(RETRY_MAX_ATTEMPTS, TRANSPORT_MAX_ATTEMPTS),
            retry_backoff=standard_retries.ExponentialBackoff(
                max_backoff=max_backoff, service_name="dynamodb", throttling_detector=detector),
        ),
        retry_event_adapter=adapter,
        retry_quota=quota,
        service_name="dynamodb",
    )
    events.register("after-call.dynamodb", quota.release_retry_quota)
    events.register("needs-retry.dynamodb", handler.needs_retry, unique_id="retry-config-dynamodb")


def _check_seconds(name: str, value: float | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                              or not 0 < value < float("inf")):
        raise ParameterError(name, f"must be a positive number of seconds, got {value!r}")


@functools.cache
def _data_loader(data_path: str | None) -> Any:
    """botocore's loader of service models, one per data path for the whole process: each new
    boto3 Session otherwise reads and parses the DynamoDB model and endpoint data again
    (~0.1 s of CPU per client); the loader only caches what it read, so sharing it is safe."""
    import botocore.loaders

    return botocore.loaders.create_loader(data_path)


def make_client(settings: Settings, *, session: boto3.session.Session | None = None,
                read_timeout: float | None = None, max_backoff: float | None = None) -> Any:
    """A low-level DynamoDB client: bounded timeouts, throttling retried with backoff (see the constants).

    ``read_timeout`` replaces :data:`READ_TIMEOUT` (the pre-flight checks use :data:`PROBE_READ_TIMEOUT`),
    ``max_backoff`` the cap of the wait between throttled attempts, :data:`RETRY_MAX_BACKOFF`."""
    _check_seconds("read_timeout", read_timeout)
    _check_seconds("max_backoff", max_backoff)
    config = botocore.config.Config(
        retries={"mode": "standard", "total_max_attempts": RETRY_MAX_ATTEMPTS},
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT if read_timeout is None else read_timeout,
        user_agent_extra="dynamo-reports",
    )
    kwargs: dict[str, Any] = {"region_name": settings.region, "config": config}
    if settings.endpoint_url:
        kwargs["endpoint_url"] = settings.endpoint_url
    if session is None:
        try:
            session = boto3.session.Session(profile_name=settings.profile or None)
        except botocore.exceptions.ProfileNotFound as e:
            raise CredentialsError(f"AWS profile {settings.profile!r} not found in ~/.aws/config") from e
        core = session._session
        core.register_component("data_loader", _data_loader(core.get_config_variable("data_path")))
    if (settings.source == "demo" or not settings.targets_aws) and session.get_credentials() is None:
        # Local emulators (moto, DynamoDB Local) accept any credentials; real ones are never needed.
        kwargs["aws_access_key_id"] = "demo"
        kwargs["aws_secret_access_key"] = "demo"
    client = session.client("dynamodb", **kwargs)
    _install_retry_policy(client, RETRY_MAX_BACKOFF if max_backoff is None else max_backoff)
    return client


def connect(settings: Settings | None = None, *, read_only: bool = False, **settings_kwargs) -> Connection:
    """Shortcut: ``connect(endpoint_url=..., read_only=True)``."""
    from .config import load_settings

    if settings is None:
        settings = load_settings(read_only=read_only, **settings_kwargs)
    elif settings_kwargs:
        settings = settings.with_(**settings_kwargs)
    return Connection(settings, read_only=read_only or settings.read_only)


# -- errors ------------------------------------------------------------------------------------

THROTTLING_CODES = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException",
                              "RequestLimitExceeded"})
_BRACKETED = re.compile(r"\[([^\]]*)\]")


def cancellation_reasons(response: Mapping[str, Any]) -> list[str]:
    """The reason codes of a ``TransactionCanceledException`` (one per action); ``[]`` for other errors.

    AWS returns them as ``CancellationReasons``; some emulators only write them into the
    message (``"... [ConditionalCheckFailed, None]"``): this is the one place that reads them
    from there, so callers get them as data.
    """
    error = response.get("Error", {})
    if error.get("Code") != "TransactionCanceledException":
        return []
    reasons = [r.get("Code", "None") for r in response.get("CancellationReasons", [])]
    if not reasons:
        match = _BRACKETED.search(error.get("Message", ""))
        reasons = [r.strip() for r in match.group(1).split(",")] if match else []
    return reasons


def translate_error(error: Exception, *, operation: str, table: str | None = None,
                    endpoint: str | None = None) -> DynamoReportsError:
    """Map a botocore error to a one-line library error."""
    if isinstance(error, DynamoReportsError):
        return error
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", "")
        if code == "ResourceNotFoundException":
            return TableNotFoundError(table or "?", table or "?")
        if code in {"AccessDeniedException", "AccessDenied"}:
            return AccessDeniedError(operation, f"access denied for dynamodb:{operation} on {table or '*'}: {message}")
        if code in {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                    "InvalidClientTokenId", "MissingAuthenticationTokenException"}:
            return CredentialsError(f"AWS rejected the credentials ({code}): {message}")
        if code in THROTTLING_CODES:
            retries = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            return ThrottlingError(operation, table, code, message, attempts=int(retries or 0) + 1)
        return DynamoDBRequestError(operation, table, code, message, cancellation_reasons(error.response))
    if isinstance(error, botocore.exceptions.NoCredentialsError):
        return CredentialsError(
            "no AWS credentials found (profile, environment, SSO or role); "
            "set AWS_PROFILE or run `aws configure`, or use --source demo"
        )
    if isinstance(error, botocore.exceptions.NoRegionError):
        return EndpointError("no AWS region configured; pass --region")
    if isinstance(error, (botocore.exceptions.EndpointConnectionError,
                          botocore.exceptions.ConnectTimeoutError,
                          botocore.exceptions.ReadTimeoutError,
                          botocore.exceptions.ConnectionClosedError)):
        where = endpoint or "the AWS DynamoDB endpoint"
        return EndpointError(f"cannot reach {where}: {error}", endpoint=endpoint)
    if isinstance(error, botocore.exceptions.ParamValidationError):
        return DynamoReportsError(f"{operation}: invalid request: {error}")
    return DynamoReportsError(f"{operation} on {table or '?'} failed: {error}")


# -- metering ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 16)
def _number_size(text: str) -> int:
    """:func:`capacity.number_size` of a wire number, without a Decimal for the plain ones
    (remembered: prices, quantities and timestamps repeat across the items of a table).

    A plain decimal (``-0.00120``, ``84123.12``, ``7``) has as many significant digits as it
    has digits once the sign, the point and the leading and trailing zeroes are gone; anything
    else (an exponent, spaces, a bad number) goes to capacity's rule, which also raises.
    """
    body = text[1:] if text[:1] == "-" else text
    digits = body.replace(".", "", 1)
    if not (digits.isdigit() and digits.isascii()):
        return capacity.number_size(text)
    digits = digits.strip("0")
    if len(digits) > capacity.MAX_NUMBER_DIGITS:
        return capacity.number_size(text)
    return (len(digits) + 1) // 2 + 1 if digits else 1


def _value_size(wire: Mapping[str, Any]) -> int:
    for tag, raw in wire.items():
        if tag == "S":
            return len(raw.encode("utf-8"))
        if tag == "N":
            return _number_size(raw)
        if tag == "M":
            return capacity._LIST_MAP_OVERHEAD + sum(
                capacity._ELEMENT_OVERHEAD + len(k.encode("utf-8")) + _value_size(v) for k, v in raw.items())
        if tag == "L":
            return capacity._LIST_MAP_OVERHEAD + sum(capacity._ELEMENT_OVERHEAD + _value_size(v) for v in raw)
        break
    return capacity.wire_value_size(wire)  # binaries, sets, flags, and whatever is malformed


@functools.lru_cache(maxsize=1 << 12)
def _name_size(name: str) -> int:
    return len(name.encode("utf-8"))  # attribute names repeat in every item of a table


def metered_item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """:func:`capacity.wire_item_size` of a wire item (the same number), cheaply: the meter's one
    sizing of each item returned. Strings, plain numbers, maps and lists are sized here;
    every other value by capacity's rules."""
    total = 0
    for name, wire in item.items():
        total += _name_size(name)
        for tag, raw in wire.items():  # strings and numbers inline: most attributes are
            if tag == "S":
                total += len(raw) if raw.isascii() else len(raw.encode("utf-8"))
            elif tag == "N":
                total += _number_size(raw)
            else:
                total += _value_size(wire)
            break
        else:
            total += _value_size(wire)
    return total


_PAGE_NAMES: dict[tuple[str, ...], int] = {}  # an item's attribute names -> their bytes (repeat per table)
_TWO_POINTS = re.compile(r"\.[^,]*\.")


def _plain_numbers_size(texts: list[Any]) -> int:
    """Σ :func:`_number_size` of wire numbers, in a few passes over them all joined (no call per
    number). Only when every one is plain (``-`` first at most, one ``.`` at most, ASCII digits,
    at most 38 significant digits), where the sum is worked out here by the same rule:
    ``(digits + 1) // 2 + 1`` each, ``digits`` without sign, point, leading or trailing zeroes,
    so the sum is ``(Σ digits + how many have an odd count) // 2 + count``. Anything else: one
    by one (which raises for a text that is not a DynamoDB number, as before).
    """
    joined = ",".join(texts)  # raises TypeError for a text that is not a str: one by one
    if joined.count(",") == len(texts) - 1 and joined.isascii():
        unsigned = joined.replace(",-", ",").removeprefix("-")
        if "-" not in unsigned and not _TWO_POINTS.search(unsigned):
            pieces = unsigned.replace(".", "").split(",")
            if "" not in pieces and "".join(pieces).isdigit():
                digits = list(map(len, map(str.strip, pieces, itertools.repeat("0"))))
                if max(digits) <= capacity.MAX_NUMBER_DIGITS:
                    odd = sum(map(operator.and_, digits, itertools.repeat(1)))
                    return (sum(digits) + odd) // 2 + len(digits)
    return sum(map(_number_size, texts))


def metered_page_size(page: codec.DecodedPage, wire_items: Iterable[Mapping[str, Mapping[str, Any]]]) -> int:
    """Σ :func:`metered_item_size` of ``wire_items`` (the same number), summed per page from the
    :class:`codec.DecodedPage` they were decoded into, by the same rules: an item's names once
    per distinct list of names, every string of the page joined once, the numbers by
    :func:`_plain_numbers_size`, each map ``3 + Σ (1 + key bytes)`` and each list ``3 + 1`` per
    element (their values are in the strings, numbers, ... already), the other values one by
    one. Query and Scan bill a page by its total. An odd page (a value that is not what its type
    says) is sized item by item, which raises what it raises.
    """
    from . import codec

    if not isinstance(page, codec.DecodedPage):
        raise ParameterError("page", f"must be a codec.DecodedPage (codec.decode_page), got {type(page).__name__}")
    try:
        total = 0
        for names in page.names:
            total += _names_size(names)
        for keys in page.maps:
            total += capacity._LIST_MAP_OVERHEAD + capacity._ELEMENT_OVERHEAD * len(keys) + _names_size(keys)
        total += (capacity._LIST_MAP_OVERHEAD * len(page.lists)
                  + capacity._ELEMENT_OVERHEAD * sum(page.lists))
        strings = "".join(page.strings)
        total += len(strings) if strings.isascii() else len(strings.encode("utf-8"))
        if page.numbers:
            total += _plain_numbers_size(page.numbers)
        return total + sum(map(capacity.wire_value_size, page.others))
    except (TypeError, AttributeError, ValueError):
        return sum(map(metered_item_size, wire_items))


def _names_size(names: tuple[str, ...]) -> int:
    """Bytes of a list of attribute names (remembered: every item of a table repeats them)."""
    size = _PAGE_NAMES.get(names)
    if size is None:
        if len(_PAGE_NAMES) > 4096:
            _PAGE_NAMES.clear()
        size = _PAGE_NAMES[names] = sum(map(_name_size, names))
    return size


def meter_record(operation: str, params: Mapping[str, Any], response: Mapping[str, Any],
                 *, gsi_keys: Mapping[str, list[_IndexKeys]] | None = None,
                 sizes: int | list[int] | Mapping[str, list[int]] | None = None) -> RequestRecord:
    """Work out what one request read and wrote, by AWS's sizing rules.

    ``sizes``: what :func:`decode_response_items` measured on the wire before the items were
    decoded (the page's total for Query and Scan, one size per item for GetItem, per table
    for BatchGetItem); otherwise the response's wire items are sized here.
    """
    table = _tables_of(params)
    index = params.get("IndexName")
    consistent = bool(params.get("ConsistentRead", False))
    rec = RequestRecord(operation, table, index, consistent=consistent)
    gsi_keys = gsi_keys or {}

    if operation == "GetItem":
        item = response.get("Item")
        if isinstance(sizes, list):
            size = sizes[0] if sizes and item else 0
        else:
            size = metered_item_size(item) if item else 0
        rec.items_returned = rec.items_examined = 1 if item else 0
        rec.bytes_returned = size
        rec.read_units = capacity.read_units_for_get(size, consistent=consistent)
    elif operation in {"Query", "Scan"}:
        items = response.get("Items", [])
        # a page is billed by its total size: that is all the meter needs of its items
        total = sizes if isinstance(sizes, int) else sum(map(metered_item_size, items))
        rec.items_returned = response.get("Count", len(items))
        rec.items_examined = response.get("ScannedCount", rec.items_returned)
        rec.bytes_returned = total
        if rec.items_examined > rec.items_returned or params.get("ProjectionExpression"):
            # A filter or projection hides what was examined: estimate from the returned items.
            rec.estimated = True
            avg = (total / len(items)) if items else 1024
            rec.read_units = capacity.read_units_for_query([int(avg)] * rec.items_examined, consistent=consistent)
        else:
            rec.read_units = capacity.read_units_for_query([total], consistent=consistent)
    elif operation == "BatchGetItem":
        responses = response.get("Responses", {})
        # One record per call; the per-table split is kept in `table` when there is one table.
        tables = list(responses) or list(params.get("RequestItems", {}))
        rec.table = tables[0] if len(tables) == 1 else ",".join(tables)
        units = 0.0
        for tname, items in responses.items():
            req = params.get("RequestItems", {}).get(tname, {})
            cons = bool(req.get("ConsistentRead", False))
            table_sizes = (sizes[tname] if isinstance(sizes, Mapping)
                           else [metered_item_size(i) for i in items])
            units += capacity.read_units_for_batch_get(table_sizes, consistent=cons)
            rec.items_returned += len(items)
            rec.bytes_returned += sum(table_sizes)
        rec.items_examined = rec.items_returned
        rec.read_units = units
    elif operation == "TransactGetItems":
        items = [r.get("Item") for r in response.get("Responses", []) if r.get("Item")]
        sizes = [metered_item_size(i) for i in items]
        rec.items_returned = rec.items_examined = len(items)
        rec.bytes_returned = sum(sizes)
        rec.read_units = sum(capacity.read_units_for_get(s, consistent=True, transactional=True) for s in sizes)
    elif operation == "PutItem":
        rec.write_units = _put_units(table, params.get("Item", {}), gsi_keys)
    elif operation in {"UpdateItem", "DeleteItem"}:
        attrs = response.get("Attributes")
        size = capacity.wire_item_size(attrs) if attrs else 1
        rec.estimated = attrs is None
        rec.write_units = capacity.write_units_for_item(size)
    elif operation == "BatchWriteItem":
        units = 0.0
        for tname, reqs in params.get("RequestItems", {}).items():
            for req in reqs:
                if "PutRequest" in req:
                    units += _put_units(tname, req["PutRequest"]["Item"], gsi_keys)
                else:
                    units += capacity.write_units_for_item(1)
        rec.write_units = units
    elif operation == "TransactWriteItems":
        units = 0.0
        for entry in params.get("TransactItems", []):
            for body in entry.values():
                item = body.get("Item")
                size = capacity.wire_item_size(item) if item else 1
                units += capacity.write_units_for_item(size, transactional=True)
        rec.write_units = units
        rec.estimated = True
    return rec


def _put_units(table: str | None, item: Mapping[str, Any], gsi_keys: Mapping[str, list[_IndexKeys]]) -> float:
    size = capacity.wire_item_size(item) if item else 1
    gsi_sizes = [size for keys in gsi_keys.get(table or "", [])
                 if keys.hash_key in item and (keys.range_key is None or keys.range_key in item)]
    return capacity.write_units_for_put(size, gsi_projected_sizes=gsi_sizes)
