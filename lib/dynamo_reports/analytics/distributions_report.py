"""The link-distribution report's own tables, pure: headline, fairness, Lorenz curve.

The numbers themselves come from :mod:`dynamo_reports.analytics.distributions`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

__all__ = ["fairness_frame", "format_gini", "format_share", "headline_frame", "lorenz_curve"]


def format_share(value: float | None) -> str:
    """``37.5%``; an em dash when there is no value."""
    return "—" if value is None else f"{value:.1%}"


def format_gini(value: float | None) -> str:
    """Three decimals; an em dash when there is no value."""
    return "—" if value is None else f"{value:.3f}"


def headline_frame(numbers: Mapping[str, Any], fair: Mapping[str, Any], top_n: int) -> pd.DataFrame:
    """The headline: inventory, distributions, members served and never served, Gini, top share."""
    return pd.DataFrame([
        ("Links available (inventory)", numbers["links_available"]),
        ("Links distributed (inventory)", numbers["links_distributed"]),
        ("Distributions in the window", numbers["distributions"]),
        ("Members served in the window", numbers["members_served"]),
        ("Active members never served (whole history)", numbers["members_never_served"]),
        ("Gini of links received in the window", format_gini(fair["gini"])),
        (f"Share of the top {top_n} members", format_share(fair["top_share"])),
    ], columns=["measure", "value"])


def fairness_frame(fair: Mapping[str, Any], top_n: int) -> pd.DataFrame:
    """The fairness table: population, links, Gini, top share."""
    return pd.DataFrame([
        ("Members in the population", fair["members"]),
        ("Links received", fair["links"]),
        ("Gini coefficient", format_gini(fair["gini"])),
        (f"Share of the top {top_n}", format_share(fair["top_share"])),
    ], columns=["measure", "value"])


def lorenz_curve(counts: Iterable[float]) -> tuple[list[float], list[float]]:
    """The Lorenz curve of ``counts`` in percent: (share of members, share of links), least served first.

    Both lists start at 0 and end at 100; empty lists when there is nothing to share.
    """
    values = sorted(counts)
    if not values or sum(values) == 0:
        return [], []
    xs = [100 * i / len(values) for i in range(len(values) + 1)]
    running = [0.0]
    for v in values:
        running.append(running[-1] + v)
    return xs, [100 * r / running[-1] for r in running]
