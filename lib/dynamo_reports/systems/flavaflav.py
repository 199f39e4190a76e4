"""004 — Flavaflav guild bot: members, inventory, distributions, lists.

Document: shared/seeds/004_c665d72882210f7a.txt (four tables, five GSIs); attributes as in
DESIGN.md (index: hash / range). ``lists.active`` is the string "true"/"false" because it is
an index key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import Key

from .. import codec
from ..exceptions import ParameterError
from . import flavaflav_keys as keys
from .base import IndexSpec, TableSpec
from .common import (
    SystemRepository,
    _and,
    as_day,
    build_item,
    check_choice,
    check_ids,
    check_text,
    day_window,
    days_of,
    iso_timestamp,
    prefix_range,
)
from .trading import MAX_WINDOW_DAYS

SYSTEM = "004"
TITLE = "Flavaflav guild bot"

MEMBERS = TableSpec(
    logical="members",
    system=SYSTEM,
    description="guild member profiles",
    hash_key="discord_id",
)

INVENTORY = TableSpec(
    logical="inventory",
    system=SYSTEM,
    description="mastery links (sanitized link_id)",
    hash_key="link_id",
    indexes=(
        IndexSpec(keys.AVAILABILITY_QUALITY_INDEX, "availability", "quality", "ALL"),
        IndexSpec(keys.TYPE_QUALITY_INDEX, "link_type", "quality", "ALL"),
    ),
)

DISTRIBUTIONS = TableSpec(
    logical="distributions",
    system=SYSTEM,
    description="distribution history (audit trail)",
    hash_key="distribution_id",
    indexes=(
        IndexSpec(keys.MEMBER_DATE_INDEX, "member_id", "distributed_at", "ALL"),
        IndexSpec(keys.DATE_INDEX, "distribution_date", "distributed_at", "ALL"),
    ),
)

LISTS = TableSpec(
    logical="lists",
    system=SYSTEM,
    description="distribution lists of eligible members",
    hash_key="list_id",
    indexes=(IndexSpec(keys.ACTIVE_QUALITY_INDEX, "active", "quality", "ALL"),),
)

TABLES = (MEMBERS, INVENTORY, DISTRIBUTIONS, LISTS)


# =============================================================================================
# 004 repository
# =============================================================================================
#
# Assumptions where the document is silent (DESIGN.md, "Data model"): ``distribution_date`` is
# the first 10 characters (YYYY-MM-DD) of ``distributed_at``; timestamps are ISO-8601 UTC
# strings; ``lists.active`` is the string "true"/"false" because it is an index hash key
# (DynamoDB key attributes are S, N or B, never BOOL).


AVAILABILITIES = ("available", "distributed")

# -- link ids: the document's sanitization --------------------------------------------------------
#
# internal/models/inventory.go (document 004) sanitizes the LINK TYPE only, in this order:
#   " " -> "_",  "/" -> "_",  "-" -> "_",  "%" -> "pct"
# and the id is "{quality}_{sanitizedLinkType}_{number}". The rules are applied verbatim: no
# other character is touched (a tab or "é" stays), and runs are not collapsed ("A - B" ->
# "A___B"). Quality and number are not sanitized by the document, so they must not contain
# a character the rules exist to remove (else the id would not be sanitized): ParameterError.

LINK_ID_REPLACEMENTS = ((" ", "_"), ("/", "_"), ("-", "_"), ("%", "pct"))
_UNSANITIZED = "".join(old for old, _ in LINK_ID_REPLACEMENTS)


def sanitize_link_type(link_type: str) -> str:
    """The document's replacement rules on a link type (``"Melee Damage"`` -> ``"Melee_Damage"``)."""
    if not isinstance(link_type, str) or not link_type:
        raise ParameterError("link_type", f"must be a non-empty string, got {link_type!r}")
    for old, new in LINK_ID_REPLACEMENTS:
        link_type = link_type.replace(old, new)
    return link_type


def sanitize_link_id(quality: str, link_type: str, number: Any) -> str:
    """``{quality}_{sanitized link_type}_{number}``: ``("gold", "Melee Damage", 123456)`` ->
    ``"gold_Melee_Damage_123456"``."""
    check_text("quality", quality, forbid=_UNSANITIZED)
    if isinstance(number, int) and not isinstance(number, bool):
        if number < 0:
            raise ParameterError("number", f"must not be negative, got {number!r}")
        number = str(number)
    elif isinstance(number, str):
        check_text("number", number, forbid=_UNSANITIZED)
    else:
        raise ParameterError("number", f"must be an integer or a string, got {number!r}")
    return f"{quality}_{sanitize_link_type(link_type)}_{number}"


def is_sanitized_link_id(link_id: Any) -> bool:
    """True when ``link_id`` is a non-empty string with no space, ``/``, ``-`` or ``%``
    (a legacy id such as ``gold_Melee Damage_123456`` is not)."""
    return isinstance(link_id, str) and bool(link_id) and not any(c in link_id for c in _UNSANITIZED)


MEMBER_COLUMNS = ("discord_id", "username", "joined_at", "active")
INVENTORY_COLUMNS = ("link_id", "quality", "link_type", "availability", "added_at")
DISTRIBUTION_COLUMNS = ("distribution_id", "member_id", "link_id", "quality", "link_type", "distributed_at",
                        "distribution_date", "list_id")
LIST_COLUMNS = ("list_id", "name", "quality", "active", "member_ids", "created_at")


class FlavaflavRepository(SystemRepository):
    """Every access pattern of the Flavaflav guild bot's four tables (document 004)."""

    TABLES = (MEMBERS, INVENTORY, DISTRIBUTIONS, LISTS)

    # -- members ----------------------------------------------------------------------------------
    def member(self, discord_id: str) -> dict | None:
        """One member profile, or ``None``. One GetItem."""
        return self._get(MEMBERS, {"discord_id": check_text("discord_id", discord_id)})

    def members(self, discord_ids: Iterable[str]) -> list[dict]:
        """Several members (BatchGetItem, 100 keys a request), in the order asked; missing skipped."""
        ids = check_ids("discord_ids", discord_ids)
        return self._batch(MEMBERS, [{"discord_id": i} for i in ids], "discord_id")

    def all_members(self, *, segments: int = 1) -> list[dict]:
        """Every member: a full scan."""
        return self._scan(MEMBERS, segments)

    def all_distributions(self, *, segments: int = 1) -> list[dict]:
        """Every distribution (the whole audit trail): a full scan, asked for by name.

        When every day is needed, this is cheaper than ``distributions_in_window`` over the whole
        history: both read the same items, but each per-day ``date-index`` Query costs at least
        0.5 read units even for a day with no distribution.
        """
        return self._scan(DISTRIBUTIONS, segments)

    # -- inventory --------------------------------------------------------------------------------
    def inventory_item(self, link_id: str) -> dict | None:
        """One inventory link by id, or ``None``. One GetItem."""
        return self._get(INVENTORY, {"link_id": check_text("link_id", link_id)})

    def inventory_by_availability(self, availability: str, quality: str | None = None) -> list[dict]:
        """Links that are ``available`` | ``distributed`` (of one ``quality`` when given)."""
        availability = check_choice("availability", availability, AVAILABILITIES)
        condition = Key("availability").eq(availability)
        if quality is not None:
            condition = condition & Key("quality").eq(check_text("quality", quality))
        return self._query(INVENTORY, condition, keys.AVAILABILITY_QUALITY_INDEX)

    def inventory_by_type(self, link_type: str, quality: str | None = None) -> list[dict]:
        """Links of ``link_type`` (as stored, e.g. ``"Melee Damage"``), of one ``quality`` when given."""
        condition = Key("link_type").eq(check_text("link_type", link_type))
        if quality is not None:
            condition = condition & Key("quality").eq(check_text("quality", quality))
        return self._query(INVENTORY, condition, keys.TYPE_QUALITY_INDEX)

    # -- distributions ----------------------------------------------------------------------------
    def distributions_by_member(self, member_id: str, start: Any = None, end: Any = None) -> list[dict]:
        """A member's distributions on ``start..end`` (inclusive days), oldest first."""
        member_id = check_text("member_id", member_id)
        first, last = day_window(start, end)
        return self._query(DISTRIBUTIONS, _and(Key("member_id").eq(member_id),
                                               prefix_range("distributed_at", first, last)), keys.MEMBER_DATE_INDEX)

    def distributions_by_date(self, date: Any) -> list[dict]:
        """The distributions of one day (``distribution_date``). One ``date-index`` Query."""
        day = as_day("date", date, required=True)
        return self._query(DISTRIBUTIONS, Key("distribution_date").eq(day.isoformat()), keys.DATE_INDEX)

    def distributions_in_window(self, start: Any, end: Any, *, max_days: int = MAX_WINDOW_DAYS) -> list[dict]:
        """The distributions of every day ``start..end``: one ``date-index`` Query per day, no scan."""
        first, last = day_window(start, end, required=True)
        if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 1:
            raise ParameterError("max_days", f"must be a positive integer, got {max_days!r}")
        items: list[dict] = []
        for day in days_of(first, last, max_days=max_days):
            items.extend(self._query(DISTRIBUTIONS, Key("distribution_date").eq(day.isoformat()), keys.DATE_INDEX))
        return items

    # -- lists ------------------------------------------------------------------------------------
    def list_(self, list_id: str) -> dict | None:
        """One distribution list, or ``None``. One GetItem (``list_`` as ``list`` is a builtin)."""
        return self._get(LISTS, {"list_id": check_text("list_id", list_id)})

    def lists_by_active(self, active: bool, quality: str | None = None) -> list[dict]:
        """Active (``True``) or inactive lists, of one ``quality`` when given. The index key is the
        STRING ``"true"``/``"false"``."""
        if not isinstance(active, bool):
            raise ParameterError("active", f"must be True or False, got {active!r}")
        condition = Key("active").eq("true" if active else "false")
        if quality is not None:
            condition = condition & Key("quality").eq(check_text("quality", quality))
        return self._query(LISTS, condition, keys.ACTIVE_QUALITY_INDEX)


# -- frames ------------------------------------------------------------------------------------

def members_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=MEMBER_COLUMNS, timestamps=("joined_at",), numbers=())


def inventory_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=INVENTORY_COLUMNS, timestamps=("added_at",), numbers=())


def distributions_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=DISTRIBUTION_COLUMNS, timestamps=("distributed_at",), numbers=())


def lists_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=LIST_COLUMNS, timestamps=("created_at",), numbers=())


# -- item builders (demo dataset writer, tests) ---------------------------------------------------

def member_item(*, discord_id: str, username: str, joined_at: Any, active: bool = True,
                **extra: Any) -> dict[str, Any]:
    if not isinstance(active, bool):
        raise ParameterError("active", f"must be True or False, got {active!r}")
    return build_item(discord_id=check_text("discord_id", discord_id), username=username,
                      joined_at=iso_timestamp("joined_at", joined_at), active=active, **extra)


def inventory_item(*, quality: str, link_type: str, number: Any, added_at: Any, availability: str = "available",
                   link_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """An inventory link; ``link_id`` defaults to :func:`sanitize_link_id` (pass one to plant a
    legacy, unsanitized id). ``link_type`` is stored as given (it is the type index's key)."""
    if link_id is None:
        link_id = sanitize_link_id(quality, link_type, number)
    return build_item(link_id=check_text("link_id", link_id), quality=check_text("quality", quality),
                      link_type=check_text("link_type", link_type),
                      availability=check_text("availability", availability),
                      added_at=iso_timestamp("added_at", added_at), **extra)


def distribution_item(*, distribution_id: str, member_id: str, link_id: str, quality: str, link_type: str,
                      distributed_at: Any, list_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """A distribution; ``distribution_date`` is the day of ``distributed_at`` as written."""
    when = iso_timestamp("distributed_at", distributed_at)
    return build_item(distribution_id=check_text("distribution_id", distribution_id),
                      member_id=check_text("member_id", member_id), link_id=check_text("link_id", link_id),
                      quality=quality, link_type=link_type, distributed_at=when, distribution_date=when[:10],
                      list_id=list_id, **extra)


def list_item(*, list_id: str, name: str, quality: str, active: bool, created_at: Any,
              member_ids: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """A distribution list; ``active`` becomes "true"/"false"; ``member_ids`` a string set
    (omitted when empty: DynamoDB has no empty sets)."""
    if not isinstance(active, bool):
        raise ParameterError("active", f"must be True or False, got {active!r}")
    ids = set(check_ids("member_ids", member_ids))
    return build_item(list_id=check_text("list_id", list_id), name=name, quality=check_text("quality", quality),
                      active="true" if active else "false", member_ids=ids or None,
                      created_at=iso_timestamp("created_at", created_at), **extra)
