"""Table specifications as data, and what every system module shares.

A :class:`TableSpec` is one table exactly as its source document defines it: keys, GSIs,
projections, TTL, billing mode. ``create_table`` turns a spec into a CreateTable request
(used by the demo server, ``dynamo-reports tables --create`` and the tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import DynamoDBRequestError, DynamoReportsError

if TYPE_CHECKING:  # specs are pure data: importing them must not load boto3
    from ..connection import Connection


@dataclass(frozen=True)
class IndexSpec:
    name: str
    hash_key: str
    range_key: str | None = None
    projection: str = "ALL"  # ALL | KEYS_ONLY | INCLUDE
    non_key_attributes: tuple[str, ...] = ()

    def key_attributes(self) -> tuple[str, ...]:
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())


@dataclass(frozen=True)
class TableSpec:
    logical: str                   # key of config.DEFAULT_TABLE_NAMES
    system: str                    # source document id: "000" .. "004"
    description: str
    hash_key: str
    range_key: str | None = None
    attribute_types: dict[str, str] = field(default_factory=dict)  # key attributes only: S | N | B
    indexes: tuple[IndexSpec, ...] = ()
    ttl_attribute: str | None = None
    billing_mode: str = "PAY_PER_REQUEST"

    def key_attributes(self) -> tuple[str, ...]:
        return (self.hash_key,) + ((self.range_key,) if self.range_key else ())

    def index(self, name: str) -> IndexSpec:
        for idx in self.indexes:
            if idx.name == name:
                return idx
        raise DynamoReportsError(f"table {self.logical!r} has no index {name!r}")

    def create_table_params(self, physical_name: str) -> dict[str, Any]:
        used = set(self.key_attributes())
        for idx in self.indexes:
            used.update(idx.key_attributes())
        params: dict[str, Any] = {
            "TableName": physical_name,
            "AttributeDefinitions": [
                {"AttributeName": a, "AttributeType": self.attribute_types.get(a, "S")} for a in sorted(used)
            ],
            "KeySchema": _key_schema(self.hash_key, self.range_key),
            "BillingMode": self.billing_mode,
        }
        if self.indexes:
            params["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": idx.name,
                    "KeySchema": _key_schema(idx.hash_key, idx.range_key),
                    "Projection": {"ProjectionType": idx.projection,
                                   **({"NonKeyAttributes": list(idx.non_key_attributes)}
                                      if idx.projection == "INCLUDE" else {})},
                }
                for idx in self.indexes
            ]
        return params

    def describe(self) -> dict[str, Any]:
        """A plain-data view for ``dynamo-reports tables`` and the capacity report."""
        return {
            "logical": self.logical,
            "system": self.system,
            "description": self.description,
            "hash_key": self.hash_key,
            "range_key": self.range_key,
            "indexes": [
                {"name": i.name, "hash_key": i.hash_key, "range_key": i.range_key, "projection": i.projection}
                for i in self.indexes
            ],
            "ttl_attribute": self.ttl_attribute,
            "billing_mode": self.billing_mode,
        }


@dataclass(frozen=True)
class KeyPrefix:
    """One key format ``{prefix}{id}`` (``GUILD#{g}``): builds it, and parses it back.

    ``GUILD = KeyPrefix("GUILD#")``: ``GUILD("1") == "GUILD#1"``, ``GUILD.parse("GUILD#1") == "1"``,
    ``GUILD.parse("USER#1") is None``. The ``<system>_keys`` modules define theirs with it.
    """

    prefix: str

    def __call__(self, value: str) -> str:
        return f"{self.prefix}{value}"

    def parse(self, key: Any) -> str | None:
        """``key`` without the prefix; ``None`` when it is not a string starting with it."""
        return key[len(self.prefix):] if isinstance(key, str) and key.startswith(self.prefix) else None

    def matches(self, key: Any) -> bool:
        return self.parse(key) is not None


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def create_table(conn: Connection, spec: TableSpec, *, exist_ok: bool = True) -> str:
    """Create the table of ``spec`` under its configured name; enable TTL when the spec has one."""
    physical = conn.table_name(spec.logical)
    try:
        conn.call("CreateTable", **spec.create_table_params(physical))
    except DynamoDBRequestError as e:
        if not (exist_ok and e.code == "ResourceInUseException"):
            raise
    conn.client.get_waiter("table_exists").wait(TableName=physical, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
    if spec.ttl_attribute:
        conn.call("UpdateTimeToLive", TableName=physical,
                  TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute})
    register(conn, spec)
    return physical


def register(conn: Connection, spec: TableSpec) -> None:
    """Tell the connection's meter about the spec's GSIs (write-unit amplification)."""
    conn.register_indexes(conn.table_name(spec.logical), [(i.hash_key, i.range_key) for i in spec.indexes])


def create_tables(conn: Connection, specs: Iterable[TableSpec]) -> list[str]:
    return [create_table(conn, spec) for spec in specs]
