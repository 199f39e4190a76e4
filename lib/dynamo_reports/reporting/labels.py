"""Column labels: ``snake_case`` names as words (no pandas here: the index and the command line
use them, and neither needs pandas for that)."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MONEY_NAME", "column_label"]

#: a column name that holds money (its label says USD when it is a cost; tables format it as money)
MONEY_NAME = re.compile(r"(cost|usd|commission|fee|pnl|price|invested|investment|volume|amount)", re.IGNORECASE)
_UPPER = {"usd": "USD", "sol": "SOL", "rcu": "RCU", "wcu": "WCU", "gsi": "GSI", "ttl": "TTL", "id": "ID",
          "ids": "IDs", "pk": "PK", "sk": "SK", "kb": "KB", "mb": "MB", "gb": "GB", "pnl": "P&L", "url": "URL",
          "uuid": "UUID", "utc": "UTC", "api": "API"}


def column_label(name: Any) -> str:
    """A human label for a column name: words, not snake_case; acronyms upper-case."""
    text = str(name)
    if "_" in text or text == text.lower():
        words = [w for w in re.split(r"[_\s]+", text) if w]
        words = [_UPPER.get(w.lower(), w) for w in words]
        text = " ".join(words)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if MONEY_NAME.search(str(name)) and "cost" in str(name).lower() and "USD" not in text and "$" not in text:
        text += " (USD)"
    return text
