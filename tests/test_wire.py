"""The wire path: items decoded from the response JSON are today's items bit for bit.

"Today's path" is rebuilt here as the oracle: botocore's shape-driven parser, then boto3's
``TypeDeserializer``, then boto3 ``Binary`` -> ``bytes``. The wire path (codec's decoder fed by
connection's ``before-parse`` hook) must give the same values with the same types, the same
Decimal digits and exponents, the same key order; the meter must size items as
``capacity.wire_item_size`` does on botocore's form.
"""

from __future__ import annotations

import base64
import decimal
import json
import uuid
from decimal import Decimal
from typing import Any

import botocore.parsers
import botocore.session
import pytest
from boto3.dynamodb.conditions import Key
from boto3.dynamodb.types import Binary, TypeDeserializer
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from dynamo_reports import capacity, codec, connection, reads
from dynamo_reports.config import Settings
from dynamo_reports.connection import Connection
from dynamo_reports.exceptions import ParameterError, ReadOnlyError, TableNotFoundError, ThrottlingError
from test_faults import ThrottlingProxy

# -- today's path, the oracle ------------------------------------------------------------------

_DESERIALIZER = TypeDeserializer()
_MODEL = botocore.session.get_session().get_service_model("dynamodb")


def _unbinary(value: Any) -> Any:
    """What codec did to boto3's output before the wire path (Binary -> bytes, recursively)."""
    if isinstance(value, Binary):
        return bytes(value.value)
    if isinstance(value, dict):
        return {k: _unbinary(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unbinary(v) for v in value]
    if isinstance(value, set) and value and isinstance(next(iter(value)), Binary):
        return {bytes(v.value) for v in value}
    return value


def _old_item(wire: dict) -> dict:
    return {k: _unbinary(_DESERIALIZER.deserialize(v)) for k, v in wire.items()}


def _exact(value: Any) -> Any:
    """A value with its type, Decimal digits/exponent and key order spelled out, for ==."""
    if isinstance(value, bool):
        return ("BOOL", value)
    if value is None:
        return ("NULL",)
    if type(value) is Decimal:
        return ("N", value.as_tuple())
    if type(value) is str:
        return ("S", value)
    if type(value) is bytes:
        return ("B", value)
    if type(value) is dict:
        return ("M", tuple((k, _exact(v)) for k, v in value.items()))
    if type(value) is list:
        return ("L", tuple(_exact(v) for v in value))
    if type(value) is set:
        return ("SET", tuple(sorted(repr(_exact(v)) for v in value)))
    raise AssertionError(f"unexpected type {type(value).__name__}")


# -- generated wire values (B as bytes: botocore's form; _as_json gives the response JSON form) ---

def _number_text(sign: int, digits: str, exponent: int, style: int) -> str:
    d = Decimal((sign, tuple(int(c) for c in digits), exponent))
    if style == 1 and len(digits) + max(exponent, 0) > 38:
        style = 0  # written out in full it would have more than 38 digits: not a DynamoDB number
    return [str(d), f"{d:f}", f"{d:E}".replace("E", "e")][style]


_EDGE_NUMBERS = ["0", "-0", "0.000", "1e0", "-7.50", "100", "84123.12", "1E+125", "1E-130",
                 "0.12345678901234567890123456789012345678", "99999999999999999999999999999999999999"]
_NUMBER = st.one_of(
    st.builds(_number_text, st.integers(0, 1), st.text("0123456789", min_size=1, max_size=38),
              st.integers(-20, 20), st.integers(0, 2)),
    # DynamoDB's range: 38 significant digits, 1E-130 .. 9.99...E+125
    st.builds(lambda s, e: _number_text(s, "9" * 38, e, 0), st.integers(0, 1), st.integers(-130, 125 - 37)),
    st.builds(lambda s, e: _number_text(s, "1", e, 0), st.integers(0, 1), st.integers(-130, 125)),
    st.sampled_from(_EDGE_NUMBERS),
)
# moto rewrites numbers in plain notation ("1E+38" comes back as 39 digits, which boto3 itself
# refuses): through the server, numbers keep to 20 digits and exponents to +-10
_MOTO_NUMBER = st.builds(_number_text, st.integers(0, 1), st.text("0123456789", min_size=1, max_size=20),
                         st.integers(-10, 10), st.integers(0, 2))
_TEXT = st.text(max_size=12)


def _items(number: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    scalar = st.one_of(
        st.builds(lambda s: {"S": s}, _TEXT),
        st.builds(lambda n: {"N": n}, number),
        st.builds(lambda b: {"B": b}, st.binary(max_size=12)),
        st.builds(lambda b: {"BOOL": b}, st.booleans()),
        st.just({"NULL": True}),
        st.builds(lambda s: {"SS": sorted(s)}, st.sets(_TEXT, min_size=1, max_size=4)),
        st.builds(lambda s: {"NS": sorted(str(n) for n in s)},
                  st.sets(number.map(Decimal), min_size=1, max_size=4)),
        st.builds(lambda s: {"BS": sorted(s)}, st.sets(st.binary(max_size=6), min_size=1, max_size=4)),
    )
    def nested(inner: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
        return st.one_of(scalar, st.one_of(
            st.builds(lambda items: {"L": items}, st.lists(inner, max_size=4)),
            st.builds(lambda items: {"M": items}, st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)),
        ))

    # lists and maps nested up to three deep, spelled out: st.recursive drew the same shapes at about
    # five times the cost (most of this module's time); deeper nesting is an explicit example
    value = nested(nested(nested(scalar)))
    return st.dictionaries(st.text(min_size=1, max_size=10).filter(lambda k: k != "pk"), value, max_size=6)


_ITEM = _items(_NUMBER)
_MOTO_ITEM = _items(_MOTO_NUMBER)


def _as_json(value: Any) -> Any:
    """botocore's form -> the response JSON's form (binaries as base64 text)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def _parse(operation: str, body: dict, *, wire_path: bool) -> dict:
    """What botocore's endpoint does with a 200 answer: before-parse handlers, then the parser."""
    response_dict = {"body": json.dumps(body).encode(), "headers": {}, "status_code": 200}
    customized: dict = {}
    if wire_path:
        connection._WIRE.decode = True
        try:
            connection._decode_before_parse(response_dict, customized, _MODEL.operation_model(operation))
        finally:
            connection._WIRE.decode = False
    parsed = botocore.parsers.create_parser("json").parse(response_dict, _MODEL.operation_model(operation).output_shape)
    parsed.update(customized)
    return parsed


# -- offline: the decoder and the meter's sizes on generated items ------------------------------

# six containers deep (M > L > M > L > L > M > NS), empty containers, the extremes of a number
_DEEP = {"d": {"M": {"a": {"L": [{"M": {"b": {"L": [{"L": [{"M": {"c": {"NS": ["1E+125", "-1E-130", "-0.50"]}}}]}]}}},
                                  {"L": []}, {"M": {}}]}}},
         "e": {"BS": [b"", b"\x00\xff"]}, "n": {"N": "-0"}, "s": {"S": ""}, "z": {"NULL": True}}


# every edge number, alone and in a set
_EDGES = {**{f"n{i}": {"N": n} for i, n in enumerate(_EDGE_NUMBERS)},
          "ns": {"NS": sorted(str(n) for n in set(map(Decimal, _EDGE_NUMBERS)))}}  # as the generator builds one


# 30 examples (of up to 12 items each) and the explicit ones: drawing the values is the cost here
@settings(max_examples=30, deadline=None)
@given(st.lists(_ITEM, max_size=12))
@example([_DEEP, _EDGES, {}])
def test_wire_path_items_are_todays_items_bit_for_bit(items):
    wire = [{"pk": {"S": f"k{i}"}, **item} for i, item in enumerate(items)]
    body = {"Items": _as_json(wire), "Count": len(wire), "ScannedCount": len(wire),
            "LastEvaluatedKey": _as_json(wire[-1]) if wire else None}
    body = {k: v for k, v in body.items() if v is not None}
    old = _parse("Scan", body, wire_path=False)
    new = _parse("Scan", body, wire_path=True)
    old_items = [_old_item(i) for i in old["Items"]]
    assert [_exact(i) for i in new["Items"]] == [_exact(i) for i in old_items]
    # botocore parsed the rest as before: the next page's key in its wire form (B as bytes)
    assert new.get("LastEvaluatedKey") == old.get("LastEvaluatedKey")
    assert new["Count"] == old["Count"] == len(wire)
    # the page's total size (what a Scan page is billed by), measured on the JSON form, as
    # capacity measures botocore's form item by item
    assert new[connection._ITEM_SIZES] == sum(capacity.wire_item_size(i) for i in old["Items"])
    # the decoder also reads botocore's form, to the same values
    assert [_exact(codec.item_to_python(i)) for i in old["Items"]] == [_exact(i) for i in old_items]


@settings(max_examples=30, deadline=None)  # GetItem/BatchGetItem: each item sized on its own, as before
@given(_ITEM, _ITEM)
def test_get_and_batch_get_bodies(first, second):
    one = {"pk": {"S": "a"}, **first}
    two = {"pk": {"S": "b"}, **second}
    old = _parse("GetItem", {"Item": _as_json(one)}, wire_path=False)
    new = _parse("GetItem", {"Item": _as_json(one)}, wire_path=True)
    assert _exact(new["Item"]) == _exact(_old_item(old["Item"]))
    assert new[connection._ITEM_SIZES] == [capacity.wire_item_size(old["Item"])]
    body = {"Responses": {"t1": _as_json([one, two]), "t2": _as_json([two])},
            "UnprocessedKeys": {"t1": {"Keys": [_as_json({"pk": {"B": b"\x00k"}})]}}}
    old = _parse("BatchGetItem", body, wire_path=False)
    new = _parse("BatchGetItem", body, wire_path=True)
    for table in ("t1", "t2"):
        assert [_exact(i) for i in new["Responses"][table]] == [_exact(_old_item(i)) for i in old["Responses"][table]]
        assert new[connection._ITEM_SIZES][table] == [capacity.wire_item_size(i) for i in old["Responses"][table]]
    assert new["UnprocessedKeys"] == old["UnprocessedKeys"] == {"t1": {"Keys": [{"pk": {"B": b"\x00k"}}]}}


def test_sizes_worked_by_hand():
    # pk "TRADE#1": 2 (name) + 7 = 9; price 84123.12: 5 + 7 digits -> ceil(7/2)+1 = 5, so 10;
    # qty -0.00120: 3 + significant "12" -> 2, so 5; big 1E+100: 3 + 1 digit -> 2, so 5
    # (capacity's own rule, via the fallback); m {"a": [true]}: 1 + 3 + (1 + 1 + (3 + 1 + 1)) = 11;
    # b "AAEC" = 3 bytes: 1 + 3 = 4; ss {"x", "yz"}: 2 + 3 = 5. Total 9+10+5+5+11+4+5 = 49.
    item = {"pk": {"S": "TRADE#1"}, "price": {"N": "84123.12"}, "qty": {"N": "-0.00120"}, "big": {"N": "1E+100"},
            "m": {"M": {"a": {"L": [{"BOOL": True}]}}}, "b": {"B": "AAEC"}, "ss": {"SS": ["x", "yz"]}}
    assert connection.metered_item_size(item) == 49


def test_page_sizes_worked_by_hand():
    # Two items (names "pk" + "n" = 3 bytes each): "a"/"84123.12" and "bé"/"-0.00120": strings
    # 1 + 3 (é is 2 bytes in UTF-8); numbers 84123.12 -> 7 significant digits -> 4 + 1 = 5,
    # -0.00120 -> "12" -> 1 + 1 = 2. Items: 3 + 1 + 5 = 9 and 3 + 3 + 2 = 8, page 17.
    items = [{"pk": {"S": "a"}, "n": {"N": "84123.12"}}, {"pk": {"S": "bé"}, "n": {"N": "-0.00120"}}]
    assert connection.metered_page_size(codec.decode_page(items), items) == 17
    # a map of two entries ("x": "1", "yy": [true, null]) and a binary (base64 "AAEC" = 3 bytes):
    # map 3 + (1 + 1 + 2) + (1 + 2 + (3 + (1 + 1) + (1 + 1))) = 3 + 4 + 10 = 17; "m" 1, "b" 1 + 3;
    # "pk" 2 + 1 ("z"): 17 + 1 + 4 + 3 = 25
    nested = [{"pk": {"S": "z"}, "m": {"M": {"x": {"N": "1"}, "yy": {"L": [{"BOOL": True}, {"NULL": True}]}}},
               "b": {"B": "AAEC"}}]
    assert connection.metered_page_size(codec.decode_page(nested), nested) == 25
    # a value that is not what its type says is sized item by item, which refuses it as before
    odd = [{"pk": {"S": 5}}]
    with pytest.raises(AttributeError):
        connection.metered_page_size(codec.decode_page(odd), odd)
    with pytest.raises(ParameterError, match="wire_items"):
        codec.decode_page({"pk": {"S": "a"}})  # an item, not a list of items
    with pytest.raises(ParameterError, match="page"):
        connection.metered_page_size(items, items)  # type: ignore[arg-type]


def test_plain_numbers_sized_in_one_pass_as_one_by_one():
    # significant digits by hand: 84123.12 -> 7 -> 5 bytes; -0.00120 -> "12" -> 2; 0 and -0 -> 1;
    # 100 -> "1" -> 2; "1." -> 2; ".5" -> 2; 007.500 -> "75" -> 2: 5+2+1+1+2+2+2+2 = 17
    texts = ["84123.12", "-0.00120", "0", "-0", "100", "1.", ".5", "007.500"]
    assert connection._plain_numbers_size(texts) == 17
    # one that is not plain (an exponent: "1" -> 2 bytes) sends all of them through the rule
    assert connection._plain_numbers_size([*texts, "1E+100"]) == 19
    for bad in (["1.2.3"], ["--1"], ["-"], [""], ["1,2"], ["1" * 39]):
        with pytest.raises(ValueError):
            connection._plain_numbers_size(bad)


def test_a_number_beyond_38_digits_is_refused_as_boto3_refuses_it():
    too_long = {"n": {"N": "1" + "0" * 38}}  # 39 digits: boto3's context must round it, and refuses
    with pytest.raises(decimal.Rounded):
        _old_item(too_long)
    with pytest.raises(decimal.Rounded):
        codec.item_to_python(too_long)


def test_malformed_wire_values_are_data_errors():
    with pytest.raises(ValueError, match="one-key mapping"):
        codec.to_python({})
    with pytest.raises(ValueError, match="unknown DynamoDB type 'X'"):
        codec.to_python({"X": 1})
    with pytest.raises(ValueError, match="bytes or base64"):
        codec.to_python({"B": 5})


# -- through the embedded server ---------------------------------------------------------------

def _make_table(conn: Connection) -> str:
    name = f"test-wire-{uuid.uuid4().hex[:10]}"
    conn.call("CreateTable", TableName=name, BillingMode="PAY_PER_REQUEST",
              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    return name


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])  # no shrinking: each example is a table on the server
@given(st.lists(_MOTO_ITEM, min_size=6, max_size=25))
def test_reads_through_moto_match_todays_path(dynamo, client, items):
    # few examples of many items each: the same items through the server in fewer round trips;
    # a fresh connection (its own meter) over the module's boto3 client
    conn = Connection(dynamo.settings, client=client)
    table = _make_table(conn)
    wire = [{"pk": {"S": f"k{i}"}, **item} for i, item in enumerate(items)]
    conn.call("BatchWriteItem", RequestItems={table: [{"PutRequest": {"Item": w}} for w in wire]})
    # today's path: botocore's parsed response, boto3's deserializer
    old_wire = conn.client.scan(TableName=table)["Items"]
    old = {i["pk"]["S"]: _exact(_old_item(i)) for i in old_wire}
    mark = conn.meter.mark()
    scanned = reads.scan(conn, table, allow_full_scan=True, page_size=4, progress=False)
    assert {i["pk"]: _exact(i) for i in scanned} == old and len(scanned) == len(wire)
    # the meter: same bytes and units as sizing botocore's wire items page by page
    records = conn.meter.since(mark)
    assert sum(r.items_returned for r in records) == len(wire)
    assert sum(r.bytes_returned for r in records) == sum(capacity.wire_item_size(i) for i in old_wire)
    # each page billed by its own total, rounded up to 4 KB: half a unit per page here (small items)
    assert [r.read_units for r in records] == [0.5] * len(records) and len(records) >= len(wire) // 4
    keys = [{"pk": k} for k in old]
    assert {i["pk"]: _exact(i) for i in reads.batch_get(conn, table, keys)} == old
    first = keys[0]["pk"]
    assert _exact(reads.get_item(conn, table, {"pk": first})) == old[first]
    assert [_exact(i) for i in reads.query(conn, table, Key("pk").eq(first), progress=False)] == [old[first]]
    # a direct client call still gets botocore's wire form
    assert conn.client.get_item(TableName=table, Key={"pk": {"S": first}})["Item"]["pk"] == {"S": first}


def test_botocore_parser_never_sees_the_items(conn, monkeypatch):
    table = _make_table(conn)
    conn.call("PutItem", TableName=table, Item={"pk": {"S": "a"}, "b": {"B": b"\x01"}})
    seen: list[list[str]] = []
    original = botocore.parsers.JSONParser._handle_json_body

    def spy(self, raw_body, shape):
        seen.append(sorted(json.loads(raw_body or b"{}")))
        return original(self, raw_body, shape)

    monkeypatch.setattr(botocore.parsers.JSONParser, "_handle_json_body", spy)
    assert reads.scan(conn, table, allow_full_scan=True, progress=False) == [{"pk": "a", "b": b"\x01"}]
    assert seen == [["Count", "ScannedCount"]]
    # Connection.call (not a read): botocore parses the items, as before
    assert conn.call("Scan", TableName=table)["Items"] == [{"pk": {"S": "a"}, "b": {"B": b"\x01"}}]
    assert seen[-1] == ["Count", "Items", "ScannedCount"]


def test_read_refuses_other_operations_before_the_network(conn):
    with pytest.raises(ParameterError, match="operation"):
        conn.read("PutItem", TableName="t", Item={})
    assert conn.meter.records == []


def test_read_only_connection_reads_on_the_wire_path_and_refuses_writes(dynamo, conn):
    writer = conn
    table = _make_table(writer)
    writer.call("PutItem", TableName=table, Item={"pk": {"S": "r"}, "n": {"N": "1.50"}})
    ro = dynamo.connect(read_only=True)
    assert reads.get_item(ro, table, {"pk": "r"}) == {"pk": "r", "n": Decimal("1.50")}
    with pytest.raises(ReadOnlyError):
        ro.call("PutItem", TableName=table, Item={"pk": {"S": "w"}})
    with pytest.raises(ReadOnlyError):
        ro.client.put_item(TableName=table, Item={"pk": {"S": "w"}})
    assert reads.get_item(ro, table, {"pk": "w"}) is None


def test_missing_table_is_the_same_structured_error(conn):
    with pytest.raises(TableNotFoundError) as e:
        reads.scan(conn, "no-such-table-wire", allow_full_scan=True, progress=False)
    assert "no-such-table-wire" in str(e.value)
    (record,) = conn.meter.records
    assert record.error == "ResourceNotFoundException"


def test_throttled_reads_retry_count_and_fail_as_before(dynamo, conn):
    writer = conn
    table = _make_table(writer)
    writer.call("PutItem", TableName=table, Item={"pk": {"S": "t"}, "n": {"N": "2"}})
    # three throttles, then the answer: the read succeeds with 3 throttled attempts metered
    proxy = ThrottlingProxy(dynamo.endpoint_url, lambda n, op: n < 3)
    try:
        conn = Connection(Settings(source="aws", endpoint_url=proxy.url, region=dynamo.region), read_only=True,
                          max_backoff=0.01)
        assert reads.query(conn, table, Key("pk").eq("t"), progress=False) == [{"pk": "t", "n": Decimal("2")}]
        (record,) = conn.meter.records
        assert record.throttled == 3 and record.items_returned == 1 and proxy.requests == 4
    finally:
        proxy.close()
    # every attempt throttled: ThrottlingError after RETRY_MAX_ATTEMPTS (12) attempts
    proxy = ThrottlingProxy(dynamo.endpoint_url, lambda n, op: True)
    try:
        conn = Connection(Settings(source="aws", endpoint_url=proxy.url, region=dynamo.region), read_only=True,
                          max_backoff=0.01)
        with pytest.raises(ThrottlingError) as e:
            reads.get_item(conn, table, {"pk": "t"})
        assert e.value.attempts == 12 and proxy.requests == 12
    finally:
        proxy.close()


def test_gc_is_paused_while_pages_decode_and_restored_after_the_last():
    import gc
    import threading

    from dynamo_reports.connection import _gc_paused

    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with _gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with _gc_paused():
            second_in.set()
            first_out.wait(5)
            seen["after the first left"] = gc.isenabled()  # the other decode is still running
        seen["after both"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first left": False, "after both": True}

    gc.disable()  # a process that turned gc off keeps it off
    try:
        with _gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
