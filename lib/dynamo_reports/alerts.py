"""Alert rules over the summary.json vocabulary: parsed and validated with the run plan,
evaluated after a report ran. Pure: no I/O, no network.

Rules live in the TOML config (``--config``), one per summary value::

    [alerts]
    "pnl.max_drawdown_pct" = "> 5"
    "capacity.within_budget" = "== false"
    "participants.data_quality.total" = "> 0"
    "pnl.by_symbol.BTCUSDT.realized_pnl" = "< -100"

A key is ``REPORT.summary_key[.nested.key ...]``: the report must exist and the first summary
key must be one the report declares (:attr:`~dynamo_reports.reporting.registry.ReportDef.summary_keys`);
``data_quality.total`` is the sum of the report's data-quality counts. Unquoted dotted TOML keys
(``pnl.max_drawdown_pct = "> 5"``, i.e. nested tables) mean the same. A value is an operator
(``> >= < <= == !=``) and a threshold: a number, ``true``/``false``, ``null``, or a quoted text
(``== "USDT"``, equality only). A bare TOML number or boolean means ``==``.

A rule *fires* when the summary holds a value at its path and the comparison holds. A value the
summary lacks, or one of another kind than the threshold (a text against ``> 5``), does not fire;
its outcome says ``missing`` / ``incomparable``.

>>> rules = parse_rules({"pnl.max_drawdown_pct": "> 5"})
>>> [o.message for o in evaluate(rules, "pnl", {"max_drawdown_pct": 7.25}) if o.fired]
['pnl.max_drawdown_pct = 7.25 (rule: > 5)']
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .exceptions import ConfigError

__all__ = [
    "OPERATORS",
    "AlertOutcome",
    "AlertRule",
    "data_quality_total",
    "evaluate",
    "fired",
    "parse_rules",
    "resolve",
]

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
}
_ORDERING = (">", ">=", "<", "<=")
_RULE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(.*?)\s*$")
_SEGMENT = re.compile(r"^[^\s.]+$")

Threshold = float | bool | str | None


@dataclass(frozen=True)
class AlertRule:
    """``report``'s summary value at ``path`` compared with ``threshold`` by ``op``."""

    report: str
    path: tuple[str, ...]
    op: str
    threshold: Threshold

    @property
    def key(self) -> str:
        """``pnl.max_drawdown_pct``: the key as written in ``[alerts]``."""
        return ".".join((self.report, *self.path))

    @property
    def condition(self) -> str:
        """``> 5``, ``== false``, ``== "USDT"``."""
        return f"{self.op} {format_value(self.threshold)}"

    def __str__(self) -> str:
        return f"{self.key} {self.condition}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "op": self.op, "threshold": self.threshold}


@dataclass(frozen=True)
class AlertOutcome:
    """One rule evaluated on one summary."""

    rule: AlertRule
    status: str  # "fired" | "ok" | "missing" | "incomparable"
    value: Any = None

    @property
    def fired(self) -> bool:
        return self.status == "fired"

    @property
    def message(self) -> str:
        """``pnl.max_drawdown_pct = 7.25 (rule: > 5)``."""
        shown = "(not in the summary)" if self.status == "missing" else format_value(self.value)
        return f"{self.rule.key} = {shown} (rule: {self.rule.condition})"

    def to_dict(self) -> dict[str, Any]:
        value = self.value if self.value is None or isinstance(self.value, bool | int | float | str) else None
        return {**self.rule.to_dict(), "status": self.status, "value": value, "message": self.message}


def format_value(value: Any) -> str:
    """A threshold or value as written in a rule: ``5``, ``0.125``, ``false``, ``null``, ``"USDT"``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) and abs(value) < 1e15 else str(value)
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return type(value).__name__


def _parse_threshold(key: str, text: str) -> Threshold:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "none"):
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    try:
        number = float(text)
    except ValueError:
        raise ConfigError(
            f"[alerts] {key!r}: threshold {text!r} is not a number, true, false, null or a quoted text",
            key=f"alerts.{key}") from None
    if not math.isfinite(number):
        raise ConfigError(f"[alerts] {key!r}: threshold {text!r} is not a finite number", key=f"alerts.{key}")
    return number


def _parse_condition(key: str, value: Any) -> tuple[str, Threshold]:
    if isinstance(value, bool):
        return "==", value
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ConfigError(f"[alerts] {key!r}: {value!r} is not a finite number", key=f"alerts.{key}")
        return "==", float(value)
    if not isinstance(value, str):
        raise ConfigError(f"[alerts] {key!r}: expected a rule like \"> 5\" or \"== false\", got {value!r}",
                          key=f"alerts.{key}")
    match = _RULE.match(value)
    if not match:
        raise ConfigError(
            f"[alerts] {key!r}: {value!r} does not start with an operator; use one of "
            f"{' '.join(OPERATORS)} followed by a threshold (\"> 5\", \"== false\")", key=f"alerts.{key}")
    op, text = match.group(1), match.group(2)
    if not text:
        raise ConfigError(f"[alerts] {key!r}: {value!r} has no threshold after {op!r}", key=f"alerts.{key}")
    threshold = _parse_threshold(key, text)
    if op in _ORDERING and (threshold is None or isinstance(threshold, bool | str)):
        raise ConfigError(f"[alerts] {key!r}: {op!r} compares numbers; {text!r} is not one "
                          "(use == or != for true, false, null or a text)", key=f"alerts.{key}")
    return op, threshold


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(value, Mapping):
            yield from _flatten(value, key)
        else:
            yield key, value


def parse_rules(table: Mapping[str, Any] | None, registry: Mapping[str, Any] | None = None) -> tuple[AlertRule, ...]:
    """The rules of an ``[alerts]`` table, validated against ``registry`` (the report registry).

    Raises :class:`~dynamo_reports.exceptions.ConfigError` (key ``alerts.<rule key>``) for an
    unknown report, a summary key the report does not declare, a bad operator or threshold.
    """
    if registry is None:
        from .reporting.registry import REPORTS

        registry = REPORTS
    if table is None:
        return ()
    if not isinstance(table, Mapping):
        raise ConfigError("[alerts] must be a table of \"REPORT.summary_key\" = \"> 5\" rules", key="alerts")
    rules: list[AlertRule] = []
    for key, value in _flatten(table):
        report, _, rest = key.partition(".")
        if report not in registry:
            raise ConfigError(f"[alerts] {key!r}: unknown report {report!r}; known reports: {', '.join(registry)}",
                              key=f"alerts.{key}")
        path = tuple(rest.split(".")) if rest else ()
        if not path or not all(_SEGMENT.match(p) for p in path):
            raise ConfigError(f"[alerts] {key!r}: name a summary value, e.g. {report}.data_quality.total",
                              key=f"alerts.{key}")
        declared = tuple(getattr(registry[report], "summary_keys", ()) or ())
        if not declared:
            raise ConfigError(f"[alerts] {key!r}: report {report!r} declares no summary keys", key=f"alerts.{key}")
        if path[0] not in declared:
            raise ConfigError(f"[alerts] {key!r}: {report} has no summary key {path[0]!r}; "
                              f"known: {', '.join(sorted(declared))}", key=f"alerts.{key}")
        op, threshold = _parse_condition(key, value)
        rules.append(AlertRule(report, path, op, threshold))
    return tuple(rules)


def data_quality_total(findings: Any) -> int | float | None:
    """The sum of the numeric counts in a summary's ``data_quality`` (nested mappings included,
    lists and booleans ignored); ``None`` when it is not a mapping."""
    if not isinstance(findings, Mapping):
        return None
    total: int | float = 0
    for value in findings.values():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and math.isfinite(value):
            total += value
        elif isinstance(value, Mapping):
            total += data_quality_total(value) or 0
    return total


_MISSING = object()


def resolve(summary: Mapping[str, Any], path: Iterable[str]) -> Any:
    """The value at ``path`` in ``summary`` (``_MISSING`` when there is none); ``data_quality.total``
    is :func:`data_quality_total` unless the summary has a value of that name."""
    path = tuple(path)
    node: Any = summary
    for i, name in enumerate(path):
        if isinstance(node, Mapping) and name in node:
            node = node[name]
        elif path[: i + 1] == ("data_quality", "total") and i == len(path) - 1:
            total = data_quality_total(node)
            return _MISSING if total is None else total
        else:
            return _MISSING
    return node


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number" if math.isfinite(value) else "nan"
    if isinstance(value, str):
        return "text"
    return "other"


def evaluate(rules: Iterable[AlertRule], report: str, summary: Mapping[str, Any] | None) -> list[AlertOutcome]:
    """Every rule of ``report`` evaluated on ``summary`` (rules of other reports are skipped)."""
    outcomes = []
    for rule in rules:
        if rule.report != report:
            continue
        value = resolve(summary or {}, rule.path)
        if value is _MISSING:
            outcomes.append(AlertOutcome(rule, "missing"))
            continue
        if rule.threshold is None:  # == null / != null: any value can be compared with null
            hit = (value is None) == (rule.op == "==")
            outcomes.append(AlertOutcome(rule, "fired" if hit else "ok", value))
            continue
        if _kind(value) != _kind(rule.threshold):
            outcomes.append(AlertOutcome(rule, "incomparable", value))
            continue
        hit = OPERATORS[rule.op](value, rule.threshold)
        outcomes.append(AlertOutcome(rule, "fired" if hit else "ok", value))
    return outcomes


def fired(outcomes: Iterable[AlertOutcome]) -> list[AlertOutcome]:
    """The outcomes whose rule fired."""
    return [o for o in outcomes if o.fired]
