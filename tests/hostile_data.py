"""The hostile-data fixture's items (issue 11): in every table of the five systems, items with wrong
types, missing attributes, 350 KB strings, markup in every text field, RTL and control characters,
``$...$``, NaN-like strings, negative and absurd numbers, odd timestamps and e-mail addresses in
free text. Only hostile items: the expected data-quality counts of each report are worked out by hand
in tests/test_hostile_data.py from the comments here.

Every free-text attribute carries :data:`TEXT` (markup, ``$x^$``, RTL and control characters and an
e-mail address) unless it is the attribute a planted item breaks. Index key attributes keep their
DynamoDB type (the service refuses an item otherwise); the wrong types are on the other attributes.
"""

from __future__ import annotations

import zlib
from decimal import Decimal

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
EMAIL = "victim.person@example.com"
#: the text every free-text field carries: markup, math, right-to-left override, control characters, e-mail
TEXT = f"{SCRIPT}{IMG} $x^$ \u202eevil\u202c \x07\x1b[31m {EMAIL}"
BIG = "A" * 350_000                     # a 350 KB string: the item is above capacity's 300 KB mark
TS = "2025-06-01T10:00:00Z"
TS2 = "2025-06-02T10:00:00Z"
MS = 1748772000000                      # 2025-06-01T10:00:00Z in epoch milliseconds


def _t(tag: str) -> str:
    """A hostile key/id: markup and an e-mail around a short tag (keys are shown in the findings)."""
    return f"<b>{tag}</b>{IMG}"


# -- 000 SolanaShares --------------------------------------------------------------------------------

def _participant(user: str, wallet: str, **over) -> dict:
    item = {"PK": f"USER#{user}", "SK": f"WALLET#{wallet}", "GSI_PK": f"WALLET#{wallet}", "GSI_SK": f"USER#{user}",
            "Type": "participant", "userId": user, "walletAddress": wallet, "investedAmount": Decimal("1"),
            "createdAt": MS, "updatedAt": MS}
    item.update(over)
    return {k: v for k, v in item.items() if v is not None}


W = "7" * 44                                   # a valid base58 wallet, 44 characters
SOLANASHARES = [
    _participant("1", W, investedAmount=Decimal("1E+120")),               # implausible_investment
    _participant("2", "2" * 44, investedAmount=Decimal("-5")),            # negative_investment
    _participant("3", "3" * 44, investedAmount="NaN"),                     # non_numeric_investment
    _participant("4", "4" * 44, createdAt="now", updatedAt="31/12/2025"),  # unreadable_timestamp (one finding)
    _participant(TEXT, f"<{TEXT}>"),          # wallet_not_base58 + wallet_wrong_length, userId is hostile text
    {"PK": "USER#5", "SK": "WALLET#" + "5" * 44, "Type": "participant", "userId": "5",
     "walletAddress": "5" * 44, "investedAmount": Decimal("2"), "blob": BIG},   # index_key_mismatch (no GSI keys)
]

# -- 001 Discord config ------------------------------------------------------------------------------

G = "111111111111111111"
DISCORD = [
    {"PK": f"GUILD#{G}", "SK": "SETTINGS", "Type": "guild_settings", "guildId": G, "timezone": TEXT,
     "positionDisplayEnabled": "yes", "summaryPreferences": {"dailySummary": True, "weeklySummary": True,
                                                             "monthlySummary": False}},
    {"PK": f"GUILD#{G}", "SK": "CHANNEL#222", "GSI_PK": "CHANNEL#222", "GSI_SK": f"GUILD#{G}", "Type": "channel_config",
     "channelId": "222", "guildId": G, "image": True, "notifyOnClose": False, "pin": False, "tagType": TEXT,
     "tagId": Decimal("1"), "threshold": Decimal("7"), "note": BIG},
    {"PK": f"GUILD#{G}", "SK": "CHANNEL#333", "GSI_PK": "CHANNEL#333", "GSI_SK": f"GUILD#{G}", "Type": "channel_config",
     "channelId": "333", "guildId": G, "image": "NaN", "notifyOnClose": False, "pin": False, "tagType": "USER",
     "tagId": Decimal("1"), "threshold": Decimal("-1E+120")},
    {"PK": _t("guild"), "SK": TEXT, "Type": TEXT},
]

# -- 002 Trading bot -----------------------------------------------------------------------------------

def _trade(tid: str, **over) -> dict:
    at = over.pop("at", TS)
    status = over.pop("status", "FILLED")
    item = {"pk": f"TRADE#{tid}", "sk": "METADATA", "id": tid, "order_id": Decimal(zlib.crc32(tid.encode())),
            "client_order_id": TEXT, "symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "status": status,
            "quantity": Decimal("0.01"), "price": Decimal("50000"), "quote_quantity": Decimal("500"),
            "commission": Decimal("0.5"), "commission_asset": "USDT", "strategy": TEXT, "indicators": TEXT,
            "created_at": at, "updated_at": at, "gsi1pk": "SYMBOL#BTCUSDT", "gsi1sk": at,
            "gsi2pk": f"DATE#{at[:10]}", "gsi2sk": at, "gsi3pk": f"STATUS#{status}", "gsi3sk": at}
    item.update(over)
    return {k: v for k, v in item.items() if v is not None}


TRADES = [
    _trade("huge", quantity=Decimal("1E+120")),        # bad_quantity (beyond the plausibility bound)
    _trade("neg", price=Decimal("-3")),                # bad_price (negative)
    _trade("nan", quantity="NaN"),                     # bad_quantity (a String)
    _trade("inf", side="inf"),                         # unknown_side
    _trade("big", commission="NaN", strategy=BIG),     # kept; bad_commission; its strategy is 350 KB
    _trade("odd", gsi3sk="2025-06-01T11:00:00Z", created_at="12/31/2025"),   # bad_timestamp
]

BOT_CONFIG = [
    {"pk": "CONFIG#bot", "sk": "SETTINGS", "enabled": "yes", "strategy": TEXT, "symbol": TEXT, "amount": "NaN",
     "last_signal": TEXT, "last_execution": "today", "updated_at": "now"},
    {"pk": "CONFIG#limits", "sk": "SETTINGS", "max_trades_per_day": "twelve", "max_amount_per_trade": Decimal("-1"),
     "cooldown_minutes": Decimal("1E+120")},      # bad_limit x2 (the absurd cooldown is a number >= 0)
    {"pk": "CONFIG#bot", "sk": f"HISTORY#{TEXT}", "changed_by": TEXT, "changes": BIG},
]

REPORTS = [
    {"pk": "REPORT#2025-06-01", "sk": "DAILY", "date": "2025-06-01", "trades_count": "NaN", "pnl_absolute": TEXT,
     "total_fees": Decimal("-1E+120"), "created_at": "now", "ttl": "soon", "status": TEXT,
     "gsi1pk": "MONTH#2025-06", "gsi1sk": "2025-06-01"},
]

# -- 003 Commercive ----------------------------------------------------------------------------------

CONVERSATIONS = [
    {"conversation_id": "c-big", "user_id": TEXT, "status": "open", "subject": BIG, "created_at": TS,
     "updated_at": TS2},                                   # out_of_range (subject 350 KB)
    {"conversation_id": "c-now", "user_id": TEXT, "status": "open", "subject": TEXT, "created_at": "now",
     "updated_at": TS2},                                   # unreadable_timestamp
    {"conversation_id": "c-num", "user_id": TEXT, "status": "closed", "subject": Decimal("1E+120"),
     "created_at": TS, "updated_at": TS2},                 # wrong_type (subject a Number)
]

MESSAGES = [
    {"conversation_id": "c-big", "message_id": f"{TS}#1", "sender": "user", "sender_id": TEXT, "text": TEXT,
     "created_at": TS, "read": "yes"},                     # wrong_type (read a String)
    {"conversation_id": "c-big", "message_id": f"{TS}#2", "sender": TEXT, "sender_id": TEXT, "text": TEXT,
     "created_at": TS, "read": False},                     # unknown_sender
    {"conversation_id": "c-now", "message_id": f"{TS}#3", "sender": "admin", "sender_id": TEXT, "text": BIG,
     "created_at": "31/12/2025", "read": Decimal("1")},    # unreadable_timestamp + out_of_range + wrong_type
    {"conversation_id": "c-num", "message_id": f"{TS}#4", "sender": "user", "sender_id": TEXT, "text": "NaN",
     "created_at": "2024-06-01T10:00:00Z", "read": True},  # message_before_conversation
]

A1, A2 = "aff-1", "aff-2"
LEADS = [
    {"lead_id": "l-name", "affiliate_id": A1, "link_id": "LINK1", "name": TEXT, "email": EMAIL, "company": TEXT,
     "status": "approved", "commission": Decimal("1E+120"), "created_at": TS, "reviewed_at": TS2},
    {"lead_id": "l-nan", "affiliate_id": A1, "link_id": "LINK1", "name": EMAIL, "email": "NaN", "company": BIG,
     "status": "approved", "commission": "NaN", "created_at": "2025-06-01T11:00:00Z", "reviewed_at": "now"},
    {"lead_id": "l-neg", "affiliate_id": A1, "link_id": "LINK1", "name": TEXT, "email": TEXT, "company": EMAIL,
     "status": "pending", "commission": Decimal("-5"), "created_at": "2025-06-01T12:00:00Z"},
]

AFFILIATE_LINKS = [
    # the report uses affiliate_id, link_id and email of the link: a supporting item with hostile text only
    {"affiliate_id": A1, "link_id": "LINK1", "affiliate_url": f"javascript:alert(1)//{TEXT}", "email": EMAIL,
     "created_at": TS},
]

AFFILIATE_STATS = [
    {"affiliate_id": A1, "total_leads": "NaN", "pending": Decimal("-1"), "approved": Decimal("1E+120"),
     "rejected": TEXT, "total_commission": "inf", "updated_at": "now"},
]

# -- 004 Flavaflav -----------------------------------------------------------------------------------

MEMBERS = [
    {"discord_id": "m-yes", "username": TEXT, "joined_at": TS, "active": "yes"},              # wrong_type
    {"discord_id": "m-one", "username": TEXT, "joined_at": TS, "active": Decimal("1")},       # wrong_type
    {"discord_id": "m-big", "username": BIG, "joined_at": "today", "active": True},           # out_of_range + ts
    {"discord_id": "m-ok", "username": EMAIL, "joined_at": TS, "active": True},               # no finding
]

INVENTORY = [
    {"link_id": "gold_A_1", "quality": "$x^$", "link_type": TEXT, "availability": "available",
     "added_at": "never"},                                 # unreadable_timestamp ($x^$ quality: drawn as typed)
    {"link_id": "gold_B_2", "quality": "gold", "link_type": "B", "availability": "distributed", "added_at": TS},
]

DISTRIBUTIONS = [
    {"distribution_id": "d-date", "member_id": "m-ok", "link_id": "gold_B_2", "quality": "gold", "link_type": "B",
     "distributed_at": TS, "distribution_date": "2025-13-45", "list_id": "L-str"},   # out_of_range
    {"distribution_id": "d-odd", "member_id": "m-ok", "link_id": "gold_B_2", "quality": TEXT, "link_type": TEXT,
     "distributed_at": "now", "distribution_date": "2025-06-01", "list_id": TEXT},   # unreadable_timestamp
]

LISTS = [
    {"list_id": "L-str", "name": TEXT, "quality": "$x^$", "active": "true", "member_ids": "m-ok,m-yes",
     "created_at": TS},                                    # wrong_type (member_ids a String)
]

#: logical table -> hostile items
HOSTILE_ITEMS: dict[str, list[dict]] = {
    "solanashares": SOLANASHARES, "discord_config": DISCORD, "trades": TRADES, "bot_config": BOT_CONFIG,
    "reports": REPORTS, "conversations": CONVERSATIONS, "messages": MESSAGES, "leads": LEADS,
    "affiliate_links": AFFILIATE_LINKS, "affiliate_stats": AFFILIATE_STATS, "members": MEMBERS,
    "inventory": INVENTORY, "distributions": DISTRIBUTIONS, "lists": LISTS,
}
