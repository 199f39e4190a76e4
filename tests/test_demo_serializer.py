"""The embedded server's DynamoDB response serializer writes exactly what moto's own writes.

``demo/serializer.py`` replaces moto's shape walk over attribute values by one direct pass. Both
are compared byte for byte (the body, hence the ``x-amz-crc32`` header too): directly, on
generated values of every DynamoDB type inside the outputs of the four read operations; and
through the HTTP server, on the demo dataset (the first 60 items of each table's Scan, and a Query
of each table's first partition, with and without the faster serializer).
"""

from __future__ import annotations

import http.client
import json
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from moto.core.serialize import SERVICE_SPECIFIC_SERIALIZERS, JSONSerializer, XFormedAttributePicker
from moto.core.utils import get_service_model

from dynamo_reports.demo.dataset import TABLE_ORDER, load_demo_dataset
from dynamo_reports.demo.serializer import DynamoJSONSerializer, attribute_value_json, install
from dynamo_reports.systems import ALL_TABLES

# -- generated values, in moto's {type: value} form (what dynamo_to_dict hands the serializer) --------

numbers = st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str)
names = st.text(string.ascii_letters + "_#é", min_size=1, max_size=8)
scalars = st.one_of(
    st.text(max_size=20).map(lambda s: {"S": s}),
    numbers.map(lambda n: {"N": n}),
    st.binary(max_size=20).map(lambda b: {"B": b}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.lists(st.text(max_size=6), min_size=1, max_size=4, unique=True).map(lambda v: {"SS": v}),
    st.lists(numbers, min_size=1, max_size=4, unique=True).map(lambda v: {"NS": v}),
    st.lists(st.binary(min_size=1, max_size=6), min_size=1, max_size=4, unique=True).map(lambda v: {"BS": v}),
)


def _nested(inner: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    return st.one_of(scalars, st.lists(inner, max_size=4).map(lambda v: {"L": v}),
                     st.dictionaries(names, inner, max_size=4).map(lambda v: {"M": v}))


# lists and maps nested up to three deep, spelled out: st.recursive drew the same shapes at several
# times the cost; deeper nesting is an explicit example
values = _nested(_nested(_nested(scalars)))
items = st.dictionaries(names, values, min_size=1, max_size=5)
# six containers deep (M > L > M > L > L > M > BS), empty containers, a None member left out
DEEP = {"d": {"M": {"a": {"L": [{"M": {"b": {"L": [{"L": [{"M": {"c": {"BS": [b"\x00", b"\xff"]}}}]}]}}},
                               {"L": []}, {"M": {}}]}}},
        "n": {"N": "-0.000"}, "e": {"S": ""}, "z": {"NULL": True}}

DYNAMODB = get_service_model("dynamodb")


def _bodies(operation: str, result: dict) -> tuple[str, str]:
    """``result`` written by moto's JSON serializer and by ours (a fresh dict each: they may alter it)."""
    op = DYNAMODB.operation_model(operation)
    out = []
    for cls in (JSONSerializer, DynamoJSONSerializer):
        serializer = cls(operation_model=op, value_picker=XFormedAttributePicker(response_transformers=None))
        out.append(serializer.serialize(json.loads(json.dumps(result, default=_keep_bytes), object_hook=_bytes))
                   ["body"])
    return out[0], out[1]


def _keep_bytes(value):  # bytes survive the copy above as a tagged string
    return {"__bytes__": value.hex()}


def _bytes(obj):
    return bytes.fromhex(obj["__bytes__"]) if set(obj) == {"__bytes__"} else obj


@settings(max_examples=30, deadline=None)  # and the explicit example: moto's serializer is half the cost
@given(st.lists(items, max_size=3), items)
@example([DEEP, {"k": {"S": "é"}}], DEEP)
def test_read_outputs_are_written_byte_for_byte_as_moto_writes_them(page, key):
    capacity = {"TableName": "t", "CapacityUnits": 1.5}
    for operation, result in (
        ("Query", {"Items": page, "Count": len(page), "ScannedCount": 7, "LastEvaluatedKey": key,
                   "ConsumedCapacity": capacity}),
        ("Scan", {"Items": page, "Count": len(page), "ScannedCount": len(page)}),
        ("GetItem", {"Item": page[0]} if page else {}),
        ("BatchGetItem", {"Responses": {"t": page}, "UnprocessedKeys": {"t": {"Keys": [key]}},
                          "ConsumedCapacity": [capacity]}),
    ):
        moto_body, ours = _bodies(operation, result)
        assert ours == moto_body, operation


def test_values_by_hand():
    # written out by hand from the DynamoDB JSON format: blobs base64 (b"\x00\xff" -> "AP8="),
    # numbers and strings as strings, NULL/BOOL as JSON booleans, members that are None left out
    assert attribute_value_json({"B": b"\x00\xff"}) == {"B": "AP8="}
    assert attribute_value_json({"BS": [b"a", "b"]}) == {"BS": ["YQ==", "Yg=="]}
    assert attribute_value_json({"N": 12}) == {"N": "12"}
    assert attribute_value_json({"M": {"a": {"NULL": True}, "b": None}, "S": None}) == {"M": {"a": {"NULL": True}}}
    assert attribute_value_json({"L": [{"BOOL": False}, {"SS": ["x"]}]}) == {"L": [{"BOOL": False}, {"SS": ["x"]}]}


# -- through the HTTP server, on the demo dataset ---------------------------------------------------------

def _post(endpoint: str, target: str, body: dict) -> tuple[int, bytes, str | None]:
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("POST", "/", json.dumps(body), {
            "X-Amz-Target": f"DynamoDB_20120810.{target}", "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=demo/20250101/eu-west-3/dynamodb/aws4_request, "
                             "SignedHeaders=host, Signature=0"})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("x-amz-crc32")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def seeded(dynamo):
    """The demo dataset in this module's tables, written in-process as the demo server writes it
    (what is compared is how it is served, not how it was written)."""
    load_demo_dataset(dynamo.set_up_tables())
    return dynamo, dynamo.connect()


def test_demo_items_are_served_byte_for_byte_as_moto_serves_it(seeded, monkeypatch):
    server, conn = seeded
    requests = []
    for logical in TABLE_ORDER:
        table = conn.table_name(logical)
        requests.append(("Scan", {"TableName": table, "ReturnConsumedCapacity": "TOTAL", "Limit": 60}))
        spec = next(s for s in ALL_TABLES if s.logical == logical)
        first = json.loads(_post(server.endpoint_url, "Scan", {"TableName": table, "Limit": 1})[1])["Items"]
        if first:
            pk = spec.hash_key
            requests.append(("Query", {"TableName": table, "KeyConditionExpression": "#k = :v",
                                       "ExpressionAttributeNames": {"#k": pk},
                                       "ExpressionAttributeValues": {":v": first[0][pk]}}))
    served = {}
    for label, registered in (("moto", None), ("ours", DynamoJSONSerializer)):
        if registered is None:
            monkeypatch.setitem(SERVICE_SPECIFIC_SERIALIZERS, "dynamodb", {})
        else:
            install()
        served[label] = [_post(server.endpoint_url, target, body) for target, body in requests]
    scanned = set()
    for (target, body), moto_reply, our_reply in zip(requests, served["moto"], served["ours"], strict=True):
        assert moto_reply[0] == 200 and our_reply == moto_reply, (target, body["TableName"])
        if target == "Scan" and json.loads(our_reply[1])["Count"]:
            scanned.add(body["TableName"])
    assert len(scanned) == len(TABLE_ORDER) == 14  # items of every one of the 14 demo tables were compared
