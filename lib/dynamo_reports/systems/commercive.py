"""003 — Commercive dashboard: support chat and affiliates (five tables).

Document: shared/seeds/003_4020e42d047da254.txt names tables and indexes but not attributes;
the attribute assumptions are DESIGN.md's (index: hash / range):

* Conversations ``conversation_id``; ``UserConversationsIndex`` (user_id / updated_at),
  ``ConversationStatusIndex`` (status / updated_at).
* Messages ``conversation_id`` + ``message_id`` (``{created_at}#{uuid}``, time-sortable).
* Leads ``lead_id``; ``AffiliateLeadsIndex`` (affiliate_id / created_at), ``LeadStatusIndex``
  (status / created_at), ``LinkLeadsIndex`` (link_id / created_at).
* Affiliate Links ``affiliate_id``. Affiliate Stats ``affiliate_id`` (all-time counters).

Projections are not documented; ALL is assumed (the document's pages read whole items).
"""

from __future__ import annotations

import uuid as _uuid
from collections.abc import Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import Key

from .. import codec
from ..exceptions import ParameterError
from . import commercive_keys as keys
from .base import IndexSpec, TableSpec
from .common import (
    SystemRepository,
    _and,
    build_item,
    check_choice,
    check_ids,
    check_text,
    day_window,
    iso_timestamp,
    number,
    prefix_range,
)

SYSTEM = "003"
TITLE = "Commercive dashboard"

CONVERSATIONS = TableSpec(
    logical="conversations",
    system=SYSTEM,
    description="support conversations",
    hash_key="conversation_id",
    indexes=(
        IndexSpec(keys.USER_CONVERSATIONS_INDEX, "user_id", "updated_at", "ALL"),
        IndexSpec(keys.CONVERSATION_STATUS_INDEX, "status", "updated_at", "ALL"),
    ),
)

MESSAGES = TableSpec(
    logical="messages",
    system=SYSTEM,
    description="chat messages of a conversation",
    hash_key="conversation_id",
    range_key="message_id",
)

LEADS = TableSpec(
    logical="leads",
    system=SYSTEM,
    description="affiliate leads",
    hash_key="lead_id",
    indexes=(
        IndexSpec(keys.AFFILIATE_LEADS_INDEX, "affiliate_id", "created_at", "ALL"),
        IndexSpec(keys.LEAD_STATUS_INDEX, "status", "created_at", "ALL"),
        IndexSpec(keys.LINK_LEADS_INDEX, "link_id", "created_at", "ALL"),
    ),
)

AFFILIATE_LINKS = TableSpec(
    logical="affiliate_links",
    system=SYSTEM,
    description="one tracking link per affiliate",
    hash_key="affiliate_id",
)

AFFILIATE_STATS = TableSpec(
    logical="affiliate_stats",
    system=SYSTEM,
    description="precomputed all-time lead counters per affiliate",
    hash_key="affiliate_id",
)

TABLES = (CONVERSATIONS, MESSAGES, LEADS, AFFILIATE_LINKS, AFFILIATE_STATS)


# =============================================================================================
# 003 repository
# =============================================================================================
#
# Assumptions where the document is silent (DESIGN.md, "Data model"): the attribute names
# above; timestamps are ISO-8601 UTC strings; ``message_id = f"{created_at}#{uuid}"`` so a
# conversation's messages sort by time and a date window is a prefix range on ``message_id``.
# Date windows are inclusive calendar days (see trading.prefix_range for why the bounds are
# ``"YYYY-MM-DD" .. "YYYY-MM-DD\uffff"``).


CONVERSATION_STATUSES = ("open", "closed")
LEAD_STATUSES = ("pending", "approved", "rejected")
MESSAGE_SENDERS = ("user", "admin")

CONVERSATION_COLUMNS = ("conversation_id", "user_id", "status", "subject", "created_at", "updated_at")
MESSAGE_COLUMNS = ("conversation_id", "message_id", "sender", "sender_id", "text", "created_at", "read")
LEAD_COLUMNS = ("lead_id", "affiliate_id", "link_id", "name", "email", "company", "status", "commission",
                "created_at", "reviewed_at")
AFFILIATE_LINK_COLUMNS = ("affiliate_id", "link_id", "affiliate_url", "email", "created_at")
AFFILIATE_STATS_COLUMNS = ("affiliate_id", "total_leads", "pending", "approved", "rejected", "total_commission",
                           "updated_at")


class CommerciveRepository(SystemRepository):
    """Every access pattern of the Commercive dashboard's five tables (document 003)."""

    TABLES = (CONVERSATIONS, MESSAGES, LEADS, AFFILIATE_LINKS, AFFILIATE_STATS)

    # -- chat -------------------------------------------------------------------------------------
    def conversation(self, conversation_id: str) -> dict | None:
        """One conversation, or ``None``. One GetItem."""
        conversation_id = check_text("conversation_id", conversation_id)
        return self._get(CONVERSATIONS, {"conversation_id": conversation_id})

    def conversations_by_user(self, user_id: str, start: Any = None, end: Any = None) -> list[dict]:
        """A user's conversations updated on ``start..end`` (inclusive days), oldest update first."""
        user_id = check_text("user_id", user_id)
        first, last = day_window(start, end)
        return self._query(CONVERSATIONS, _and(Key("user_id").eq(user_id), prefix_range("updated_at", first, last)),
                           keys.USER_CONVERSATIONS_INDEX)

    def conversations_by_status(self, status: str, start: Any = None, end: Any = None) -> list[dict]:
        """Conversations with ``status`` (open | closed) updated on ``start..end``."""
        status = check_choice("status", status, CONVERSATION_STATUSES)
        first, last = day_window(start, end)
        return self._query(CONVERSATIONS, _and(Key("status").eq(status), prefix_range("updated_at", first, last)),
                           keys.CONVERSATION_STATUS_INDEX)

    def messages(self, conversation_id: str, start: Any = None, end: Any = None) -> list[dict]:
        """A conversation's messages created on ``start..end``, oldest first (``message_id`` range)."""
        conversation_id = check_text("conversation_id", conversation_id)
        first, last = day_window(start, end)
        return self._query(MESSAGES, _and(Key("conversation_id").eq(conversation_id),
                                          prefix_range("message_id", first, last)))

    # -- leads ------------------------------------------------------------------------------------
    def lead(self, lead_id: str) -> dict | None:
        """One lead, or ``None``. One GetItem."""
        lead_id = check_text("lead_id", lead_id)
        return self._get(LEADS, {"lead_id": lead_id})

    def leads_by_affiliate(self, affiliate_id: str, start: Any = None, end: Any = None) -> list[dict]:
        """An affiliate's leads created on ``start..end`` (``AffiliateLeadsIndex``)."""
        affiliate_id = check_text("affiliate_id", affiliate_id)
        first, last = day_window(start, end)
        return self._query(LEADS, _and(Key("affiliate_id").eq(affiliate_id), prefix_range("created_at", first, last)),
                           keys.AFFILIATE_LEADS_INDEX)

    def leads_by_status(self, status: str, start: Any = None, end: Any = None) -> list[dict]:
        """Leads with ``status`` (pending | approved | rejected) created on ``start..end``."""
        status = check_choice("status", status, LEAD_STATUSES)
        first, last = day_window(start, end)
        return self._query(LEADS, _and(Key("status").eq(status), prefix_range("created_at", first, last)),
                           keys.LEAD_STATUS_INDEX)

    def leads_by_link(self, link_id: str, start: Any = None, end: Any = None) -> list[dict]:
        """Leads that came through tracking link ``link_id``, created on ``start..end``."""
        link_id = check_text("link_id", link_id)
        first, last = day_window(start, end)
        return self._query(LEADS, _and(Key("link_id").eq(link_id), prefix_range("created_at", first, last)),
                           keys.LINK_LEADS_INDEX)

    def leads_in_window(self, start: Any, end: Any) -> list[dict]:
        """Every lead created on ``start..end``: three ``LeadStatusIndex`` Queries (one per status), no scan.

        Blind spot, by construction: a lead whose ``status`` is missing or is not one of
        pending/approved/rejected (a typo, ``"Approved"``, a new state) sits in no partition
        queried here and is NOT returned; neither is a lead without ``created_at`` (the index
        is sparse). Data-quality audits use :meth:`all_leads` (a full scan) and compare.
        """
        first, last = day_window(start, end, required=True)
        seen: dict[Any, dict] = {}
        for status in LEAD_STATUSES:
            for item in self._query(LEADS, Key("status").eq(status) & prefix_range("created_at", first, last),
                                    keys.LEAD_STATUS_INDEX):
                seen.setdefault(item.get("lead_id"), item)
        return sorted(seen.values(), key=lambda i: (str(i.get("created_at", "")), str(i.get("lead_id", ""))))

    def all_leads(self, *, segments: int = 1) -> list[dict]:
        """Every lead, whatever its status: a full scan (reads and bills the whole table)."""
        return self._scan(LEADS, segments)

    # -- affiliates -------------------------------------------------------------------------------
    def affiliate_link(self, affiliate_id: str) -> dict | None:
        """The affiliate's tracking link, or ``None``. One GetItem."""
        affiliate_id = check_text("affiliate_id", affiliate_id)
        return self._get(AFFILIATE_LINKS, {"affiliate_id": affiliate_id})

    def affiliate_links_for(self, affiliate_ids: Iterable[str]) -> list[dict]:
        """The tracking links of several affiliates (BatchGetItem), in the order asked; missing skipped."""
        ids = check_ids("affiliate_ids", affiliate_ids)
        return self._batch(AFFILIATE_LINKS, [{"affiliate_id": i} for i in ids], "affiliate_id")

    def all_affiliate_links(self, *, segments: int = 1) -> list[dict]:
        """Every affiliate link: a full scan (the table is keyed by affiliate only, no index)."""
        return self._scan(AFFILIATE_LINKS, segments)

    def affiliate_stats(self, affiliate_id: str) -> dict | None:
        """The affiliate's precomputed all-time counters, or ``None``. One GetItem."""
        affiliate_id = check_text("affiliate_id", affiliate_id)
        return self._get(AFFILIATE_STATS, {"affiliate_id": affiliate_id})

    def affiliate_stats_for(self, affiliate_ids: Iterable[str]) -> list[dict]:
        """The counters of several affiliates (BatchGetItem), in the order asked; missing skipped."""
        ids = check_ids("affiliate_ids", affiliate_ids)
        return self._batch(AFFILIATE_STATS, [{"affiliate_id": i} for i in ids], "affiliate_id")

    def all_affiliate_stats(self, *, segments: int = 1) -> list[dict]:
        """Every Affiliate Stats row: a full scan."""
        return self._scan(AFFILIATE_STATS, segments)


# -- frames ------------------------------------------------------------------------------------

def conversations_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=CONVERSATION_COLUMNS, timestamps=("created_at", "updated_at"),
                                numbers=())


def messages_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=MESSAGE_COLUMNS, timestamps=("created_at",), numbers=())


def leads_frame(items: Iterable[Mapping[str, Any]], *, exact: bool = False):
    return codec.items_to_frame(items, columns=LEAD_COLUMNS, timestamps=("created_at", "reviewed_at"),
                                numbers=("commission",), exact=exact)


def affiliate_links_frame(items: Iterable[Mapping[str, Any]]):
    return codec.items_to_frame(items, columns=AFFILIATE_LINK_COLUMNS, timestamps=("created_at",), numbers=())


def affiliate_stats_frame(items: Iterable[Mapping[str, Any]], *, exact: bool = False):
    return codec.items_to_frame(items, columns=AFFILIATE_STATS_COLUMNS, timestamps=("updated_at",),
                                numbers=("total_leads", "pending", "approved", "rejected", "total_commission"),
                                exact=exact)


# -- item builders (demo dataset writer, tests) ---------------------------------------------------
#
# They check what they need to build keys, not enumerations (the demo dataset plants
# anomalies); ``None`` attributes are omitted.

def conversation_item(*, conversation_id: str, user_id: str, created_at: Any, status: str = "open",
                      subject: str | None = None, updated_at: Any = None, **extra: Any) -> dict[str, Any]:
    created = iso_timestamp("created_at", created_at)
    return build_item(
        conversation_id=check_text("conversation_id", conversation_id), user_id=check_text("user_id", user_id),
        status=check_text("status", status), subject=subject, created_at=created,
        updated_at=iso_timestamp("updated_at", updated_at) if updated_at is not None else created, **extra,
    )


def message_item(*, conversation_id: str, created_at: Any, sender: str, sender_id: str, text: str,
                 read: bool = False, message_uuid: str | None = None, **extra: Any) -> dict[str, Any]:
    """A message; ``message_id = f"{created_at}#{message_uuid}"`` (a random uuid4 when not given)."""
    created = iso_timestamp("created_at", created_at)
    suffix = check_text("message_uuid", message_uuid) if message_uuid is not None else str(_uuid.uuid4())
    if not isinstance(read, bool):
        raise ParameterError("read", f"must be True or False, got {read!r}")
    return build_item(conversation_id=check_text("conversation_id", conversation_id),
                      message_id=keys.message_id(created, suffix), sender=sender, sender_id=sender_id, text=text,
                      created_at=created, read=read, **extra)


def lead_item(*, lead_id: str, affiliate_id: str, link_id: str, name: str, email: str, created_at: Any,
              status: str = "pending", company: str | None = None, commission: Any = None,
              reviewed_at: Any = None, **extra: Any) -> dict[str, Any]:
    return build_item(
        lead_id=check_text("lead_id", lead_id), affiliate_id=check_text("affiliate_id", affiliate_id),
        link_id=check_text("link_id", link_id), name=name, email=email, company=company,
        status=check_text("status", status), commission=number("commission", commission),
        created_at=iso_timestamp("created_at", created_at),
        reviewed_at=iso_timestamp("reviewed_at", reviewed_at) if reviewed_at is not None else None, **extra,
    )


def affiliate_link_item(*, affiliate_id: str, link_id: str, affiliate_url: str, email: str, created_at: Any,
                        **extra: Any) -> dict[str, Any]:
    return build_item(affiliate_id=check_text("affiliate_id", affiliate_id), link_id=check_text("link_id", link_id),
                      affiliate_url=affiliate_url, email=email, created_at=iso_timestamp("created_at", created_at),
                      **extra)


def affiliate_stats_item(*, affiliate_id: str, total_leads: int, pending: int, approved: int, rejected: int,
                         total_commission: Any, updated_at: Any, **extra: Any) -> dict[str, Any]:
    return build_item(
        affiliate_id=check_text("affiliate_id", affiliate_id), total_leads=number("total_leads", total_leads),
        pending=number("pending", pending), approved=number("approved", approved),
        rejected=number("rejected", rejected), total_commission=number("total_commission", total_commission),
        updated_at=iso_timestamp("updated_at", updated_at), **extra,
    )
