"""004 — Flavaflav guild bot: members, inventory, distributions, lists.

Document: shared/seeds/004_c665d72882210f7a.txt (four tables, five GSIs); attributes as in
DESIGN.md (index: hash / range). ``lists.active`` is the string "true"/"false" because it is
an index key.
"""

from __future__ import annotations

from .base import IndexSpec, TableSpec

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
        IndexSpec("availability-quality-index", "availability", "quality", "ALL"),
        IndexSpec("type-quality-index", "link_type", "quality", "ALL"),
    ),
)

DISTRIBUTIONS = TableSpec(
    logical="distributions",
    system=SYSTEM,
    description="distribution history (audit trail)",
    hash_key="distribution_id",
    indexes=(
        IndexSpec("member-date-index", "member_id", "distributed_at", "ALL"),
        IndexSpec("date-index", "distribution_date", "distributed_at", "ALL"),
    ),
)

LISTS = TableSpec(
    logical="lists",
    system=SYSTEM,
    description="distribution lists of eligible members",
    hash_key="list_id",
    indexes=(IndexSpec("active-quality-index", "active", "quality", "ALL"),),
)

TABLES = (MEMBERS, INVENTORY, DISTRIBUTIONS, LISTS)
