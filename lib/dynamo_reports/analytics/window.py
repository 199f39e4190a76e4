"""Selecting the rows of a frame that fall inside a report window: one rule for every report.

A window is the half-open interval ``[lo, hi)`` of UTC instants (local midnight of the first
day .. local midnight after the last, see :meth:`~dynamo_reports.reporting.periods.Window.bounds_utc`);
``None`` leaves a side open. A row without a time is outside every window (it is a
data-quality finding elsewhere, never silently counted in).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["in_window", "weekly_median_p90"]


def in_window(times: pd.Series, lo: pd.Timestamp | None = None, hi: pd.Timestamp | None = None) -> pd.Series:
    """Boolean mask of ``lo <= times < hi`` (an open side when ``None``); missing times are ``False``."""
    mask = times.notna()
    if lo is not None:
        mask &= times >= lo
    if hi is not None:
        mask &= times < hi
    return mask


def weekly_median_p90(values: pd.Series, weeks: pd.Series | None, index: pd.Index, *, count: str,
                      unit: str) -> pd.DataFrame:
    """Per week of ``index``: how many ``values`` (``count``), their median and 90th percentile
    (``median_<unit>``, ``p90_<unit>``, linear interpolation; NaN for a week without any).

    ``weeks`` gives each value's week (aligned with ``values``); weeks outside ``index`` are dropped.
    """
    median, p90 = f"median_{unit}", f"p90_{unit}"
    if values.empty or weeks is None:
        out = pd.DataFrame({count: 0, median: math.nan, p90: math.nan}, index=index)
    else:
        grouped = values.astype(float).groupby(np.asarray(weeks))
        out = pd.DataFrame({count: grouped.size(), median: grouped.quantile(0.5),
                            p90: grouped.quantile(0.9)}).reindex(index)
        out[count] = out[count].fillna(0).astype(int)
    out.index.name = "week"
    return out
