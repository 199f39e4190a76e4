"""DynamoDB wire values <-> Python, and items -> typed DataFrames. The one place that converts.

Conversion table (wire -> Python by :func:`to_python`, which reads botocore's parsed responses
and the response JSON alike, bit for bit what boto3's ``TypeDeserializer`` gives with binaries
as ``bytes``; Python -> wire by boto3's ``TypeSerializer``)::

    wire            Python (to_python)          Python accepted by to_wire
    {"S": s}        str                         str
    {"N": "1.5"}    decimal.Decimal (exact)     int, Decimal, float (via str(), never binary)
    {"B": b}        bytes (b: bytes or base64)  bytes, bytearray
    {"BOOL": b}     bool                        bool
    {"NULL": True}  None                        None
    {"M": {...}}    dict                        Mapping
    {"L": [...]}    list                        list, tuple
    {"SS"/"NS"/"BS"} set                        set, frozenset

Numbers stay :class:`~decimal.Decimal` until :func:`items_to_frame` is asked for floats
(the default, for analysis) or keeps them exact (``numbers="decimal"``).

Timestamps are read strictly (:func:`parse_timestamp`): ISO 8601 date-times with ``Z`` or an
offset (``2025-03-01T10:00:00Z``, ``2025-03-01T11:00:00.5+01:00``) and epoch numbers (a
DynamoDB number or a string of digits; milliseconds when above 10^11, else seconds) become UTC
:class:`pandas.Timestamp`. Nothing else is guessed: ``now``, ``today``, ``31/12/2025``,
``12/31/2025``, a date-time without an offset, ``NaN`` or a month 13 are unreadable. Unreadable
ones become ``NaT`` and are listed in ``frame.attrs["invalid_timestamps"]`` so reports count them.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .exceptions import DataError, ParameterError

EPOCH_MS_THRESHOLD = 10**11  # epoch seconds reach 10^11 in the year 5138

#: the one timestamp text form read: ISO 8601 / RFC 3339 date-time with seconds optional, a
#: fraction optional, and ``Z`` or a ``±HH:MM`` / ``±HHMM`` offset required
ISO_TIMESTAMP_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})")
_EPOCH_TEXT_RE = re.compile(r"\d+(?:\.\d+)?")

if TYPE_CHECKING:
    import pandas as pd
# pandas is imported by the functions that make timestamps and frames, not here: the wire
# conversions (the embedded server's set-up, the demo dataset, writes) need none of it (~0.8 s)


def _prepare(value: Any) -> Any:
    """Floats -> Decimal through their shortest repr; containers recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ParameterError("value", f"DynamoDB numbers cannot be {value}")
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_prepare(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {_prepare(v) for v in value}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


@functools.cache
def _serializer() -> Any:
    """boto3's serializer, imported at the first conversion to the wire.

    Imported here rather than at the top because the analytics use this module for
    timestamps and frames only, and must not load boto3 (DESIGN.md, dependency direction).
    """
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


def to_wire(value: Any) -> dict:
    """One Python value -> one wire value (``{"S": "x"}``)."""
    return _serializer().serialize(_prepare(value))


@functools.cache
def _decoder() -> tuple[Callable[[Mapping[str, Any]], Any], Callable[[Mapping[str, Any]], dict[str, Any]]]:
    """The one wire -> Python converter, for a value and for an item (built at first use: it needs
    boto3's number context).

    Gives what boto3's ``TypeDeserializer`` gives, with binaries as ``bytes``: numbers through
    boto3's ``DYNAMODB_CONTEXT`` (38 digits, exact or an error, never rounded), the first key
    of a wire value decides its type. It reads both wire forms: botocore's parsed responses
    (``B`` as bytes) and the response JSON itself (``B`` as base64 text, decoded as botocore's
    blob parser does).
    """
    from boto3.dynamodb.types import DYNAMODB_CONTEXT

    number = DYNAMODB_CONTEXT.create_decimal
    b64decode = base64.b64decode

    def binary(raw: Any) -> bytes:
        if isinstance(raw, str):
            return b64decode(raw)
        if isinstance(raw, (bytes, bytearray, memoryview)):
            return bytes(raw)
        inner = getattr(raw, "value", None)  # boto3's Binary
        if isinstance(inner, (bytes, bytearray)):
            return bytes(inner)
        raise DataError(f"a wire B value must be bytes or base64 text, got {type(raw).__name__}")

    def value(wire: Mapping[str, Any]) -> Any:
        for tag, raw in wire.items():  # the first key only, as boto3
            if tag == "S":
                return raw
            if tag == "N":
                return number(raw)
            if tag == "M":
                return {k: value(v) for k, v in raw.items()}
            if tag == "L":
                return [value(v) for v in raw]
            if tag == "BOOL":
                return raw
            if tag == "NULL":
                return None
            if tag == "B":
                return binary(raw)
            if tag == "SS":
                return set(raw)
            if tag == "NS":
                return set(map(number, raw))
            if tag == "BS":
                return set(map(binary, raw))
            raise DataError(f"wire value of unknown DynamoDB type {tag!r}")
        raise DataError(f"a wire value must be a one-key mapping like {{'S': 'x'}}, got {wire!r}")

    def item(wire_item: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        out = {}
        for name, wire in wire_item.items():
            for tag, raw in wire.items():  # strings and numbers inline: most attributes are
                if tag == "S":
                    out[name] = raw
                elif tag == "N":
                    out[name] = number(raw)
                else:
                    out[name] = value(wire)
                break
            else:
                out[name] = value(wire)  # an empty wire value: value() says what is wrong
        return out

    return value, item


class DecodedPage:
    """Wire items decoded by :func:`decode_page`, with what the meter needs to size them.

    ``items``: the Python items (each what :func:`item_to_python` gives). The rest is the wire
    form, gathered while decoding so that the items' sizes can be summed per page instead of
    item by item: ``names`` (each item's attribute names, in order), ``strings`` (the ``S``
    values), ``numbers`` (the ``N`` texts), ``maps`` (each ``M`` value's keys), ``lists`` (each
    ``L`` value's length) — at every depth — and ``others`` (every other wire value: binaries,
    sets, flags, nulls, each whole).
    """

    __slots__ = ("items", "names", "strings", "numbers", "maps", "lists", "others")

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.names: list[tuple[str, ...]] = []
        self.strings: list[Any] = []
        self.numbers: list[Any] = []
        self.maps: list[tuple[str, ...]] = []
        self.lists: list[int] = []
        self.others: list[Mapping[str, Any]] = []


@functools.cache
def _page_decoder() -> Callable[[Iterable[Mapping[str, Mapping[str, Any]]]], DecodedPage]:
    from boto3.dynamodb.types import DYNAMODB_CONTEXT

    number = DYNAMODB_CONTEXT.create_decimal
    value = _decoder()[0]

    def page(wire_items: Iterable[Mapping[str, Mapping[str, Any]]]) -> DecodedPage:
        # _decoder's item and value, inline, in one loop that also files each wire value by type:
        # the meter then sums the sizes per page (all the strings joined once, ...).
        decoded = DecodedPage()
        add_item, add_names = decoded.items.append, decoded.names.append
        add_string, add_number = decoded.strings.append, decoded.numbers.append
        add_map, add_list, add_other = decoded.maps.append, decoded.lists.append, decoded.others.append

        def filed(wire: Mapping[str, Any]) -> Any:
            for tag, raw in wire.items():  # the first key decides, as boto3
                if tag == "S":
                    add_string(raw)
                    return raw
                if tag == "N":
                    add_number(raw)
                    return number(raw)
                if tag == "M":
                    add_map(tuple(raw))
                    return {k: filed(v) for k, v in raw.items()}
                if tag == "L":
                    add_list(len(raw))
                    return [filed(v) for v in raw]
                break
            add_other(wire)
            return value(wire)  # binaries, sets, flags, nulls; value() says what is wrong

        for wire_item in wire_items:
            out = {}
            for name, wire in wire_item.items():
                for tag, raw in wire.items():  # strings and numbers inline: most attributes are
                    if tag == "S":
                        out[name] = raw
                        add_string(raw)
                    elif tag == "N":
                        out[name] = number(raw)
                        add_number(raw)
                    else:
                        out[name] = filed(wire)
                    break
                else:
                    out[name] = value(wire)  # an empty wire value: value() says what is wrong
            add_item(out)
            add_names(tuple(wire_item))
        return decoded

    return page


def decode_page(wire_items: Iterable[Mapping[str, Mapping[str, Any]]]) -> DecodedPage:
    """Wire items -> a :class:`DecodedPage`: the items as :func:`items_to_python` gives them, and
    their wire values filed by type (for the request meter's per-page sizing)."""
    if isinstance(wire_items, (str, bytes, Mapping)) or not isinstance(wire_items, Iterable):
        raise ParameterError("wire_items", f"must be a list of wire items, got {type(wire_items).__name__}")
    return _page_decoder()(wire_items)


def to_python(wire_value: Mapping[str, Any]) -> Any:
    """One wire value -> one Python value (numbers as exact Decimal, binary as bytes)."""
    return _decoder()[0](wire_value)


def item_to_wire(item: Mapping[str, Any]) -> dict[str, dict]:
    return {name: to_wire(value) for name, value in item.items()}


def item_to_python(item: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One wire item (botocore's parsed form or the response JSON) -> one Python item."""
    return _decoder()[1](item)


def items_to_python(items: Iterable[Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Wire items -> Python items: :func:`item_to_python` on each (the converter looked up once)."""
    item = _decoder()[1]
    return [item(i) for i in items]


# -- timestamps ----------------------------------------------------------------------------------

def parse_timestamp(value: Any) -> pd.Timestamp | None:
    """A timestamp in a form the tables use -> UTC Timestamp; ``None`` when unreadable or missing.

    Strict: an ISO 8601 date-time with ``Z`` or an offset (:data:`ISO_TIMESTAMP_RE`), or an epoch
    number (int/Decimal/float or a string of digits, >= 0). ``"now"``, ``"31/12/2025"``, a naive
    ``"2025-03-01T10:00:00"`` and every other form give ``None``: callers report it as a finding.
    """
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None  # NaT is a datetime too: without this check it recursed forever
    if isinstance(value, pd.Timestamp):
        return value.tz_convert("UTC") if value.tzinfo else value.tz_localize("UTC")
    if isinstance(value, dt.datetime):
        return parse_timestamp(pd.Timestamp(value))
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            number = float(value)
        except (InvalidOperation, ValueError):
            return None
        if not math.isfinite(number) or number < 0:
            return None
        unit = "ms" if abs(number) >= EPOCH_MS_THRESHOLD else "s"
        try:
            return pd.Timestamp(int(number) if unit == "ms" else number, unit=unit, tz="UTC")
        except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
            return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _EPOCH_TEXT_RE.fullmatch(text):
            return parse_timestamp(Decimal(text))
        if not ISO_TIMESTAMP_RE.fullmatch(text):
            return None
        try:
            ts = pd.Timestamp(text.replace(",", "."))
        except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
            return None
        if ts is pd.NaT:
            return None
        return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return None


def to_timestamp_series(values: Iterable[Any]) -> tuple[pd.Series, list[int]]:
    """Parse a column of timestamps; returns (UTC datetime series, positions that were unreadable)."""
    import pandas as pd

    parsed, invalid = [], []
    for pos, value in enumerate(values):
        ts = parse_timestamp(value)
        missing = value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value == ""
        if ts is None and not missing:
            invalid.append(pos)
        parsed.append(ts if ts is not None else pd.NaT)
    series = pd.Series(pd.to_datetime(parsed, utc=True) if parsed else pd.Series([], dtype="datetime64[ns, UTC]"))
    return series.astype("datetime64[ns, UTC]"), invalid


# -- frames ------------------------------------------------------------------------------------

def _is_number_column(values: list[Any]) -> bool:
    """Every value None or a number (Decimal/int, not bool), and at least one number."""
    found = False
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (Decimal, int)):
            return False
        found = True
    return found


def _float_column(values: list[Any]) -> tuple[list[float], list[int]]:
    """Numbers as floats (None -> NaN) and the positions of the values that are not numbers (NaN)."""
    floats: list[float] = []
    bad: list[int] = []
    nan = math.nan
    for i, v in enumerate(values):
        if v is None:
            floats.append(nan)
        elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            floats.append(float(v))
        else:
            bad.append(i)
            floats.append(nan)
    return floats, bad


def items_to_frame(
    items: Iterable[Mapping[str, Any]],
    *,
    columns: Sequence[str] = (),
    timestamps: Sequence[str] = (),
    numbers: Sequence[str] | str = "auto",
    exact: bool = False,
) -> pd.DataFrame:
    """Python-form items -> DataFrame.

    ``columns`` are always present (in that order, then any others), even for no items.
    ``timestamps`` columns become UTC datetimes (unreadable -> NaT, listed in
    ``attrs["invalid_timestamps"]``). ``numbers``: columns converted to float (or kept as
    Decimal with ``exact=True``); ``"auto"`` converts every column whose values are all
    Decimal/None. Values that are not numbers in a number column become NaN and are listed in
    ``attrs["invalid_numbers"]``. Maps and lists are kept as Python objects.
    """
    import pandas as pd

    rows = [item if type(item) is dict else dict(item) for item in items]  # pandas copies the values
    seen: dict[str, Any] = dict.fromkeys(columns)
    for row in rows:
        seen.update(row)  # new names at the end, in order of appearance (only the keys are used)
    frame = pd.DataFrame(rows, columns=list(seen))
    frame = frame.astype(object).where(frame.notna(), None) if rows else frame
    invalid_ts: dict[str, list[int]] = {}
    invalid_num: dict[str, list[int]] = {}

    for col in timestamps:
        if col not in frame:
            frame[col] = pd.Series([], dtype="datetime64[ns, UTC]") if frame.empty else pd.NaT
        series, bad = to_timestamp_series(frame[col].tolist())
        series.index = frame.index
        frame[col] = series
        if bad:
            invalid_ts[col] = [frame.index[i] for i in bad]

    if numbers == "auto":
        number_cols = [c for c in frame.columns
                       if c not in timestamps and len(frame) and _is_number_column(frame[c].tolist())]
    else:
        number_cols = list(numbers)
    for col in number_cols:
        if col not in frame:
            frame[col] = pd.Series([], dtype=float) if frame.empty else math.nan
            continue
        values = frame[col].tolist()
        floats, bad = _float_column(values)
        if bad:
            invalid_num[col] = [frame.index[i] for i in bad]
        if exact:
            frame[col] = [v if isinstance(v, (Decimal, int)) and not isinstance(v, bool) else None for v in values]
        else:
            frame[col] = pd.Series(floats, index=frame.index, dtype=float)
    frame.attrs["invalid_timestamps"] = invalid_ts
    frame.attrs["invalid_numbers"] = invalid_num
    return frame
