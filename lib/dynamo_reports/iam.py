"""The IAM policy of report runs, generated from the table specs and the settings.

Reports read the tables of all five systems (the capacity report reads every one), with the
operations in :data:`dynamo_reports.connection.REPORT_OPERATIONS`. The policy allows exactly
those actions on exactly the physical tables the settings name (the TOML ``[tables]`` map,
``env``, ``project``, ``region``), plus ``/index/*`` of the tables that have global secondary
indexes. ``docs/iam/reports-readonly-policy.json`` is this policy for the default settings;
``dynamo-reports iam-policy --config FILE --env E`` prints the one for a deployment.
"""

from __future__ import annotations

import json
from typing import Any

from .config import Settings
from .connection import REPORT_OPERATIONS

POLICY_FILE = "docs/iam/reports-readonly-policy.json"


def arn_partition(region: str) -> str:
    """The ARN partition of a region: ``aws``, ``aws-cn`` (cn-*) or ``aws-us-gov`` (us-gov-*)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def table_resources(settings: Settings) -> list[str]:
    """ARNs of every table reports read, and of the indexes of those that have any, in spec order."""
    from .systems import ALL_TABLES

    prefix = f"arn:{arn_partition(settings.region)}:dynamodb:{settings.region}:*:table/"
    resources: list[str] = []
    for spec in ALL_TABLES:
        arn = prefix + settings.table_name(spec.logical)
        for resource in (arn, f"{arn}/index/*") if spec.indexes else (arn,):
            if resource not in resources:  # two logical tables may share one physical name
                resources.append(resource)
    return resources


def readonly_policy(settings: Settings | None = None) -> dict[str, Any]:
    """The read-only policy of report runs for ``settings`` (default: the documented names)."""
    settings = settings or Settings()
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DynamoReportsReadOnly",
                "Effect": "Allow",
                "Action": [f"dynamodb:{operation}" for operation in REPORT_OPERATIONS],
                "Resource": table_resources(settings),
            }
        ],
    }


def policy_json(settings: Settings | None = None) -> str:
    """:func:`readonly_policy` as the JSON text committed in ``docs/iam/`` (2-space indent, final newline)."""
    return json.dumps(readonly_policy(settings), indent=2) + "\n"
