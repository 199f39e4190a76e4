"""Reads: get / batch-get / query / scan / parallel scan, complete pagination, metered.

Each function takes a :class:`~dynamo_reports.connection.Connection` and a *physical* table
name, checks its arguments before any network call, and returns Python-form items
(:mod:`dynamo_reports.codec`), decoded straight from the response JSON
(:meth:`Connection.read <dynamo_reports.connection.Connection.read>`). Pagination is
complete: every item exactly once, or an exception — never a silent partial result. A
full-table scan must be asked for by name (:func:`read_table`, or
``scan(..., allow_full_scan=True)``): it reads, and bills, every item.

Conditions are boto3's condition objects::

    from boto3.dynamodb.conditions import Key, Attr
    query(conn, "trading-bot-dev-trades", Key("gsi2pk").eq("DATE#2025-03-01"), index="gsi2-date")
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from boto3.dynamodb.conditions import ConditionBase, ConditionExpressionBuilder

from . import codec
from .connection import Connection
from .exceptions import IncompleteReadError, ParameterError, ScanNotAllowedError

log = logging.getLogger(__name__)

BATCH_GET_LIMIT = 100


# -- argument checks -------------------------------------------------------------------------

def _check_conn(conn: Any) -> None:
    if not isinstance(conn, Connection):
        raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(conn).__name__}")


def _check_table(table: Any) -> None:
    if not isinstance(table, str) or not table.strip():
        raise ParameterError("table", f"must be a non-empty table name, got {table!r}")


def _check_positive_int(name: str, value: Any, *, allow_none: bool = True, maximum: int | None = None) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or (maximum and value > maximum):
        bound = f" and at most {maximum}" if maximum else ""
        raise ParameterError(name, f"must be a positive integer{bound}, got {value!r}")


def _check_key(name: str, key: Any) -> None:
    if not isinstance(key, Mapping) or not key:
        raise ParameterError(name, f"must be a non-empty mapping of key attributes, got {key!r}")


# -- expressions -------------------------------------------------------------------------------

class _Expressions:
    """Builds expression strings with placeholder names/values shared across conditions."""

    def __init__(self) -> None:
        self._builder = ConditionExpressionBuilder()
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def build(self, condition: ConditionBase, *, is_key_condition: bool) -> str:
        built = self._builder.build_expression(condition, is_key_condition=is_key_condition)
        self.names.update(built.attribute_name_placeholders)
        self.values.update(built.attribute_value_placeholders)
        return built.condition_expression

    def projection(self, attributes: Sequence[str]) -> str:
        parts = []
        for i, attr in enumerate(attributes):
            placeholder = f"#p{i}"
            self.names[placeholder] = attr
            parts.append(placeholder)
        return ", ".join(parts)

    def apply(self, params: dict) -> dict:
        if self.names:
            params["ExpressionAttributeNames"] = dict(self.names)
        if self.values:
            params["ExpressionAttributeValues"] = {k: codec.to_wire(v) for k, v in self.values.items()}
        return params


# -- single items ------------------------------------------------------------------------------

def get_item(conn: Connection, table: str, key: Mapping[str, Any], *, consistent: bool = False,
             attributes: Sequence[str] | None = None) -> dict | None:
    """GetItem: the item, or ``None`` when there is none."""
    _check_conn(conn)
    _check_table(table)
    _check_key("key", key)
    params: dict[str, Any] = {"TableName": table, "Key": codec.item_to_wire(key), "ConsistentRead": consistent}
    if attributes:
        ex = _Expressions()
        params["ProjectionExpression"] = ex.projection(attributes)
        ex.apply(params)
    item = conn.read("GetItem", **params).get("Item")
    return item or None


def batch_get(conn: Connection, table: str, keys: Iterable[Mapping[str, Any]], *, consistent: bool = False,
              max_attempts: int = 8, base_delay: float = 0.05,
              sleep: Callable[[float], None] = time.sleep) -> list[dict]:
    """BatchGetItem in chunks of 100; unprocessed keys retried with jittered exponential backoff.

    Duplicate keys are requested once (DynamoDB rejects duplicates in one request). Raises
    :class:`IncompleteReadError` if keys stay unprocessed after ``max_attempts`` rounds.
    """
    _check_conn(conn)
    _check_table(table)
    _check_positive_int("max_attempts", max_attempts, allow_none=False)
    unique: dict[tuple, dict] = {}
    for pos, key in enumerate(keys):
        _check_key(f"keys[{pos}]", key)
        wire = codec.item_to_wire(key)
        unique.setdefault(tuple(sorted((k, repr(v)) for k, v in wire.items())), wire)
    wire_keys = list(unique.values())
    items: list[dict] = []
    for start in range(0, len(wire_keys), BATCH_GET_LIMIT):
        pending: dict[str, Any] = {
            table: {"Keys": wire_keys[start:start + BATCH_GET_LIMIT], "ConsistentRead": consistent}}
        for attempt in range(max_attempts):
            response = conn.read("BatchGetItem", RequestItems=pending)
            items.extend(response.get("Responses", {}).get(table, []))
            pending = dict(response.get("UnprocessedKeys") or {})
            if not pending:
                break
            delay = base_delay * (2 ** attempt) * (0.5 + random.random())
            log.debug("batch_get %s: %d unprocessed keys, retrying in %.2fs", table,
                      len(pending.get(table, {}).get("Keys", [])), delay)
            sleep(delay)
        else:
            left = len(pending.get(table, {}).get("Keys", []))
            raise IncompleteReadError(table, f"{left} keys still unprocessed after {max_attempts} BatchGetItem rounds")
    return items


# -- query / scan ------------------------------------------------------------------------------

def _progress_bar(desc: str, progress: bool | None):
    """tqdm.auto bar; ``progress=None`` shows it unless ``DYNAMO_REPORTS_PROGRESS=0`` (report runs)."""
    if progress is False or (progress is None and os.environ.get("DYNAMO_REPORTS_PROGRESS") == "0"):
        return None
    from tqdm.auto import tqdm

    return tqdm(desc=desc, unit=" items", leave=False)


def _paginate(conn: Connection, operation: str, params: dict, *, limit: int | None, desc: str,
              progress: bool | None, table: str) -> list[dict]:
    items: list[dict] = []
    bar = None
    seen_keys: set[str] = set()
    try:
        while True:
            if limit is not None:
                params["Limit"] = min(params.get("Limit") or limit, limit - len(items)) or 1
            response = conn.read(operation, **params)
            items.extend(response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if bar is not None:
                bar.update(len(response.get("Items", [])))
            if not last or (limit is not None and len(items) >= limit):
                break
            marker = repr(sorted(last.items()))
            if marker in seen_keys:
                raise IncompleteReadError(table, f"{operation} returned the same LastEvaluatedKey twice; stopping "
                                                 "rather than returning duplicates")
            seen_keys.add(marker)
            if bar is None and progress is not False:
                bar = _progress_bar(desc, progress)
                if bar is not None:
                    bar.update(len(items))
            params["ExclusiveStartKey"] = last
    finally:
        if bar is not None:
            bar.close()
    return items[:limit] if limit is not None else items


def _add_read_options(params: dict[str, Any], ex: _Expressions, *, index: str | None,
                      filter: ConditionBase | None, attributes: Sequence[str] | None,
                      page_size: int | None) -> dict[str, Any]:
    """Index, filter, projection and page size of a Query or Scan; the expressions applied last."""
    if index:
        params["IndexName"] = index
    if filter is not None:
        params["FilterExpression"] = ex.build(filter, is_key_condition=False)
    if attributes:
        params["ProjectionExpression"] = ex.projection(attributes)
    if page_size:
        params["Limit"] = page_size
    return ex.apply(params)


def query(conn: Connection, table: str, key_condition: ConditionBase, *, index: str | None = None,
          filter: ConditionBase | None = None, attributes: Sequence[str] | None = None,
          limit: int | None = None, page_size: int | None = None, ascending: bool = True,
          consistent: bool = False, progress: bool | None = None) -> list[dict]:
    """Query a table or index; every page read (up to ``limit`` items when given).

    Key conditions may include sort-key ranges, e.g. ``Key("gsi1sk").between(a, b)`` for a
    date window. ``filter`` is applied by DynamoDB *after* reading: it saves bytes on the
    wire, not read units.
    """
    _check_conn(conn)
    _check_table(table)
    if not isinstance(key_condition, ConditionBase):
        raise ParameterError("key_condition", "must be a boto3 Key(...) condition, e.g. Key('pk').eq('X')")
    if filter is not None and not isinstance(filter, ConditionBase):
        raise ParameterError("filter", "must be a boto3 Attr(...) condition")
    if index is not None and (not isinstance(index, str) or not index):
        raise ParameterError("index", f"must be an index name, got {index!r}")
    _check_positive_int("limit", limit)
    _check_positive_int("page_size", page_size)
    if consistent and index is not None:
        raise ParameterError("consistent", "strongly consistent reads are not supported on a global secondary index")
    ex = _Expressions()
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": ex.build(key_condition, is_key_condition=True),
        "ScanIndexForward": ascending,
        "ConsistentRead": consistent,
    }
    _add_read_options(params, ex, index=index, filter=filter, attributes=attributes, page_size=page_size)
    where = f"{table}/{index}" if index else table
    return _paginate(conn, "Query", params, limit=limit, desc=f"query {where}", progress=progress, table=table)


def scan(conn: Connection, table: str, *, allow_full_scan: bool = False, index: str | None = None,
         filter: ConditionBase | None = None, attributes: Sequence[str] | None = None,
         segments: int = 1, page_size: int | None = None, consistent: bool = False,
         progress: bool | None = None) -> list[dict]:
    """Scan every item of a table (or index). Only when asked for by name: ``allow_full_scan=True``.

    ``segments > 1`` runs a parallel scan (one thread per segment); the result holds each item
    exactly once whatever the segment count. A filter does not reduce the read units: a scan
    is billed for everything it examines.
    """
    _check_conn(conn)
    _check_table(table)
    if allow_full_scan is not True:
        raise ScanNotAllowedError(table)
    _check_positive_int("segments", segments, allow_none=False, maximum=1_000_000)
    _check_positive_int("page_size", page_size)
    if filter is not None and not isinstance(filter, ConditionBase):
        raise ParameterError("filter", "must be a boto3 Attr(...) condition")
    log.info("full scan of %s (%d segment(s)) requested by name", table, segments)

    def base_params() -> dict:
        ex = _Expressions()
        params: dict[str, Any] = {"TableName": table, "ConsistentRead": consistent}
        return _add_read_options(params, ex, index=index, filter=filter, attributes=attributes, page_size=page_size)

    if segments == 1:
        return _paginate(conn, "Scan", base_params(), limit=None, desc=f"scan {table}", progress=progress, table=table)

    results: list[list[dict]] = [[] for _ in range(segments)]
    lock = threading.Lock()

    def run(segment: int) -> None:
        params = base_params()
        params.update(Segment=segment, TotalSegments=segments)
        items = _paginate(conn, "Scan", params, limit=None, desc="", progress=False, table=table)
        with lock:
            results[segment] = items

    with ThreadPoolExecutor(max_workers=min(segments, 16), thread_name_prefix="scan") as pool:
        # list() re-raises the first segment's exception: no partial result.
        list(pool.map(run, range(segments)))
    return [item for part in results for item in part]


def read_table(conn: Connection, table: str, *, segments: int = 1, page_size: int | None = None,
               progress: bool | None = None) -> list[dict]:
    """Every item of ``table``: the one way the library reads a whole table.

    A full Scan, paginated to the end (parallel when ``segments > 1``), eventually consistent:
    it reads and bills every item — 0.5 read unit per 4 KB examined, about ``table bytes / 8 KB``
    units. Calling it is asking for that cost by name; :func:`scan` with ``allow_full_scan=True``
    is the same read with filters, projections and indexes.
    """
    return scan(conn, table, allow_full_scan=True, segments=segments, page_size=page_size, progress=progress)


to_frame = codec.items_to_frame
