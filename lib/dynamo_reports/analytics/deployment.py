"""Deployed vs documented, pure: compare a DescribeTable answer and a TTL state with a table spec.

The DescribeTable / DescribeTimeToLive calls are in :mod:`dynamo_reports.systems.deployment`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["billing_mode", "deployed_indexes", "deployment_differences", "ttl_enabled"]


def billing_mode(description: Mapping[str, Any]) -> str:
    """The billing mode of a DescribeTable ``Table``: tables created before on-demand have no summary."""
    return (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")


def deployed_indexes(description: Mapping[str, Any]) -> list[str]:
    """The names of the global secondary indexes of a DescribeTable ``Table``, sorted."""
    return sorted(g["IndexName"] for g in description.get("GlobalSecondaryIndexes", []) or [])


def ttl_enabled(ttl_state: str) -> bool:
    """Whether a TTL state ("ENABLED expiresAt", "DISABLED", "denied (...)", "") counts as deployed.

    A denied DescribeTimeToLive is not held against the table: its TTL is unknown.
    """
    return ttl_state.startswith(("ENABLED", "denied"))


def deployment_differences(spec: Any, description: Mapping[str, Any], ttl_state: str) -> list[str]:
    """What differs between a table's spec (billing mode, GSIs, TTL) and what is deployed."""
    differences = []
    mode = billing_mode(description)
    deployed = deployed_indexes(description)
    documented = sorted(i.name for i in spec.indexes)
    if mode != spec.billing_mode:
        differences.append(f"{spec.logical}: billing mode {mode}, documented {spec.billing_mode}")
    for name in sorted(set(documented) - set(deployed)):
        differences.append(f"{spec.logical}: GSI {name} documented but not deployed")
    for name in sorted(set(deployed) - set(documented)):
        differences.append(f"{spec.logical}: GSI {name} deployed but not documented")
    if spec.ttl_attribute and not ttl_enabled(ttl_state):
        differences.append(f"{spec.logical}: TTL on '{spec.ttl_attribute}' documented, deployed: {ttl_state or 'none'}")
    return differences
