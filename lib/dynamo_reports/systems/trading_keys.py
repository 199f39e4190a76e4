"""002 trading bot: the keys of its items and the names of its indexes (pure: no boto3).

The one place that writes or parses the 002 key formats; the repository (:mod:`.trading`),
the demo dataset, :mod:`dynamo_reports.analytics.pnl` and the capacity model ask it::

    trades      pk=TRADE#{uuid}     sk=METADATA (the trade) | UPDATE#{timestamp} (status history)
                gsi1pk=SYMBOL#{symbol}  gsi1sk=created_at    index gsi1-symbol-date
                gsi2pk=DATE#{YYYY-MM-DD} gsi2sk=created_at   index gsi2-date
                gsi3pk=STATUS#{status}  gsi3sk=created_at    index gsi3-status
    bot-config  pk=CONFIG#{bot|limits}  sk=SETTINGS | HISTORY#{timestamp}
    reports     pk=REPORT#{YYYY-MM-DD}  sk=DAILY
                gsi1pk=MONTH#{YYYY-MM}  gsi1sk=YYYY-MM-DD    index gsi1-month

``gsi2pk`` is the day *as written* in ``created_at`` (its first 10 characters).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import KeyPrefix

SYMBOL_DATE_INDEX = "gsi1-symbol-date"
DATE_INDEX = "gsi2-date"
STATUS_INDEX = "gsi3-status"
MONTH_INDEX = "gsi1-month"

TRADE_SK = "METADATA"
SETTINGS_SK = "SETTINGS"
DAILY_SK = "DAILY"
UPDATE_PREFIX = "UPDATE#"
HISTORY_PREFIX = "HISTORY#"

trade_pk = KeyPrefix("TRADE#")
update_sk = KeyPrefix(UPDATE_PREFIX)
symbol_pk = KeyPrefix("SYMBOL#")
#: ``gsi2pk`` of the trades created on a day (``YYYY-MM-DD``).
date_pk = KeyPrefix("DATE#")
status_pk = KeyPrefix("STATUS#")
config_pk = KeyPrefix("CONFIG#")
history_sk = KeyPrefix(HISTORY_PREFIX)
report_pk = KeyPrefix("REPORT#")
#: ``gsi1pk`` of the reports of a month (``YYYY-MM``).
month_pk = KeyPrefix("MONTH#")

#: The trade id of ``TRADE#{id}``; ``None`` for anything else.
trade_id_from_pk = trade_pk.parse
#: ``sk`` of a status-history row (``UPDATE#...``): not a trade.
is_update_sk = update_sk.matches
#: The date of ``REPORT#{date}``; ``None`` for anything else.
report_date_from_pk = report_pk.parse


# -- trades ----------------------------------------------------------------------------------------

def trade_key(trade_id: str) -> dict[str, str]:
    """The key of a trade (its ``METADATA`` row)."""
    return {"pk": trade_pk(trade_id), "sk": TRADE_SK}


def update_key(trade_id: str, at: str) -> dict[str, str]:
    """The key of a trade's ``UPDATE#{at}`` status-history row."""
    return {"pk": trade_pk(trade_id), "sk": update_sk(at)}


def trade_index_keys(symbol: str, status: str, at: str) -> dict[str, str]:
    """The three GSI key pairs of a trade created (or a row written) at ``at`` (ISO string)."""
    return {
        "gsi1pk": symbol_pk(symbol), "gsi1sk": at,
        "gsi2pk": date_pk(at[:10]), "gsi2sk": at,
        "gsi3pk": status_pk(status), "gsi3sk": at,
    }


def is_trade_sk(sk: Any) -> bool:
    """``sk`` of a trade row (``METADATA``)."""
    return sk == TRADE_SK


def is_trade(item: Mapping[str, Any]) -> bool:
    """A trade row (``sk == "METADATA"``), not an ``UPDATE#`` history row."""
    return is_trade_sk(item.get("sk"))


# -- bot configuration -----------------------------------------------------------------------------

def config_key(config_type: str) -> dict[str, str]:
    """``CONFIG#{config_type}`` / ``SETTINGS``."""
    return {"pk": config_pk(config_type), "sk": SETTINGS_SK}


def config_history_key(config_type: str, at: str) -> dict[str, str]:
    """``CONFIG#{config_type}`` / ``HISTORY#{at}``."""
    return {"pk": config_pk(config_type), "sk": history_sk(at)}


# -- daily reports ---------------------------------------------------------------------------------

def report_key(day: str) -> dict[str, str]:
    """``REPORT#{day}`` / ``DAILY`` (``day`` is ``YYYY-MM-DD``)."""
    return {"pk": report_pk(day), "sk": DAILY_SK}


def report_index_keys(day: str) -> dict[str, str]:
    """``gsi1pk`` / ``gsi1sk`` of the report of ``day`` (``YYYY-MM-DD``)."""
    return {"gsi1pk": month_pk(day[:7]), "gsi1sk": day}


def is_daily_sk(sk: Any) -> bool:
    return sk == DAILY_SK


__all__ = [
    "DAILY_SK", "DATE_INDEX", "HISTORY_PREFIX", "MONTH_INDEX", "SETTINGS_SK", "STATUS_INDEX", "SYMBOL_DATE_INDEX",
    "TRADE_SK", "UPDATE_PREFIX", "config_history_key", "config_key", "config_pk", "date_pk", "history_sk",
    "is_daily_sk", "is_trade", "is_trade_sk", "is_update_sk", "month_pk", "report_date_from_pk", "report_index_keys",
    "report_key", "report_pk", "status_pk", "symbol_pk", "trade_id_from_pk", "trade_index_keys", "trade_key",
    "trade_pk", "update_key", "update_sk",
]
