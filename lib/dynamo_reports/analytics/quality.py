"""Data-quality findings: malformed or inconsistent items are counted and listed, never dropped.

Every report collects its findings in one :class:`Findings`: the rule that fired, the key of
the item, and what is wrong. The report shows the table; ``summary.json`` gets
:meth:`Findings.counts` as ``data_quality``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = ["rule", "table", "key", "detail"]


@dataclass
class Findings:
    rows: list[dict[str, Any]] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)  # rule -> one-line description

    def describe(self, rule: str, description: str) -> None:
        """Declare a rule (so a rule that found nothing still appears with 0)."""
        self.rules.setdefault(rule, description)

    def describe_all(self, rules: Mapping[str, str]) -> None:
        """Declare every rule of a report (``{rule: description}``)."""
        for rule, description in rules.items():
            self.describe(rule, description)

    def add(self, rule: str, key: Any, detail: str, *, table: str = "") -> None:
        self.rules.setdefault(rule, rule.replace("_", " "))
        self.rows.append({"rule": rule, "table": table, "key": str(key), "detail": detail})

    def extend(self, rule: str, keys: Iterable[Any], detail: str, *, table: str = "") -> None:
        for key in keys:
            self.add(rule, key, detail, table=table)

    def counts(self) -> dict[str, int]:
        """Count per rule, every declared rule included (0 when it found nothing)."""
        out = {rule: 0 for rule in self.rules}
        for row in self.rows:
            out[row["rule"]] = out.get(row["rule"], 0) + 1
        return out

    @property
    def total(self) -> int:
        return len(self.rows)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=COLUMNS)

    def summary_frame(self) -> pd.DataFrame:
        counts = self.counts()
        return pd.DataFrame(
            [{"rule": r, "what it checks": self.rules.get(r, ""), "items": n} for r, n in counts.items()],
            columns=["rule", "what it checks", "items"],
        )


def is_missing(value: Any) -> bool:
    """None, NaT or a float NaN: how a DataFrame holds an absent attribute."""
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and value != value


def as_text(value: Any) -> str:
    """An attribute as text, for ids, keys and messages: ``""`` when it is missing (:func:`is_missing`)."""
    return "" if is_missing(value) else str(value)


def nonblank_text(value: Any) -> str | None:
    """A string attribute without its surrounding spaces; ``None`` when it is not a string, or blank."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
