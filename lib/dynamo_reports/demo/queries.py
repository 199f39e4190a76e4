"""The embedded server's Query and Scan without sorting every item of the table at every request.

moto (5.2) answers every ``Query`` and ``Scan`` from ``Table.all_items()``, which gathers every
item of the table and sorts them all by their keys (``DynamoType`` comparisons, each converting
both values); a ``Query`` then walks that whole sorted list comparing each item's key with the
one asked for. For a ``Query`` of one partition of a table of a few thousand items, that is
nearly all the server's time (about 16 ms of CPU a request on the capacity report's cache
replay, 469 distinct requests). Two changes, both inside ``all_items``; everything else —
key conditions, filters, index projections, pagination, limits, the response — is moto's code:

**Sorted once while the items are the same.** ``Table.all_items`` remembers its sorted list per
table, with the exact sequence of item objects it was made from, and reuses it only while a fresh
gathering of the table's items (as moto gathers them: partitions in insertion order) holds **the
same objects in the same order**, compared by identity. A put, a delete, an overwrite, a new or
emptied partition, a transaction's rollback (it restores copies) all change that sequence, so the
next call sorts afresh with moto's own ``all_items``. What the sort compares (``Item.hash_key``,
``Item.range_key``: set when moto builds an item, never assigned again; an update changes
``Item.attrs`` only) cannot change while an item stays in the table, so for the same input the
remembered list is the one moto's deterministic sort would give. Every call returns a new list
holding the items themselves, as moto's does.

**A Query gets only the candidates of its partition.** While ``Table.query`` runs, its one call to
``all_items`` returns the sorted items whose key could match the partition asked for — the same
items moto's own check then keeps, in the same order — instead of all of them; moto's query then
applies its own checks to them. The narrowing is exact only where it is simple: a partition key
of type ``S`` or ``B``, whose ``DynamoType`` equality is "same type, same value" (``cast_value``
is the value itself). A base-table query narrows on ``Item.hash_key``, an index query on its
first partition-key condition, read from ``Item.attrs`` at that moment (updates are seen). A
number key (``N``: equality is by ``Decimal``), a query with no partition-key condition or any
other call of ``all_items`` gets every item, as before.

Installed only in the process that runs the embedded server (moto keeps its state per process),
and only over the ``Table`` methods this was written against (moto 5.2.5's, checked by their
code): another moto version keeps its own. It changes no answer: ``tests/test_demo_queries.py``
sends the same requests (the capacity replay's own, index and LSI queries, descending, paginated,
limited, filtered, projected) to moto with and without it and compares the response bodies byte
for byte, before and after writes of every kind.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import operator
import threading
import weakref
from collections.abc import Callable
from itertools import chain
from typing import Any

__all__ = ["install", "installed", "uninstall"]

log = logging.getLogger(__name__)

#: :func:`code_digest` of moto 5.2.5's Table.all_items and Table.query, the code this relies on
EXPECTED_CODE = {
    "all_items": "fbe69b921ce312731cd20cc3c028210c98bc43fa4e852ca4988181b29a7fa7b5",
    "query": "b428b37b4412af1cf4687c74e6e24b094e4426020a6e2134fb096556e995662b",
}

#: partition-key types whose DynamoType equality is "same type and same value"
_PLAIN_TYPES = frozenset({"S", "B"})

#: table -> (the gathered items the order was made from, moto's sorted list of them)
_ORDERS: weakref.WeakKeyDictionary[Any, tuple[list[Any], list[Any]]] = weakref.WeakKeyDictionary()

#: the partition the running ``Table.query`` asks for, per server thread: (table, where, name, type, value)
_ASKED = threading.local()


def code_digest(function: Callable[..., Any]) -> str:
    """sha256 of a function's bytecode, the names it uses and its constants (nested code objects by
    their own bytecode and names): the same digest means the same code."""
    digest = hashlib.sha256()

    def add(code: Any) -> None:
        digest.update(code.co_code)
        digest.update(repr(code.co_names).encode())
        for const in code.co_consts:
            if inspect.iscode(const):
                add(const)
            else:
                digest.update(repr(const).encode())

    add(function.__code__)
    return digest.hexdigest()


def _gather(table: Any) -> list[Any]:
    """The table's items in the order moto's ``all_items`` gathers them before sorting."""
    if table.range_key_attr:  # each partition's items, partitions in order (moto's two loops, in C)
        return list(chain.from_iterable(map(dict.values, table.items.values())))
    return list(table.items.values())


def _candidates(ordered: list[Any], asked: tuple[Any, ...]) -> list[Any]:
    """The items of ``ordered`` whose partition key equals the one asked for (type S or B), in order."""
    where, name, kind, value = asked
    if where == "key":
        return [item for item in ordered if (key := item.hash_key).type == kind and key.value == value]
    out = []
    for item in ordered:
        attr = item.attrs.get(name)
        if attr is not None and attr.type == kind and attr.value == value:
            out.append(item)
    return out


def _sorted_once(original: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
    @functools.wraps(original)
    def all_items(self: Any) -> list[Any]:
        asked = getattr(_ASKED, "partition", None)
        if asked is not None and asked[0] is self:
            _ASKED.partition = None  # only the query's own call is narrowed
        else:
            asked = None
        gathered = _gather(self)
        known = _ORDERS.get(self)
        if known is not None and len(known[0]) == len(gathered) and all(map(operator.is_, known[0], gathered)):
            ordered = known[1]
        else:
            ordered = original(self)
            _ORDERS[self] = (gathered, list(ordered))
        return _candidates(ordered, asked[1:]) if asked is not None else list(ordered)

    return all_items


def _asked_partition(bound: inspect.BoundArguments) -> tuple[str, str, str, Any] | None:
    """What ``Table.query``'s call of ``all_items`` may be narrowed to (None: every item)."""
    args = bound.arguments
    if args.get("index_name"):
        conditions = args.get("hash_key_conditions") or []
        if not conditions:
            return None
        name, value = conditions[0]
        where = "attrs"
    else:
        value, name, where = args.get("hash_key"), "", "key"
    if value is None or getattr(value, "type", None) not in _PLAIN_TYPES:
        return None
    return where, name, value.type, value.value


def _narrowed(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        asked = _asked_partition(signature.bind(self, *args, **kwargs))
        _ASKED.partition = (self, *asked) if asked is not None else None
        try:
            return original(self, *args, **kwargs)
        finally:
            _ASKED.partition = None

    return query


def installed() -> bool:
    """Whether moto's ``Table.all_items`` and ``Table.query`` are the ones of this module in this process."""
    from moto.dynamodb.models.table import Table

    return hasattr(Table.all_items, "__wrapped__") and hasattr(Table.query, "__wrapped__")


def install() -> bool:
    """Install both changes over moto's ``Table`` (idempotent). False, and moto left as it is, when
    moto's ``Table.all_items`` or ``Table.query`` is not the code this was written against."""
    from moto.dynamodb.models.table import Table

    if installed():
        return True
    found = {name: code_digest(getattr(Table, name)) for name in EXPECTED_CODE}
    if found != EXPECTED_CODE:
        log.debug("moto's Table.all_items/query are not the ones expected: left as they are (%s)", found)
        return False
    Table.all_items = _sorted_once(Table.all_items)  # type: ignore[method-assign, assignment]
    Table.query = _narrowed(Table.query)  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Give moto its own ``Table.all_items`` and ``Table.query`` back; forget every remembered order."""
    from moto.dynamodb.models.table import Table

    for name in ("all_items", "query"):
        method = getattr(Table, name)
        if hasattr(method, "__wrapped__"):
            setattr(Table, name, method.__wrapped__)
    _ORDERS.clear()
