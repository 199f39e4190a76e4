"""Embedded DynamoDB (moto server) and the deterministic demo dataset."""

from .server import EmbeddedDynamo

__all__ = ["EmbeddedDynamo"]
