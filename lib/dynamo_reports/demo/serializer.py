"""A faster JSON response serializer for the embedded server's DynamoDB responses.

moto (5.2) writes every response through a serializer driven by botocore's output shapes: for
each member of each structure it asks an attribute picker for the value under several
candidate names. For DynamoDB that walk reaches every attribute value of every item returned,
and it is most of the embedded server's time: a ``Query`` or ``Scan`` page of a few thousand
items spends seconds there.

:class:`DynamoJSONSerializer` is moto's own JSON serializer with one change: an attribute value
(botocore's ``AttributeValue`` structure), and a map of them (an item, a key), are written in one
direct pass over moto's ``{type: value}`` form instead of the shape walk. Everything else — the
envelope, ``ConsumedCapacity``, ``LastEvaluatedKey``'s map, errors, content type, status — is
moto's code. It writes the same JSON as moto's serializer (``tests/test_demo_serializer.py``
compares both on generated values of every type and on the demo dataset).

:func:`install` registers it for DynamoDB in moto's own registry of service-specific serializers.
"""

from __future__ import annotations

import base64
from typing import Any

from moto.core.serialize import SERVICE_SPECIFIC_SERIALIZERS, JSONSerializer

__all__ = ["DynamoJSONSerializer", "attribute_value_json", "install"]

#: AttributeValue members that botocore models as strings, lists of strings, blobs, lists of blobs
_STRING, _STRINGS, _BLOB, _BLOBS = ("S", "N"), ("SS", "NS"), ("B",), ("BS",)
_BOOLEAN = ("NULL", "BOOL")


def _string(value: Any) -> Any:
    # moto's _serialize_type_string: str() of anything but None, {} and []
    if type(value) is str:
        return value
    return str(value) if value not in (None, {}, []) else value


def _blob(value: str | bytes) -> str:
    # moto's ResponseSerializer._base64
    if isinstance(value, str):
        value = value.encode("utf-8")
    return base64.b64encode(value).strip().decode("utf-8")


def attribute_value_json(value: Any) -> Any:
    """One attribute value in moto's ``{type: value}`` form, as moto's serializer writes it
    (members in botocore's order are irrelevant to JSON; members that are ``None`` are left out)."""
    if not isinstance(value, dict):
        # not a mapping: moto's picker would find no member in it; an empty structure results
        return {}
    out: dict[str, Any] = {}
    for kind, inner in value.items():
        if inner is None:
            continue
        if kind in _STRING:
            out[kind] = _string(inner)
        elif kind == "M":
            out[kind] = _attribute_map(inner)
        elif kind == "L":
            out[kind] = [attribute_value_json(v) if v is not None else None for v in inner]
        elif kind in _BOOLEAN:
            out[kind] = inner
        elif kind in _STRINGS:
            out[kind] = [_string(v) for v in inner]
        elif kind in _BLOB:
            out[kind] = _blob(inner)
        elif kind in _BLOBS:
            out[kind] = [_blob(v) for v in inner]
        # any other key is not a member of AttributeValue: moto's serializer leaves it out too
    return out


def _attribute_map(value: Any) -> dict[str, Any]:
    return {k: attribute_value_json(v) for k, v in value.items() if v is not None}


class DynamoJSONSerializer(JSONSerializer):
    """moto's JSON serializer; attribute values and maps of them written in one direct pass."""

    def _serialize(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        name = shape.name
        if name == "AttributeValue" and key:
            if value is not None:  # a structure that is None is left out (moto)
                serialized[shape.serialization.get("name", key)] = attribute_value_json(value)
            return
        if key and shape.type_name == "map" and getattr(shape.value, "name", None) == "AttributeValue":
            serialized[shape.serialization.get("name", key)] = _attribute_map(value)
            return
        super()._serialize(serialized, value, shape, key)


def install() -> None:
    """Use :class:`DynamoJSONSerializer` for moto's DynamoDB responses in this process (idempotent)."""
    SERVICE_SPECIFIC_SERIALIZERS.setdefault("dynamodb", {})["json"] = DynamoJSONSerializer
