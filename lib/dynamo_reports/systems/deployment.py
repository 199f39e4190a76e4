"""Which documented tables exist on the endpoint, and how they are deployed (DescribeTable, DescribeTimeToLive).

Neither call reads items: DescribeTable and DescribeTimeToLive are not billed as reads. A
denied permission is recorded, never fatal: the caller shows what could be read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..analytics.deployment import billing_mode, deployed_indexes, deployment_differences
from ..analytics.quality import Findings
from ..connection import Connection
from ..exceptions import AccessDeniedError, DynamoDBRequestError, TableNotFoundError
from .base import TableSpec

__all__ = ["DeploymentCheck", "TableSurvey", "check_deployment", "describe_time_to_live", "survey_tables"]

# Error codes of endpoints that do not implement an operation (DynamoDB Local, other compatible stores).
_UNSUPPORTED_CODES = frozenset({"UnknownOperationException", "NotImplementedException"})


@dataclass
class TableSurvey:
    """The tables found (``present``, in spec order), their descriptions, the missing ones, denied actions."""

    present: list[TableSpec] = field(default_factory=list)
    missing: list[TableSpec] = field(default_factory=list)
    described: dict[str, dict[str, Any]] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)

    @property
    def logicals(self) -> list[str]:
        return [spec.logical for spec in self.present]


@dataclass
class DeploymentCheck:
    """DescribeTable beside the measured figures (one row per table), and the differences with the documents."""

    rows: pd.DataFrame
    differences: list[str]

    @property
    def differences_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"difference": self.differences}, columns=["difference"])


def survey_tables(conn: Connection, specs: Iterable[TableSpec], findings: Findings | None = None) -> TableSurvey:
    """DescribeTable each spec's table; a missing one is a ``table_missing`` finding, not a failure.

    When DescribeTable is denied the table's existence is unknown: it is kept as present (so
    that reading it is tried) and the denied action is recorded.
    """
    survey = TableSurvey()
    for spec in specs:
        try:
            survey.described[spec.logical] = conn.describe_table(spec.logical)
        except TableNotFoundError:
            survey.missing.append(spec)
            if findings is not None:
                findings.add("table_missing", conn.table_name(spec.logical),
                             f"logical table {spec.logical} (system {spec.system}) not found: "
                             "set [tables] in the TOML config", table=spec.logical)
            continue
        except AccessDeniedError as e:
            survey.denied.add(e.action)
        survey.present.append(spec)
    return survey


def describe_time_to_live(conn: Connection, logical: str) -> str:
    """The table's TTL as deployed: ``"ENABLED <attribute>"``, ``"DISABLED"``, or ``"denied (<action>)"``.

    An endpoint that does not implement DescribeTimeToLive answers ``"unknown (...)"``; any other
    request error is raised.
    """
    try:
        answer = conn.call("DescribeTimeToLive", TableName=conn.table_name(logical))
    except AccessDeniedError as e:
        return f"denied ({e.action})"
    except DynamoDBRequestError as e:
        if e.code in _UNSUPPORTED_CODES:  # a DynamoDB-compatible endpoint without TTL support
            return "unknown (DescribeTimeToLive not supported by this endpoint)"
        raise
    desc = answer.get("TimeToLiveDescription", {})
    return f"{desc.get('TimeToLiveStatus', '')} {desc.get('AttributeName', '')}".strip()


def check_deployment(conn: Connection, survey: TableSurvey, inventories: Mapping[str, Any]) -> DeploymentCheck:
    """Compare each present table as deployed with its spec, beside the measured ``inventories``."""
    rows: list[dict[str, Any]] = []
    differences: list[str] = []
    for spec in survey.present:
        if spec.logical in survey.denied or "DescribeTable" in survey.denied:
            rows.append({"table": spec.logical, "note": "dynamodb:DescribeTable denied"})
            continue
        description = survey.described.get(spec.logical, {})
        ttl_state = describe_time_to_live(conn, spec.logical)
        inv = inventories[spec.logical]
        rows.append({"table": spec.logical, "items (AWS, ~6 h old)": description.get("ItemCount"),
                     "items (measured)": inv.items, "bytes (AWS, ~6 h old)": description.get("TableSizeBytes"),
                     "bytes (measured)": inv.item_bytes, "billing mode": billing_mode(description),
                     "GSIs deployed": ", ".join(deployed_indexes(description)), "TTL deployed": ttl_state,
                     "note": ""})
        differences += deployment_differences(spec, description, ttl_state)
    return DeploymentCheck(pd.DataFrame(rows), differences)
