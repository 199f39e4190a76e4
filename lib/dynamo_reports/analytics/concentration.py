"""Concentration and fairness of a distribution of amounts (SOL invested, links received).

Shared by the participants (000) and distributions (004) reports. Each function returns
``None`` when there is nothing to share (no value, or a zero total); NaN values are ignored;
a negative value raises :class:`~dynamo_reports.exceptions.DataError`, a ``ValueError`` (negative
amounts are data-quality findings, not shares).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..exceptions import DataError


def _values(values: Iterable[float]) -> np.ndarray:
    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    if (x < 0).any():
        raise DataError("values must be >= 0 (negative amounts are findings, not shares)")
    return x


def gini(values: Iterable[float]) -> float | None:
    """Gini coefficient Σ_i Σ_j |x_i − x_j| / (2 n² mean): 0 = all equal, → 1 = one holds all.

    Computed from the sorted values: G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1) / n (i from 1).
    """
    x = np.sort(_values(values))
    n, total = len(x), float(x.sum())
    if n == 0 or total <= 0:
        return None
    ranks = np.arange(1, n + 1)
    return float(2.0 * (ranks * x).sum() / (n * total) - (n + 1) / n)


def herfindahl(values: Iterable[float]) -> float | None:
    """Herfindahl-Hirschman index Σ share²: 1/n when all equal, 1 when one holds everything."""
    x = _values(values)
    total = float(x.sum())
    if len(x) == 0 or total <= 0:
        return None
    return float(((x / total) ** 2).sum())


def top_share(values: Iterable[float], n: int) -> float | None:
    """Share of the total held by the ``n`` largest values."""
    x = np.sort(_values(values))[::-1]
    total = float(x.sum())
    if total <= 0:
        return None
    return float(x[:n].sum() / total)
