"""Report tables as HTML, one set of conventions for every report.

:func:`render_table` turns a DataFrame into an escaped HTML table:

- column labels are made human (``requests_per_month`` → "Requests per month", ``usd`` → "USD");
- numbers are right-aligned (``class="num"``), text left;
- money columns (``cost``, ``usd``, ``commission``, ``fee``, ``pnl``, ``price``, ``invested``,
  ``volume`` in the name) get 2 decimals (a non-zero amount below 0.01 keeps 2 significant
  digits, so a tiny cloud cost is not shown as 0.00), and "cost" columns say "(USD)";
- ``ratio``/``rate``/``share`` columns holding values in [0, 1] are percentages;
- whole numbers are integers with thousands separators; nothing is in scientific notation;
- booleans are "yes"/"no"; dates at midnight lose their ``00:00``; a text value that is a whole
  ISO 8601 time (``2025-05-02T06:12:40+00:00``, as stored) is shown like a time column, in UTC;
- long identifiers (id/key columns) are shortened, the full value in a ``title`` tooltip;
- the first ``max_rows`` rows are shown, the rest inside a native ``<details>`` element, under
  "N of M shown".

An explicit ``formats`` entry (``str.format`` pattern) wins over the conventions for its column,
unless it yields scientific notation.
Every value is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from .labels import MONEY_NAME as _MONEY
from .labels import column_label

__all__ = ["column_label", "format_cell", "render_table"]

#: columns right-aligned by the table's ``r<n>`` classes (the theme has a rule for each)
ALIGNED_COLUMNS = 24
_NUMERIC = ("share", "money", "int", "number")
#: rows kept inside ``<details>`` at most (a report is not a data dump)
MAX_HIDDEN_ROWS = 2000

_SHARE = re.compile(r"(ratio|rate|share)$", re.IGNORECASE)
_ID = re.compile(r"(^|_|\b)(id|key|pk|sk|uuid)s?$|_id_|^key|wallet|signature|hash", re.IGNORECASE)
_SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_ID_KEEP = 14  # identifiers longer than this are shortened


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain_number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _significant(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant digits, never in scientific notation."""
    if value == 0:
        return "0"
    decimals = max(0, min(12, digits - 1 - math.floor(math.log10(abs(value)))))
    return f"{value:,.{decimals}f}"


def format_cell(value: Any, *, kind: str = "", fmt: str | None = None) -> str:
    """One value as text. ``kind``: ``money``, ``share``, ``int``, ``date`` or ``""`` (by type)."""
    if _is_missing(value):
        return ""
    if fmt is not None:
        try:
            text = fmt.format(value)
        except (ValueError, TypeError):
            return str(value)
        if not _SCIENTIFIC.search(text):
            return text  # a pattern in scientific notation falls back to the conventions below
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if kind == "date" or (stamp.hour, stamp.minute, stamp.second) == (0, 0, 0):
            return stamp.strftime("%Y-%m-%d")
        return stamp.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            stamp = pd.Timestamp(value)
        except ValueError:
            return value
        stamp = stamp.tz_convert("UTC") if stamp.tzinfo is not None else stamp
        return format_cell(stamp.tz_localize(None), kind=kind)
    if isinstance(value, pd.Timedelta):
        return str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return "–" if math.isnan(number) else ("∞" if number > 0 else "−∞")
        if kind == "share":
            return f"{number:.1%}"
        if kind == "money":
            return _plain_number(number, 2) if number == 0 or abs(number) >= 0.01 else _significant(number, 2)
        if kind == "int" or (number == int(number) and abs(number) < 1e15):
            return f"{number:,.0f}"
        if abs(number) >= 1000:
            return _plain_number(number, 0)
        if abs(number) >= 1:
            return _plain_number(number, 2)
        return _significant(number, 3)
    return str(value)


def _column_kind(name: Any, column: pd.Series) -> str:
    values = column.dropna()
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(column):
        stamps = pd.to_datetime(values)
        midnight = bool(((stamps.dt.hour == 0) & (stamps.dt.minute == 0) & (stamps.dt.second == 0)).all())
        return "date" if midnight else "datetime"
    numeric = pd.api.types.is_numeric_dtype(column) or (
        len(values) > 0 and all(isinstance(v, int | float | Decimal | np.number) and not isinstance(v, bool)
                                for v in values))
    if not numeric:
        return "id" if _ID.search(str(name)) else "text"
    floats = pd.to_numeric(values, errors="coerce").astype(float)
    if _SHARE.search(str(name)) and len(floats) and floats.between(0, 1).all():
        return "share"
    if _MONEY.search(str(name)):
        return "money"
    return "int" if len(floats) and bool((floats == floats.round()).all()) else "number"


def _cell(value: Any, kind: str, fmt: str | None, aligned_by_table: bool = False) -> str:
    numeric = kind in ("share", "money", "int", "number") and not aligned_by_table
    text = format_cell(value, kind=kind if kind in ("share", "money", "int", "date") else "", fmt=fmt)
    if kind == "id" and isinstance(value, str) and len(value) > _ID_KEEP and not re.search(r"\s", value):
        short = f"{value[:8]}…{value[-4:]}"
        body = f'<span class="dr-id" title="{escape(value)}">{escape(short)}</span>'
    else:
        body = escape(text)
    if numeric and not _is_missing(value) and isinstance(value, str):
        numeric = False
    return f'<td class="num">{body}</td>' if numeric else f"<td>{body}</td>"


def _rows(frame: pd.DataFrame, kinds: list[str], formats: Mapping[str, str]) -> str:
    out = []
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        cells = "".join(_cell(v, kinds[i], formats.get(columns[i]), i < ALIGNED_COLUMNS)
                        for i, v in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    return "".join(out)


def _table(frame: pd.DataFrame, kinds: list[str], formats: Mapping[str, str], head: str) -> str:
    # numeric columns are right-aligned by the table's classes (``r3``: column 3, theme.css), not
    # by a class on every cell: a long table stays small
    right = "".join(f" r{i + 1}" for i, k in enumerate(kinds[:ALIGNED_COLUMNS]) if k in _NUMERIC)
    return f'<table class="dr-table{right}">{head}<tbody>{_rows(frame, kinds, formats)}</tbody></table>'


def render_table(frame: pd.DataFrame, *, caption: str | None = None, max_rows: int = 15,
                 formats: Mapping[str, str] | None = None, index: bool = False) -> str:
    """``frame`` as an HTML table by the module's conventions (see the module docstring)."""
    formats = dict(formats or {})
    data = frame.reset_index() if index else frame
    data = data.loc[:, ~pd.Index(data.columns).duplicated()] if data.columns.duplicated().any() else data
    parts = [f'<p class="dr-caption">{escape(caption)}</p>'] if caption else []
    if data.empty:
        parts.append('<p class="dr-note"><i>none</i></p>')
        return "".join(parts)
    kinds = [_column_kind(c, data[c]) for c in data.columns]
    heads = "".join(
        f'<th class="num">{escape(column_label(c))}</th>' if k in ("share", "money", "int", "number")
        else f"<th>{escape(column_label(c))}</th>" for c, k in zip(data.columns, kinds, strict=True))
    head = f"<thead><tr>{heads}</tr></thead>"
    shown = max(1, int(max_rows))
    parts.append(_table(data.head(shown), kinds, formats, head))
    total = len(data)
    if total > shown:
        rest = data.iloc[shown:shown + MAX_HIDDEN_ROWS]
        more = (f" ({MAX_HIDDEN_ROWS:,} more listed, {total - shown - len(rest):,} left out)"
                if total - shown > MAX_HIDDEN_ROWS else "")
        parts.append(f'<details class="dr-more"><summary>{shown:,} of {total:,} shown — show the other '
                     f"{total - shown:,}{more}</summary>{_table(rest, kinds, formats, head)}</details>")
    return "".join(parts)
