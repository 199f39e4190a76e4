"""The support-chat report's own tables, pure: headline and message counts.

The numbers themselves come from :mod:`dynamo_reports.analytics.support`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["MESSAGE_COUNT_LABELS", "format_amount", "headline_frame", "message_count_frame"]


def format_amount(value: float | None, unit: str = "") -> str:
    """``1,234.5 h``: one decimal, thousands separated, then the unit; an em dash when there is no value."""
    return "—" if value is None else f"{value:,.1f}{unit}"


def headline_frame(*, opened: int, closed: int, backlog: Mapping[str, Any], waiting: int,
                   replies: Mapping[str, Any], unread: Mapping[str, Any]) -> pd.DataFrame:
    """The headline: conversations opened/closed, backlog and its age, reply times, unread messages."""
    return pd.DataFrame([
        ("Conversations opened in the window", opened),
        ("Conversations closed in the window", closed),
        ("Open backlog (as of)", backlog["open"]),
        ("Median age of the open backlog", format_amount(backlog["median_age_hours"], " h")),
        ("Oldest open conversation", format_amount(backlog["oldest_age_hours"], " h")),
        ("Open conversations still waiting for a first admin reply", waiting),
        ("Median time to first admin reply", format_amount(replies["median"], " min")),
        ("p90 time to first admin reply", format_amount(replies["p90"], " min")),
        ("User messages unread by an admin", unread["unread_by_admin"]),
        ("Admin messages unread by the user", unread["unread_by_user"]),
    ], columns=["measure", "value"])


#: how each message-count statistic reads in the report
MESSAGE_COUNT_LABELS = {"conversations": "Conversations", "messages": "Messages",
                        "median": "Median messages per conversation", "mean": "Mean messages per conversation",
                        "max": "Most messages in one conversation"}


def message_count_frame(counts: Mapping[str, Any]) -> pd.DataFrame:
    """Message-count statistics as measure/value rows, labelled in words (:data:`MESSAGE_COUNT_LABELS`):
    whole numbers as integers, other floats with two decimals, missing as an em dash."""
    def shown(value: Any) -> Any:
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:,.0f}" if value == int(value) else f"{value:.2f}"
        return value

    return pd.DataFrame([(MESSAGE_COUNT_LABELS.get(k, k), shown(v)) for k, v in counts.items()],
                        columns=["measure", "value"])
