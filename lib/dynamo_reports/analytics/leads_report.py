"""The affiliate-leads report's own pieces, pure: which days and affiliates to query.

The figures come from :mod:`dynamo_reports.analytics.leads`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

__all__ = ["affiliate_ids", "query_days"]


def query_days(lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> tuple[date | None, date | None]:
    """The UTC days covering the window ``[lo, hi)``: first and last, inclusive (``None``: open).

    The leads' key conditions compare UTC ISO strings by day, so a window in another time zone is
    read by whole UTC days and cut exactly afterwards.
    """
    first = lo.date() if lo is not None else None
    last = (hi - pd.Timedelta(seconds=1)).date() if hi is not None else None
    return first, last


def affiliate_ids(*frames: pd.DataFrame) -> list[str]:
    """Every non-empty ``affiliate_id`` string found in the frames, sorted, each once."""
    return sorted({a for frame in frames for a in frame["affiliate_id"] if isinstance(a, str) and a})
