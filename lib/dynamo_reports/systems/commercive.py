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

from .base import IndexSpec, TableSpec

SYSTEM = "003"
TITLE = "Commercive dashboard"

CONVERSATIONS = TableSpec(
    logical="conversations",
    system=SYSTEM,
    description="support conversations",
    hash_key="conversation_id",
    indexes=(
        IndexSpec("UserConversationsIndex", "user_id", "updated_at", "ALL"),
        IndexSpec("ConversationStatusIndex", "status", "updated_at", "ALL"),
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
        IndexSpec("AffiliateLeadsIndex", "affiliate_id", "created_at", "ALL"),
        IndexSpec("LeadStatusIndex", "status", "created_at", "ALL"),
        IndexSpec("LinkLeadsIndex", "link_id", "created_at", "ALL"),
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
