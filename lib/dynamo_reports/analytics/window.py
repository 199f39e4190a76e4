"""Selecting the rows of a frame that fall inside a report window: one rule for every report.

A window is the half-open interval ``[lo, hi)`` of UTC instants (local midnight of the first
day .. local midnight after the last, see :meth:`~dynamo_reports.reporting.periods.Window.bounds_utc`);
``None`` leaves a side open. A row without a time is outside every window (it is a
data-quality finding elsewhere, never silently counted in).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["in_window"]


def in_window(times: pd.Series, lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None) -> pd.Series:
    """Boolean mask of ``lo <= times < hi`` (an open side when ``None``); missing times are ``False``."""
    mask = times.notna()
    if lo is not None:
        mask &= times >= lo
    if hi is not None:
        mask &= times < hi
    return mask
