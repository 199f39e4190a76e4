"""Attribute rules: the type, range or set of values of every attribute a report uses.

A report declares, per table, an :class:`Attribute` for each attribute it reads and calls
:func:`check_attributes` on the frame the system module built. Every value that breaks its
rule is a finding (rule, key, ``attribute: what is wrong``), so a member whose ``active`` is
``"yes"`` or a list whose ``member_ids`` is a String is counted and listed instead of being
silently read as false or empty. The caller keeps flagged rows out of the numbers they would
poison (:func:`check_attributes` returns their index labels).

Kinds (what a value must be, as :func:`dynamo_reports.codec.to_python` returns it)::

    text        str (``max_chars`` bounds its length)
    bool        bool (a DynamoDB BOOL; not "true", "yes" or N 1)
    choice      str, one of ``choices``
    date        str, a real calendar date YYYY-MM-DD
    string_set  a String Set (set of str)
    number      int / Decimal / float, finite, within ``[lo, hi]``
    timestamp   a column parsed by ``codec.items_to_frame(timestamps=...)``: unreadable ones are in
                ``frame.attrs["invalid_timestamps"]``

A missing attribute is a finding only when ``required``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from .quality import Findings, is_missing

__all__ = ["ATTRIBUTE_RULES", "MAX_TEXT_CHARS", "Attribute", "attribute_problem", "check_attributes"]

#: Plausibility bound of a name, id or label: longer text is typed data, not a name (a 350 KB
#: username is kept out of the tables it would blow up, and counted).
MAX_TEXT_CHARS = 1000

#: The data-quality rules this module adds to a report (declare them with ``Findings.describe_all``).
ATTRIBUTE_RULES: dict[str, str] = {
    "wrong_type": "an attribute has the wrong DynamoDB type (e.g. active = \"yes\", member_ids a String): "
                  "the item is left out of what needs it",
    "out_of_range": "a value outside its documented range or plausibility bound (negative, absurd, too long, "
                    "not a real date)",
    "unknown_value": "a value outside the documented set of values",
    "missing_attribute": "a required attribute is missing",
}

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Attribute:
    """The rule of one attribute: ``kind`` (see the module docstring) and its bounds."""

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    max_chars: int = MAX_TEXT_CHARS


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float, Decimal)):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, (set, frozenset)):
        return "Set"
    if isinstance(value, (list, tuple)):
        return "List"
    if isinstance(value, dict):
        return "Map"
    if isinstance(value, bytes):
        return "Binary"
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def attribute_problem(value: Any, rule: Attribute) -> tuple[str, str] | None:
    """``(finding rule, detail)`` when ``value`` breaks ``rule``; ``None`` when it is fine.

    Timestamps are not checked here (the codec has already parsed them): see :func:`check_attributes`.
    """
    name, kind = rule.name, rule.kind
    if is_missing(value):
        return ("missing_attribute", f"{name} is missing") if rule.required else None
    if kind in ("text", "choice", "date"):
        if not isinstance(value, str):
            return "wrong_type", f"{name} is a {_type_name(value)} {_short(value)}, not a String"
        if kind == "text" and len(value) > rule.max_chars:
            return "out_of_range", f"{name} has {len(value):,} characters (bound {rule.max_chars:,})"
        if kind == "choice" and value not in rule.choices:
            return "unknown_value", f"{name} is {_short(value)} (known: {', '.join(rule.choices)})"
        if kind == "date":
            try:
                if not _DATE_RE.fullmatch(value):
                    raise ValueError
                dt.date.fromisoformat(value)
            except ValueError:
                return "out_of_range", f"{name} is {_short(value)}, not a real date YYYY-MM-DD"
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            return "wrong_type", f"{name} is a {_type_name(value)} {_short(value)}, not a Boolean"
        return None
    if kind == "string_set":
        if not isinstance(value, (set, frozenset)) or not all(isinstance(v, str) for v in value):
            return "wrong_type", f"{name} is a {_type_name(value)} {_short(value)}, not a String Set"
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return "wrong_type", f"{name} is a {_type_name(value)} {_short(value)}, not a Number"
        number = float(value)
        if not math.isfinite(number) or (rule.lo is not None and number < rule.lo) or (
                rule.hi is not None and number > rule.hi):
            bounds = f"[{'' if rule.lo is None else f'{rule.lo:g}'}, {'' if rule.hi is None else f'{rule.hi:g}'}]"
            return "out_of_range", f"{name} is {_short(value)}, outside {bounds}"
        return None
    raise ValueError(f"unknown attribute kind {kind!r}")


def check_attributes(frame: pd.DataFrame, rules: Iterable[Attribute], findings: Findings, *, table: str,
                     key: Callable[[Mapping[str, Any]], str]) -> set[Any]:
    """Every rule over every row of ``frame``: one finding per broken attribute; the index labels of
    the rows with at least one finding. ``key(row)`` names the item in the findings.

    A ``timestamp`` rule reads ``frame.attrs["invalid_timestamps"]`` (the codec's verdict) and
    reports it as ``unreadable_timestamp`` with the raw value's attribute named.
    """
    rules = list(rules)
    unreadable = frame.attrs.get("invalid_timestamps", {}) or {}
    flagged: set[Any] = set()
    for label, row in frame.iterrows():
        for rule in rules:
            if rule.name not in frame.columns:
                problem = ("missing_attribute", f"{rule.name} is missing") if rule.required else None
            elif rule.kind == "timestamp":
                if label in unreadable.get(rule.name, ()):
                    problem = ("unreadable_timestamp", f"{rule.name} is not ISO 8601 with Z/offset "
                                                       "nor an epoch number")
                elif rule.required and is_missing(row[rule.name]):
                    problem = ("missing_attribute", f"{rule.name} is missing")
                else:
                    problem = None
            else:
                problem = attribute_problem(row[rule.name], rule)
            if problem is not None:
                findings.add(problem[0], key(row), problem[1], table=table)
                flagged.add(label)
    return flagged
