"""What a DynamoDB read, write or stored byte costs, by AWS's published rules.

A local emulator returns a placeholder ``ConsumedCapacity``; this module
computes the figure AWS would bill instead.  It is pure arithmetic: it imports
nothing from boto3/botocore and does no I/O.

Item size
---------
Source: "DynamoDB item sizes and formats",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html

An item's size is the sum, over its attributes, of the UTF-8 length of the
attribute name plus the size of the value:

* String: number of UTF-8 bytes.
* Number: "approximately 1 byte per two significant digits + 1 byte", leading
  and trailing zeroes trimmed, at most 38 significant digits.  Read here as
  ``ceil(significant_digits / 2) + 1``; zero has no significant digits and is
  1 byte.  The sign and the position of the decimal point are not counted
  (the documented rule is silent on them; measurements by third parties, e.g.
  https://github.com/zaccharles/dynamodb-calculator, suggest a negative number
  costs one more byte and that digit pairs align on the decimal point, so a
  figure may be 1-2 bytes low for such numbers).
* Binary: raw byte length (not the base64 length).
* Null, Boolean: 1 byte.
* List, Map: 3 bytes of overhead + 1 byte per element + the elements' sizes
  (for a Map, each element's size includes its key's UTF-8 length).
* Sets (SS, NS, BS): the documentation says nothing; taken as the sum of the
  elements' sizes with no overhead, as measured against AWS by
  https://github.com/zaccharles/dynamodb-calculator and
  https://github.com/ExtendDB/extenddb/pull/217.

Storage: each item is billed with 100 bytes of per-item overhead (same page).
A global secondary index entry is billed as base-table key + index key +
projected attributes + 100 bytes ("Storage considerations for global
secondary indexes",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html).

Reads (4 KB = 4096-byte units)
------------------------------
Sources: "DynamoDB read and write operations",
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
and https://aws.amazon.com/dynamodb/pricing/on-demand/

* GetItem: item size rounded up to the next 4 KB; 1 unit per 4 KB strongly
  consistent, half that eventually consistent, double that transactional.
  Reading an item that does not exist still costs 1 (strong) or 0.5
  (eventual) -- so a 0-byte read is charged the minimum.
* BatchGetItem: every item is rounded up to 4 KB on its own, then summed.
* Query: the sizes of all items read in one request (one page, at most
  1 MB) are summed, then rounded up to 4 KB once.  A page that reads nothing
  still costs the minimum of one unit (0.5 eventually consistent).
* Scan: same rule as Query, over the items *evaluated*, not the items the
  filter returns.  Query with a filter likewise pays for every item matched
  by the key condition.

Writes (1 KB = 1024-byte units)
-------------------------------
Same sources, plus "Global secondary indexes" (write capacity units),
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html

* PutItem / UpdateItem / DeleteItem: size rounded up to the next 1 KB, at
  least 1 unit (a failed conditional write on a missing item costs 1).
  Put and Update pay for the larger of the before and after images.
* BatchWriteItem: each item rounded up separately, then summed.
* Every global secondary index the write touches pays its own write for the
  index entry: 1 write when an entry appears or disappears or its projected
  attributes change, 2 writes (delete + put) when its index key changes,
  nothing when the item is in the index neither before nor after.
* Transactional writes cost double.  Whether the index writes of a
  transaction are doubled too is not stated in the documentation; this
  module doubles the whole write (table + indexes).

Prices
------
Prices are data (:class:`Price`), one entry per billing unit, with the URL or
note they came from and the date they describe.  Storage is billed per
GB-month where 1 GB = 1024**3 bytes (DynamoDB uses binary units throughout:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
The always-free tier gives 25 GB of storage and, for provisioned tables only,
25 RCU and 25 WCU per account per region; it is applied to a single cost
estimate as if that estimate were the account's only usage.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from numbers import Real
from typing import Any

from .exceptions import DataError

__all__ = [
    "BILLING_MODES",
    "FREE_TIER",
    "GB_BYTES",
    "MAX_ITEM_BYTES",
    "MAX_PAGE_BYTES",
    "READ_UNIT_BYTES",
    "STORAGE_OVERHEAD_BYTES",
    "WRITE_UNIT_BYTES",
    "CostBreakdown",
    "Price",
    "attribute_value_size",
    "gsi_entry_size",
    "gsi_write_units",
    "item_size",
    "monthly_cost",
    "number_size",
    "price_table",
    "price_regions",
    "provisioned_capacity_for",
    "read_units_for_batch_get",
    "read_units_for_get",
    "read_units_for_pages",
    "read_units_for_query",
    "read_units_for_scan",
    "split_into_pages",
    "storage_bytes",
    "wire_item_size",
    "wire_value_size",
    "write_units_for_batch_write",
    "write_units_for_delete",
    "write_units_for_item",
    "write_units_for_put",
    "write_units_for_update",
]

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

READ_UNIT_BYTES = 4 * 1024
"""Bytes covered by one strongly consistent read unit."""

WRITE_UNIT_BYTES = 1024
"""Bytes covered by one write unit."""

MAX_ITEM_BYTES = 400 * 1024
"""Largest item DynamoDB accepts (400 KB)."""

MAX_PAGE_BYTES = 1024 * 1024
"""Most data one Query or Scan request reads before it returns a page (1 MB)."""

STORAGE_OVERHEAD_BYTES = 100
"""Per-item (and per-GSI-entry) storage overhead billed by DynamoDB."""

GB_BYTES = 1024**3
"""One billed GB.  DynamoDB's units are binary: 1 GB = 1024**3 bytes."""

MAX_NUMBER_DIGITS = 38
"""Most significant digits a DynamoDB number may carry."""

BILLING_MODES = ("on_demand", "provisioned")

FREE_TIER = {"storage_gb": 25, "rcu": 25, "wcu": 25}
"""Always-free allowance per account and region.  ``rcu``/``wcu`` apply to
provisioned tables only; ``storage_gb`` to every table."""

_LIST_MAP_OVERHEAD = 3
_ELEMENT_OVERHEAD = 1
_SCALAR_FLAG_BYTES = 1  # null and boolean


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _check_count(value: Any, name: str) -> float:
    """Return ``value`` if it is a finite real number >= 0, else raise."""
    if type(value) is not float and type(value) is not int:  # the common case skips the ABC checks
        if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
            raise DataError(f"{name} must be a number >= 0, got {value!r}")
        if isinstance(value, Decimal):
            value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise DataError(f"{name} must be finite, got {value!r}")
    if value < 0:
        raise DataError(f"{name} must be >= 0, got {value!r}")
    return value


def _check_sizes(sizes: Iterable[Any], name: str) -> list[float]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise DataError(f"{name} must be an iterable of sizes, got {sizes!r}")
    return [_check_count(s, f"{name}[{i}]") for i, s in enumerate(sizes)]


def _check_billing_mode(billing_mode: Any) -> str:
    if billing_mode not in BILLING_MODES:
        raise DataError(
            f"billing_mode must be one of {BILLING_MODES}, got {billing_mode!r}"
        )
    return billing_mode


# --------------------------------------------------------------------------
# Item size
# --------------------------------------------------------------------------


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def number_size(n: Any) -> int:
    """Bytes DynamoDB counts for one number.

    ``ceil(significant_digits / 2) + 1`` after trimming leading and trailing
    zeroes; zero is 1 byte.  Sign and decimal point are not counted (see the
    module docstring for why this can be 1-2 bytes low for negative or
    fractional numbers).

    Parameters
    ----------
    n : int, float, Decimal or str
        The number; a ``str`` is read as a DynamoDB wire ``N`` value.

    Returns
    -------
    int

    Raises
    ------
    DataError (a ValueError)
        If ``n`` is not a finite number or has more than 38 significant
        digits.

    Examples
    --------
    >>> number_size(0), number_size(7), number_size(12345), number_size(1000)
    (1, 2, 4, 2)
    """
    if isinstance(n, bool):
        raise DataError(f"n must be a number, not a bool: {n!r}")
    try:
        if isinstance(n, Decimal):
            d = n
        elif isinstance(n, int):
            d = Decimal(n)
        elif isinstance(n, float):
            d = Decimal(repr(n))
        elif isinstance(n, str):
            d = Decimal(n.strip())
        else:
            raise DataError(f"n must be int, float, Decimal or str, got {type(n).__name__}")
    except InvalidOperation:
        raise DataError(f"n is not a number: {n!r}") from None
    if not d.is_finite():
        raise DataError(f"n must be finite (DynamoDB has no NaN/Infinity), got {n!r}")
    digits = "".join(str(x) for x in d.as_tuple().digits).strip("0")
    if not digits:
        return 1
    if len(digits) > MAX_NUMBER_DIGITS:
        raise DataError(
            f"n has {len(digits)} significant digits; DynamoDB allows {MAX_NUMBER_DIGITS}: {n!r}"
        )
    return math.ceil(len(digits) / 2) + 1


def _binary_payload(value: Any) -> bytes | None:
    """The raw bytes of a bytes-like or boto3 ``Binary``-like value, else None."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    inner = getattr(value, "value", None)
    if isinstance(inner, (bytes, bytearray, memoryview)):
        return bytes(inner)
    return None


def _set_element_size(element: Any) -> int:
    if isinstance(element, str):
        return _utf8_len(element)
    payload = _binary_payload(element)
    if payload is not None:
        return len(payload)
    if not isinstance(element, bool) and isinstance(element, (int, float, Decimal)):
        return number_size(element)
    raise DataError(
        f"set elements must be str, number or binary, got {type(element).__name__}"
    )


def attribute_value_size(value: Any) -> int:
    """Bytes DynamoDB counts for one attribute value (name not included).

    Parameters
    ----------
    value : Any
        A Python-form value as boto3's ``TypeDeserializer`` yields it: ``str``;
        ``bytes``/``bytearray``/``memoryview`` or any object whose ``.value``
        is bytes (boto3's ``Binary``); ``bool``; ``None``; ``int``, ``float``
        or ``Decimal``; ``set``/``frozenset`` of strings, numbers or binaries;
        ``list``/``tuple``; any ``Mapping`` with ``str`` keys.

    Returns
    -------
    int

    Raises
    ------
    DataError (a ValueError)
        For a value of an unsupported type, a map key that is not a string,
        or a number DynamoDB would reject.
    """
    if value is None or isinstance(value, bool):
        return _SCALAR_FLAG_BYTES
    if isinstance(value, str):
        return _utf8_len(value)
    payload = _binary_payload(value)
    if payload is not None:
        return len(payload)
    if isinstance(value, (int, float, Decimal)):
        return number_size(value)
    if isinstance(value, Mapping):
        total = _LIST_MAP_OVERHEAD
        for key, inner in value.items():
            if not isinstance(key, str):
                raise DataError(f"map keys must be str, got {key!r}")
            total += _ELEMENT_OVERHEAD + _utf8_len(key) + attribute_value_size(inner)
        return total
    if isinstance(value, (set, frozenset)):
        return sum(_set_element_size(e) for e in value)
    if isinstance(value, (list, tuple)):
        return _LIST_MAP_OVERHEAD + sum(
            _ELEMENT_OVERHEAD + attribute_value_size(e) for e in value
        )
    raise DataError(f"value of type {type(value).__name__} has no DynamoDB size")


def item_size(item: Mapping[str, Any]) -> int:
    """Size in bytes of a Python-form item.

    Parameters
    ----------
    item : Mapping[str, Any]
        Attribute name to Python value (see :func:`attribute_value_size`).

    Returns
    -------
    int
        Sum over attributes of ``len(name.encode("utf-8"))`` + value size.
    """
    if not isinstance(item, Mapping):
        raise DataError(f"item must be a mapping, got {type(item).__name__}")
    total = 0
    for name, value in item.items():
        if not isinstance(name, str):
            raise DataError(f"item attribute names must be str, got {name!r}")
        total += _utf8_len(name) + attribute_value_size(value)
    return total


def _wire_binary_len(raw: Any) -> int:
    """Raw length of a wire ``B`` value: bytes as boto3 gives them, or base64 text."""
    payload = _binary_payload(raw)
    if payload is not None:
        return len(payload)
    if isinstance(raw, str):
        try:
            return len(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError):
            raise DataError(f"wire B value is neither bytes nor base64: {raw!r}") from None
    raise DataError(f"wire B value must be bytes or base64 str, got {type(raw).__name__}")


def wire_value_size(attr: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for one wire-form attribute value.

    Parameters
    ----------
    attr : Mapping
        Exactly one of ``{"S": str}``, ``{"N": str}``, ``{"B": bytes | base64 str}``,
        ``{"BOOL": bool}``, ``{"NULL": True}``, ``{"SS": [...]}``,
        ``{"NS": [...]}``, ``{"BS": [...]}``, ``{"L": [...]}``, ``{"M": {...}}``.

    Returns
    -------
    int
    """
    if not isinstance(attr, Mapping) or len(attr) != 1:
        raise DataError(f"wire attribute must be a one-key mapping, got {attr!r}")
    ((tag, raw),) = attr.items()
    if tag == "S":
        return _utf8_len(raw)
    if tag == "N":
        return number_size(str(raw))
    if tag == "B":
        return _wire_binary_len(raw)
    if tag in ("BOOL", "NULL"):
        return _SCALAR_FLAG_BYTES
    if tag == "SS":
        return sum(_utf8_len(s) for s in raw)
    if tag == "NS":
        return sum(number_size(str(n)) for n in raw)
    if tag == "BS":
        return sum(_wire_binary_len(b) for b in raw)
    if tag == "L":
        return _LIST_MAP_OVERHEAD + sum(_ELEMENT_OVERHEAD + wire_value_size(e) for e in raw)
    if tag == "M":
        return _LIST_MAP_OVERHEAD + sum(
            _ELEMENT_OVERHEAD + _utf8_len(k) + wire_value_size(v) for k, v in raw.items()
        )
    raise DataError(f"unknown wire attribute type {tag!r}")


def wire_item_size(item: Mapping[str, Mapping[str, Any]]) -> int:
    """Size in bytes of a wire-form (``{"name": {"S": "x"}}``) item.

    Agrees with :func:`item_size` on the equivalent Python-form item.
    """
    if not isinstance(item, Mapping):
        raise DataError(f"item must be a mapping, got {type(item).__name__}")
    return sum(_utf8_len(name) + wire_value_size(attr) for name, attr in item.items())


def gsi_entry_size(table_key_bytes: int, index_key_bytes: int, projected_bytes: int = 0) -> int:
    """Size of one global secondary index entry, before storage overhead.

    Parameters
    ----------
    table_key_bytes : int
        Size of the base table's primary key attributes (names + values).
    index_key_bytes : int
        Size of the index key attributes not already in the table key.
    projected_bytes : int, default 0
        Size of the other projected attributes (0 for ``KEYS_ONLY``).

    Returns
    -------
    int
        Pass the result to :func:`storage_bytes` to add the 100-byte overhead,
        or to :func:`write_units_for_item` for the index write.
    """
    return int(
        _check_count(table_key_bytes, "table_key_bytes")
        + _check_count(index_key_bytes, "index_key_bytes")
        + _check_count(projected_bytes, "projected_bytes")
    )


def storage_bytes(item_sizes: Iterable[int]) -> int:
    """Billed storage of items (or GSI entries): each size + 100 bytes.

    Parameters
    ----------
    item_sizes : iterable of int
        Item sizes in bytes, as :func:`item_size` computes them.

    Returns
    -------
    int
    """
    sizes = _check_sizes(item_sizes, "item_sizes")
    return int(sum(sizes) + STORAGE_OVERHEAD_BYTES * len(sizes))


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------


def _strong_read_units(size_bytes: float) -> int:
    """4 KB units for ``size_bytes``, minimum 1 (a read that finds nothing)."""
    return max(1, math.ceil(size_bytes / READ_UNIT_BYTES))


def _scale_read(units: int, consistent: bool) -> float:
    return float(units) if consistent else units / 2


def read_units_for_get(
    size_bytes: float, consistent: bool = False, transactional: bool = False
) -> float:
    """Read units of one GetItem.

    Parameters
    ----------
    size_bytes : int
        Item size; 0 for an item that does not exist (still charged the
        minimum: 1 strongly consistent, 0.5 eventually consistent).
    consistent : bool, default False
        Strongly consistent read (eventually consistent is half).
    transactional : bool, default False
        Part of TransactGetItems: twice a strongly consistent read;
        ``consistent`` is then ignored.

    Returns
    -------
    float

    Examples
    --------
    >>> read_units_for_get(3500, consistent=True), read_units_for_get(10 * 1024)
    (1.0, 1.5)
    """
    units = _strong_read_units(_check_count(size_bytes, "size_bytes"))
    if transactional:
        return float(2 * units)
    return _scale_read(units, consistent)


def read_units_for_batch_get(sizes: Iterable[int], consistent: bool = False) -> float:
    """Read units of one BatchGetItem: each item rounded up to 4 KB on its own.

    Parameters
    ----------
    sizes : iterable of int
        Sizes of the requested items (0 for a key that was not found).
    consistent : bool, default False

    Returns
    -------
    float
        0.0 when nothing was requested.
    """
    checked = _check_sizes(sizes, "sizes")
    return sum(_scale_read(_strong_read_units(s), consistent) for s in checked)


def _page_read_units(sizes: Iterable[float], consistent: bool, name: str) -> float:
    checked = _check_sizes(sizes, name)
    return _scale_read(_strong_read_units(sum(checked)), consistent)


def read_units_for_query(sizes: Iterable[float], consistent: bool = False) -> float:
    """Read units of one Query request (one page): sum the sizes, then round up.

    Parameters
    ----------
    sizes : iterable of int
        Sizes of every item the key condition matched on this page, before
        any filter expression (filtered-out items are still paid for).
        For a query on a GSI, use the index entries' sizes.
    consistent : bool, default False

    Returns
    -------
    float
        At least 1 (0.5 eventually consistent), even when nothing matched.
        For a result spanning several pages use :func:`read_units_for_pages`.
    """
    return _page_read_units(sizes, consistent, "sizes")


def read_units_for_scan(sizes: Iterable[int], consistent: bool = False) -> float:
    """Read units of one Scan request (one page): same rule as Query.

    Parameters
    ----------
    sizes : iterable of int
        Sizes of every item the page *evaluated*, not only those the filter
        returned.
    consistent : bool, default False

    Returns
    -------
    float
    """
    return _page_read_units(sizes, consistent, "sizes")


def split_into_pages(sizes: Iterable[float], page_bytes: int = MAX_PAGE_BYTES) -> list[list[float]]:
    """Group item sizes into the pages a Query or Scan would read.

    A page takes items in order until the next item would take it past
    ``page_bytes`` (1 MB); that item starts the next page.  AWS does not
    document exactly which side of the boundary the crossing item falls on,
    so page edges (and so the rounding) are an approximation.

    Parameters
    ----------
    sizes : iterable of int
    page_bytes : int, default 1 MB

    Returns
    -------
    list of list of int
        An empty input gives one empty page (a request that read nothing).
    """
    checked = _check_sizes(sizes, "sizes")
    if _check_count(page_bytes, "page_bytes") == 0:
        raise DataError("page_bytes must be > 0")
    pages: list[list[float]] = [[]]
    current = 0.0
    for size in checked:
        if pages[-1] and current + size > page_bytes:
            pages.append([])
            current = 0
        pages[-1].append(size)
        current += size
    return pages


def read_units_for_pages(pages: Iterable[Iterable[float]], consistent: bool = False) -> float:
    """Read units of a paginated Query or Scan: :func:`read_units_for_query` per page.

    Parameters
    ----------
    pages : iterable of iterables of int
        Item sizes grouped by request, e.g. from :func:`split_into_pages` or
        from the pages a paginator returned.
    consistent : bool, default False

    Returns
    -------
    float
    """
    return sum(
        _page_read_units(page, consistent, f"pages[{i}]") for i, page in enumerate(pages)
    )


# --------------------------------------------------------------------------
# Writes
# --------------------------------------------------------------------------


def _write_units(size_bytes: float) -> int:
    return max(1, math.ceil(size_bytes / WRITE_UNIT_BYTES))


def write_units_for_item(size_bytes: float, transactional: bool = False) -> float:
    """Write units of writing (or deleting) one item of ``size_bytes``.

    Rounded up to the next 1 KB, at least 1 (a conditional write that fails
    on a missing item still costs 1).  Transactional writes cost double.

    Returns
    -------
    float
    """
    units = _write_units(_check_count(size_bytes, "size_bytes"))
    return float(2 * units if transactional else units)


def _gsi_units(gsi_projected_sizes: Iterable[int]) -> int:
    sizes = _check_sizes(gsi_projected_sizes, "gsi_projected_sizes")
    return sum(_write_units(s) for s in sizes)


def write_units_for_put(
    item_size: int, gsi_projected_sizes: Iterable[int] = (), transactional: bool = False
) -> float:
    """Write units of one PutItem, including global secondary index writes.

    Parameters
    ----------
    item_size : int
        Size of the item written (or of the item it replaces, if larger).
    gsi_projected_sizes : iterable of int, default ()
        One size per GSI whose key attributes are present in the item: the
        size of that index's entry (keys + projected attributes, see
        :func:`gsi_entry_size`).  Indexes whose keys are absent write nothing
        and must be left out.
    transactional : bool, default False
        Doubles the whole write, index writes included (see module docstring).

    Returns
    -------
    float
    """
    table = _write_units(_check_count(item_size, "item_size"))
    units = table + _gsi_units(gsi_projected_sizes)
    return float(2 * units if transactional else units)


def write_units_for_delete(
    item_size: int, gsi_projected_sizes: Iterable[int] = (), transactional: bool = False
) -> float:
    """Write units of one DeleteItem: the deleted item's size, plus one write
    per GSI entry removed (sizes as in :func:`write_units_for_put`)."""
    return write_units_for_put(item_size, gsi_projected_sizes, transactional)


def gsi_write_units(
    before_size: int | None, after_size: int | None, key_changed: bool = False
) -> int:
    """Write units one GSI consumes when a base-table item changes.

    Parameters
    ----------
    before_size, after_size : int or None
        Size of the item's entry in this index before and after the write;
        ``None`` when the item is not in the index (its index key absent).
    key_changed : bool, default False
        The index key value changed (both sizes given): the entry is deleted
        and put again, two writes.

    Returns
    -------
    int
        0 when absent before and after; 1 write of the new entry when it
        appears or only its projected attributes change; 1 write of the old
        entry when it disappears; delete-old + put-new when the key changed.
    """
    if before_size is not None:
        _check_count(before_size, "before_size")
    if after_size is not None:
        _check_count(after_size, "after_size")
    if before_size is None:
        return 0 if after_size is None else _write_units(after_size)
    if after_size is None:
        return _write_units(before_size)
    if key_changed:
        return _write_units(before_size) + _write_units(after_size)
    return _write_units(after_size)


def write_units_for_update(
    before_size: int,
    after_size: int,
    gsi_changes: Iterable[tuple[int | None, int | None, bool]] = (),
    transactional: bool = False,
) -> float:
    """Write units of one UpdateItem.

    Parameters
    ----------
    before_size, after_size : int
        Item size before and after; the larger is charged (0 before for an
        update that creates the item).
    gsi_changes : iterable of (before, after, key_changed), default ()
        One tuple per global secondary index, as :func:`gsi_write_units`
        takes them.
    transactional : bool, default False

    Returns
    -------
    float
    """
    table = _write_units(
        max(_check_count(before_size, "before_size"), _check_count(after_size, "after_size"))
    )
    units = table + sum(gsi_write_units(b, a, k) for b, a, k in gsi_changes)
    return float(2 * units if transactional else units)


def write_units_for_batch_write(sizes: Iterable[int]) -> float:
    """Write units of one BatchWriteItem: each put/delete rounded up to 1 KB on its own."""
    return float(sum(_write_units(s) for s in _check_sizes(sizes, "sizes")))


# --------------------------------------------------------------------------
# Prices
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """The USD price of ONE billing unit in one region and billing mode.

    Attributes
    ----------
    region : str
    billing_mode : {"on_demand", "provisioned"}
    unit : str
        ``read_request_unit``, ``write_request_unit`` (on-demand),
        ``rcu_hour``, ``wcu_hour`` (provisioned) or ``gb_month`` (storage,
        listed under both modes at the same price).
    usd : float
        Price of a single unit (e.g. 1.25e-07 for $0.125 per million).
    source : str
        Where the figure comes from; says so plainly when it is an estimate.
    as_of : str
        ISO date the figure describes.
    """

    region: str
    billing_mode: str
    unit: str
    usd: float
    source: str
    as_of: str

    @property
    def key(self) -> str:
        """``"<billing_mode>.<unit>"``, the key used by :func:`price_table`."""
        return f"{self.billing_mode}.{self.unit}"


_PER_MILLION = 1_000_000

_USE1_ON_DEMAND_SRC = (
    "https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class; "
    "$0.125 per million read request units, $0.625 per million write request "
    "units, the prices in force since the 2024-11-01 on-demand price cut)"
)
_USE1_PROVISIONED_SRC = (
    "https://aws.amazon.com/dynamodb/pricing/provisioned/ (Standard table class; "
    "$0.00013 per RCU-hour, $0.00065 per WCU-hour)"
)
_USE1_STORAGE_SRC = (
    "https://aws.amazon.com/dynamodb/pricing/ (Standard table class storage "
    "$0.25 per GB-month; first 25 GB per month free)"
)
_EUW3_ON_DEMAND_SRC = (
    "unverified: eu-west-3 figure ({} per million) as a third-party project "
    "reported reading it from the AWS Price List Query API (usage type {}); "
    "verify at https://aws.amazon.com/dynamodb/pricing/on-demand/"
)
_EUW3_ESTIMATE_SRC = (
    "estimate, unverified: us-east-1 price x 1.1877 (the eu-west-3/us-east-1 "
    "ratio of on-demand write prices), rounded; verify at {}"
)

_PRICES: dict[str, tuple[Price, ...]] = {
    "us-east-1": (
        Price("us-east-1", "on_demand", "read_request_unit", 0.125 / _PER_MILLION,
              _USE1_ON_DEMAND_SRC, "2024-11-01"),
        Price("us-east-1", "on_demand", "write_request_unit", 0.625 / _PER_MILLION,
              _USE1_ON_DEMAND_SRC, "2024-11-01"),
        Price("us-east-1", "on_demand", "gb_month", 0.25, _USE1_STORAGE_SRC, "2024-11-01"),
        Price("us-east-1", "provisioned", "rcu_hour", 0.00013, _USE1_PROVISIONED_SRC,
              "2024-11-01"),
        Price("us-east-1", "provisioned", "wcu_hour", 0.00065, _USE1_PROVISIONED_SRC,
              "2024-11-01"),
        Price("us-east-1", "provisioned", "gb_month", 0.25, _USE1_STORAGE_SRC, "2024-11-01"),
    ),
    "eu-west-3": (
        Price("eu-west-3", "on_demand", "read_request_unit", 0.1487 / _PER_MILLION,
              _EUW3_ON_DEMAND_SRC.format("$0.1487", "EUW3-ReadRequestUnits"), "2024-11-01"),
        Price("eu-west-3", "on_demand", "write_request_unit", 0.7423 / _PER_MILLION,
              _EUW3_ON_DEMAND_SRC.format("$0.7423", "EUW3-WriteRequestUnits"), "2024-11-01"),
        Price("eu-west-3", "on_demand", "gb_month", 0.297,
              _EUW3_ESTIMATE_SRC.format("https://aws.amazon.com/dynamodb/pricing/"),
              "2024-11-01"),
        Price("eu-west-3", "provisioned", "rcu_hour", 0.0001544,
              _EUW3_ESTIMATE_SRC.format("https://aws.amazon.com/dynamodb/pricing/provisioned/"),
              "2024-11-01"),
        Price("eu-west-3", "provisioned", "wcu_hour", 0.000772,
              _EUW3_ESTIMATE_SRC.format("https://aws.amazon.com/dynamodb/pricing/provisioned/"),
              "2024-11-01"),
        Price("eu-west-3", "provisioned", "gb_month", 0.297,
              _EUW3_ESTIMATE_SRC.format("https://aws.amazon.com/dynamodb/pricing/"),
              "2024-11-01"),
    ),
}


def price_table(region: str, overrides: Mapping[str, float] | None = None) -> dict[str, Price]:
    """The prices of one region, keyed ``"<billing_mode>.<unit>"``.

    Keys: ``on_demand.read_request_unit``, ``on_demand.write_request_unit``,
    ``on_demand.gb_month``, ``provisioned.rcu_hour``,
    ``provisioned.wcu_hour``, ``provisioned.gb_month``.

    Parameters
    ----------
    region : str
        ``"us-east-1"`` or ``"eu-west-3"``.
    overrides : Mapping[str, float], optional
        USD per ONE unit, keyed by a full key (``"provisioned.rcu_hour"``) or
        a bare unit (``"gb_month"``, applied to every mode that has it).
        Overridden entries get ``source="override"``.

    Returns
    -------
    dict[str, Price]
        A fresh dict; mutating it does not change the module's table.

    Raises
    ------
    DataError (a ValueError)
        If the region is unknown, or an override key matches no entry or its
        value is not a number >= 0.
    """
    if region not in _PRICES:
        raise DataError(
            f"no DynamoDB prices for region {region!r}; known regions: {sorted(_PRICES)}"
        )
    table = {p.key: p for p in _PRICES[region]}
    for key, usd in (overrides or {}).items():
        _check_count(usd, f"overrides[{key!r}]")
        targets = [k for k, p in table.items() if key in (k, p.unit)]
        if not targets:
            raise DataError(
                f"overrides key {key!r} matches no price; known keys: {sorted(table)}"
            )
        for k in targets:
            old = table[k]
            table[k] = Price(old.region, old.billing_mode, old.unit, float(usd),
                             "override", old.as_of)
    return table


def price_regions() -> list[str]:
    """The regions :func:`price_table` knows prices for, sorted."""
    return sorted(_PRICES)


# --------------------------------------------------------------------------
# Monthly cost
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CostBreakdown:
    """A month's DynamoDB cost in USD, with the prices it was computed from."""

    reads: float
    writes: float
    storage: float
    total: float
    billing_mode: str
    region: str
    prices: Mapping[str, Price] = field(default_factory=dict)


def _price(prices: Mapping[str, Price], key: str) -> float:
    try:
        return prices[key].usd
    except KeyError:
        raise DataError(f"prices has no entry {key!r}") from None


def monthly_cost(
    *,
    read_request_units: float = 0,
    write_request_units: float = 0,
    storage_bytes: float = 0,
    billing_mode: str = "on_demand",
    region: str = "us-east-1",
    provisioned_rcu: float = 0,
    provisioned_wcu: float = 0,
    hours: float = 730,
    apply_free_tier: bool = True,
    prices: Mapping[str, Price] | None = None,
) -> CostBreakdown:
    """Cost of one month of DynamoDB use.

    Parameters
    ----------
    read_request_units, write_request_units : float
        Units consumed in the month (on-demand only; ignored when
        provisioned, where capacity is paid whether used or not).
    storage_bytes : float
        Average billed bytes stored over the month (items + 100 bytes each,
        see :func:`storage_bytes`).  1 GB = 1024**3 bytes.
    billing_mode : {"on_demand", "provisioned"}
    region : str
        Region whose :func:`price_table` is used when ``prices`` is None.
    provisioned_rcu, provisioned_wcu : float
        Provisioned capacity (provisioned only), held for ``hours``.
    hours : float, default 730
        Hours in the month (730 = 8760 / 12).
    apply_free_tier : bool, default True
        Subtract 25 GB of storage (both modes) and 25 RCU / 25 WCU
        (provisioned only).  The free tier is per account and region; this
        treats the estimate as the account's only use.
    prices : Mapping[str, Price], optional
        A table as :func:`price_table` returns; defaults to ``region``'s.

    Returns
    -------
    CostBreakdown

    Raises
    ------
    DataError (a ValueError)
        On a negative quantity (the message names it), an unknown billing
        mode or region, or a ``prices`` table lacking a needed entry.
    """
    _check_billing_mode(billing_mode)
    rru = _check_count(read_request_units, "read_request_units")
    wru = _check_count(write_request_units, "write_request_units")
    stored = _check_count(storage_bytes, "storage_bytes")
    rcu = _check_count(provisioned_rcu, "provisioned_rcu")
    wcu = _check_count(provisioned_wcu, "provisioned_wcu")
    hrs = _check_count(hours, "hours")
    table = dict(prices) if prices is not None else price_table(region)

    if billing_mode == "on_demand":
        reads = rru * _price(table, "on_demand.read_request_unit")
        writes = wru * _price(table, "on_demand.write_request_unit")
    else:
        free_rcu = FREE_TIER["rcu"] if apply_free_tier else 0
        free_wcu = FREE_TIER["wcu"] if apply_free_tier else 0
        reads = max(0.0, rcu - free_rcu) * hrs * _price(table, "provisioned.rcu_hour")
        writes = max(0.0, wcu - free_wcu) * hrs * _price(table, "provisioned.wcu_hour")

    gb = stored / GB_BYTES
    free_gb = FREE_TIER["storage_gb"] if apply_free_tier else 0
    storage = max(0.0, gb - free_gb) * _price(table, f"{billing_mode}.gb_month")

    return CostBreakdown(
        reads=reads,
        writes=writes,
        storage=storage,
        total=reads + writes + storage,
        billing_mode=billing_mode,
        region=region,
        prices=table,
    )


def provisioned_capacity_for(
    peak_reads_per_second_units: float, peak_writes_per_second_units: float
) -> tuple[int, int]:
    """Provisioned (RCU, WCU) that carry a peak load: each rounded up, at least 1.

    Parameters
    ----------
    peak_reads_per_second_units : float
        Peak read units consumed per second (already weighted for item size
        and consistency, e.g. summed :func:`read_units_for_get`).
    peak_writes_per_second_units : float
        Peak write units consumed per second.

    Returns
    -------
    tuple of int
    """
    r = _check_count(peak_reads_per_second_units, "peak_reads_per_second_units")
    w = _check_count(peak_writes_per_second_units, "peak_writes_per_second_units")
    return max(1, math.ceil(r)), max(1, math.ceil(w))
