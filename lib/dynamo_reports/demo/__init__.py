"""Embedded DynamoDB (moto server) and the deterministic demo dataset.

``EmbeddedDynamo`` is imported on first use: reading the dataset's as-of date does not load
moto or boto3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["EmbeddedDynamo"]

if TYPE_CHECKING:
    from .server import EmbeddedDynamo


def __getattr__(name: str) -> Any:
    if name == "EmbeddedDynamo":
        from .server import EmbeddedDynamo

        return EmbeddedDynamo
    raise AttributeError(f"module 'dynamo_reports.demo' has no attribute {name!r}")
