"""The embedded server's Query and Scan answer exactly what moto's own answer, before and after writes.

``demo/queries.py`` makes moto sort a table once while its items are the same, and hands a Query
only the candidates of its partition. Here the same requests go over HTTP to this process's moto
server with those changes and without them (moto's own ``Table.all_items`` and ``Table.query``
put back), and the response bodies are compared byte for byte:

- the capacity report's cache replay, its own requests (recorded as the replay sends them: 000's
  ``USER#`` partitions and ``WalletAddressIndex``, ``GLOBAL#STATS``, 001's ``ChannelIndex`` and
  warm-up scan), on the demo dataset;
- a table of this test with a local and two global secondary indexes (string and number keys),
  and one with a binary partition key: ascending and descending, ``Limit`` with every page
  followed through ``ExclusiveStartKey``, key conditions on the sort key, filters, projections,
  ``Select=COUNT``, consumed capacity, scans (whole, by index, by segment);
- the same again after writes of every kind (put, overwrite, update of an index key, delete,
  BatchWriteItem, TransactWriteItems, a cancelled one that moto rolls back), sent while the
  sorted orders of the first round are remembered: an order kept past a write would answer
  with the items as they were, and differ from moto's.
"""

from __future__ import annotations

import http.client
import json
from types import SimpleNamespace
from typing import Any

import pytest
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

from dynamo_reports import reads
from dynamo_reports.analytics import capacity_model as cm
from dynamo_reports.connection import Connection
from dynamo_reports.demo import queries
from dynamo_reports.demo.dataset import load_demo_dataset
from dynamo_reports.replay import replay_caches
from dynamo_reports.systems import ALL_TABLES, register

AUTH = ("AWS4-HMAC-SHA256 Credential=demo/20250101/eu-west-3/dynamodb/aws4_request, SignedHeaders=host, "
        "Signature=0")


def send(endpoint: str, operation: str, body: dict[str, Any]) -> tuple[int, bytes]:
    """One request over HTTP as a client sends it; the status and the raw response body."""
    host, port = endpoint.removeprefix("http://").split(":")
    http_conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        http_conn.request("POST", "/", json.dumps(body), {"X-Amz-Target": f"DynamoDB_20120810.{operation}",
                                                         "Content-Type": "application/x-amz-json-1.0",
                                                         "Authorization": AUTH})
        reply = http_conn.getresponse()
        return reply.status, reply.read()
    finally:
        http_conn.close()


class RecordingConnection(Connection):
    """A connection that keeps every request it sends (operation, parameters) and, for the four
    reads, each answer's status and body as the server sent them (before botocore or the wire
    decoder read them: this handler runs first)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[tuple[int, bytes]] = []
        for operation in ("GetItem", "Query", "Scan", "BatchGetItem"):
            self.client.meta.events.register_first(f"before-parse.dynamodb.{operation}", self._keep_answer)

    def _keep_answer(self, response_dict: dict[str, Any], **_: Any) -> None:
        self.answers.append((response_dict["status_code"], response_dict["body"]))

    def read(self, operation: str, **params: Any) -> dict:
        self.sent.append((operation, json.loads(json.dumps(params))))
        return super().read(operation, **params)

    def call(self, operation: str, **params: Any) -> dict:
        self.sent.append((operation, json.loads(json.dumps(params))))
        return super().call(operation, **params)


@pytest.fixture
def moto_own(monkeypatch):
    """A switch: ``moto_own(True)`` puts moto's own Table.all_items/query back, ``False`` ours again.
    The remembered orders are kept either way (as they are while the server runs)."""
    assert queries.installed()  # the embedded server installed them
    ours = {name: getattr(Table, name) for name in ("all_items", "query")}

    def switch(own: bool) -> None:
        for name, method in ours.items():
            monkeypatch.setattr(Table, name, method.__wrapped__ if own else method)

    yield switch
    switch(False)


def both_ways(endpoint: str, moto_own, requests: list[tuple[str, dict[str, Any]]]) -> dict[str, list]:
    """Each request's (status, body), ours first (so our remembered orders are warm), then moto's."""
    answers = {}
    for label, own in (("ours", False), ("moto", True)):
        moto_own(own)
        answers[label] = [send(endpoint, op, body) for op, body in requests]
    moto_own(False)
    return answers


def assert_same(answers: dict[str, list], requests: list[tuple[str, dict[str, Any]]]) -> None:
    for (op, body), ours, theirs in zip(requests, answers["ours"], answers["moto"], strict=True):
        assert theirs[0] == 200, (op, body, theirs)
        assert ours == theirs, (op, body)


# -- the capacity report's cache replay, on the demo dataset -------------------------------------------

REPLAYED = ("solanashares", "discord_config")


@pytest.fixture(scope="module")
def demo(dynamo):
    """The demo dataset's 000 and 001 tables, the only ones the replay reads (a request's answer
    depends on its own table only), written in this process as the embedded server seeds itself."""
    load_demo_dataset(dynamo.set_up_tables(), tables=REPLAYED)
    return dynamo


def test_the_cache_replay_gets_moto_own_answers_byte_for_byte(demo, moto_own):
    conn = RecordingConnection(demo.settings, read_only=True)
    for spec in ALL_TABLES:
        register(conn, spec)
    items = {logical: reads.scan(conn, conn.table_name(logical), allow_full_scan=True, progress=False)
             for logical in REPLAYED}
    conn.sent.clear()
    conn.answers.clear()
    replay = replay_caches(conn, items, cm.TrafficModel(), max_events=200)  # 167 distinct requests
    requests = conn.sent
    assert len(requests) == replay.requests_sent  # every distinct request the replay sent, recorded
    assert len(conn.answers) == len(requests)  # and the answer to each, as the replay got it
    kinds = {(op, body.get("IndexName")) for op, body in requests}
    assert {("Query", None), ("Query", "WalletAddressIndex"), ("Query", "ChannelIndex"),
            ("GetItem", None), ("Scan", None)} <= kinds
    assert {body.get("TableName") for _, body in requests} == {conn.table_name(t) for t in REPLAYED}
    # the answers the replay got (ours) against moto's own to the same requests, sent again
    moto_own(True)
    assert_same({"ours": conn.answers, "moto": [send(demo.endpoint_url, op, body) for op, body in requests]},
                requests)


# -- a table with every kind of index, before and after writes -------------------------------------------

SCORES = [30, 10, 50, 20, 40, 60]  # score of sort key k: SCORES[k % 6]


def _item(pk: str, sk: int, group: str, num: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}, "score": {"N": str(SCORES[sk % 6])}, "grp": {"S": group},
            "num": {"N": num}, "blob": {"B": "AAE="}, "tags": {"SS": [f"t{sk % 2}", "all"]}}


@pytest.fixture(scope="module")
def indexed(moto_server, _fresh_moto):
    """Table ``q-index``: pk (S) + sk (N); LSI ``by_score`` (pk, score); GSIs ``by_group`` (grp, sk) and
    ``by_num`` (num, N: not narrowed). Table ``q-binary``: bk (B) + r (S). 5 x 6 + 4 items."""
    endpoint = moto_server.endpoint_url
    attribute = [{"AttributeName": n, "AttributeType": t}
                 for n, t in (("pk", "S"), ("sk", "N"), ("score", "N"), ("grp", "S"), ("num", "N"))]
    status, body = send(endpoint, "CreateTable", {
        "TableName": "q-index", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": attribute,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "LocalSecondaryIndexes": [{"IndexName": "by_score", "Projection": {"ProjectionType": "ALL"}, "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "score", "KeyType": "RANGE"}]}],
        "GlobalSecondaryIndexes": [
            {"IndexName": "by_group", "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["score"]},
             "KeySchema": [{"AttributeName": "grp", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]},
            {"IndexName": "by_num", "Projection": {"ProjectionType": "KEYS_ONLY"},
             "KeySchema": [{"AttributeName": "num", "KeyType": "HASH"}]}]})
    assert status == 200, body
    status, body = send(endpoint, "CreateTable", {
        "TableName": "q-binary", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "bk", "AttributeType": "B"},
                                 {"AttributeName": "r", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "bk", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}]})
    assert status == 200, body
    puts = [_item(f"p{p}", sk, f"g{(p + sk) % 3}", ["1", "2", "1.0"][sk % 3]) for p in (3, 1, 4, 0, 2)
            for sk in (5, 0, 3, 1, 4, 2)]  # partitions and items written out of order
    puts += [{"bk": {"B": b}, "r": {"S": r}} for b, r in (("AQI=", "b"), ("AQI=", "a"), ("/w==", "a"), ("AQI=", "c"))]
    for start in range(0, len(puts), 25):
        chunk = puts[start:start + 25]
        status, body = send(endpoint, "BatchWriteItem", {"RequestItems": {
            "q-index": [{"PutRequest": {"Item": i}} for i in chunk if "pk" in i],
            "q-binary": [{"PutRequest": {"Item": i}} for i in chunk if "bk" in i]}})
        assert status == 200 and not json.loads(body)["UnprocessedItems"], body
    return endpoint


def _pages(endpoint: str, op: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The request of every page of ``body`` (as moto answers it), following LastEvaluatedKey."""
    requests = [(op, body)]
    while True:
        status, reply = send(endpoint, op, requests[-1][1])
        last = json.loads(reply).get("LastEvaluatedKey") if status == 200 else None
        if not last:
            return requests
        requests.append((op, {**body, "ExclusiveStartKey": last}))


def _queries(endpoint: str) -> list[tuple[str, dict[str, Any]]]:
    t = {"TableName": "q-index"}
    key = {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p1"}}}
    plain = [
        ("Query", {**t, **key}),
        ("Query", {**t, **key, "ScanIndexForward": False, "ReturnConsumedCapacity": "TOTAL"}),
        ("Query", {**t, "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                   "ExpressionAttributeValues": {":p": {"S": "p4"}, ":a": {"N": "1"}, ":b": {"N": "4"}}}),
        ("Query", {**t, **key, "FilterExpression": "score > :s", "ProjectionExpression": "sk, score, #t",
                   "ExpressionAttributeNames": {"#t": "tags"},
                   "ExpressionAttributeValues": {":p": {"S": "p1"}, ":s": {"N": "25"}}}),
        ("Query", {**t, **key, "Select": "COUNT"}),
        ("Query", {**t, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "nobody"}}}),
        ("Query", {**t, "IndexName": "by_num", "KeyConditionExpression": "num = :n",
                   "ExpressionAttributeValues": {":n": {"N": "1"}}}),
        ("Query", {"TableName": "q-binary", "KeyConditionExpression": "bk = :b AND begins_with(r, :r)",
                   "ExpressionAttributeValues": {":b": {"B": "AQI="}, ":r": {"S": "b"}}}),
        ("Query", {"TableName": "q-binary", "KeyConditionExpression": "bk = :b", "ScanIndexForward": False,
                   "ExpressionAttributeValues": {":b": {"B": "AQI="}}}),
        ("GetItem", {**t, "Key": {"pk": {"S": "p2"}, "sk": {"N": "3"}}}),
    ]
    paged = [
        ("Query", {**t, **key, "Limit": 4}),
        ("Query", {**t, **key, "IndexName": "by_score", "ScanIndexForward": False, "Limit": 2}),
        ("Query", {**t, "IndexName": "by_group", "KeyConditionExpression": "grp = :g", "Limit": 3,
                   "ScanIndexForward": False, "ExpressionAttributeValues": {":g": {"S": "g1"}},
                   "ReturnConsumedCapacity": "INDEXES"}),
        ("Query", {**t, "IndexName": "by_group", "KeyConditionExpression": "grp = :g AND sk >= :s", "Limit": 2,
                   "FilterExpression": "score <> :x",
                   "ExpressionAttributeValues": {":g": {"S": "g0"}, ":s": {"N": "2"}, ":x": {"N": "50"}}}),
        ("Scan", {**t, "Limit": 7}),
        ("Scan", {**t, "IndexName": "by_group", "Limit": 11}),
        ("Scan", {**t, "Segment": 1, "TotalSegments": 3}),
        ("Scan", {"TableName": "q-binary"}),
    ]
    return plain + [page for op, body in paged for page in _pages(endpoint, op, body)]


def test_every_kind_of_query_gets_moto_own_answers_before_and_after_writes(indexed, moto_own):
    before = _queries(indexed)
    assert len(before) > 30  # the paged requests were followed page by page
    first = both_ways(indexed, moto_own, before)
    assert_same(first, before)

    # By hand: p1's six items by the LSI's score, descending, two a page: scores 60, 50 (sort keys 5, 2),
    # then 40, 30 (4, 0), then 20, 10 (3, 1).
    lsi = [json.loads(reply)["Items"] for (op, body), (_, reply) in zip(before, first["ours"], strict=True)
           if body.get("IndexName") == "by_score"]
    assert [[int(i["sk"]["N"]) for i in page] for page in lsi] == [[5, 2], [4, 0], [3, 1]]

    # writes, sent while our sorted orders of the first round are remembered
    writes = [
        ("PutItem", {"TableName": "q-index", "Item": _item("p1", 9, "g1", "2")}),  # a new item in p1
        ("PutItem", {"TableName": "q-index", "Item": _item("p1", 2, "g2", "1")}),  # overwrite: group g0 -> g2
        ("UpdateItem", {"TableName": "q-index", "Key": {"pk": {"S": "p4"}, "sk": {"N": "1"}},
                        "UpdateExpression": "SET grp = :g, score = :s",  # an index key changed in place
                        "ExpressionAttributeValues": {":g": {"S": "g1"}, ":s": {"N": "99"}}}),
        ("DeleteItem", {"TableName": "q-index", "Key": {"pk": {"S": "p1"}, "sk": {"N": "0"}}}),
        ("BatchWriteItem", {"RequestItems": {"q-index": [
            {"PutRequest": {"Item": _item("p7", 1, "g0", "1")}},  # a new partition
            {"DeleteRequest": {"Key": {"pk": {"S": "p4"}, "sk": {"N": "3"}}}}]}}),
        ("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "q-index", "Item": _item("p2", 8, "g1", "2")}},
            {"Delete": {"TableName": "q-binary", "Key": {"bk": {"B": "AQI="}, "r": {"S": "b"}}}}]}),
    ]
    for op, body in writes:
        status, reply = send(indexed, op, body)
        assert status == 200, (op, reply)
    cancelled = send(indexed, "TransactWriteItems", {"TransactItems": [  # moto restores a copy of the tables
        {"Put": {"TableName": "q-index", "Item": _item("p3", 7, "g1", "1")}},
        {"ConditionCheck": {"TableName": "q-index", "Key": {"pk": {"S": "p0"}, "sk": {"N": "0"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}}]})
    assert cancelled[0] == 400 and b"TransactionCanceledException" in cancelled[1]

    after = _queries(indexed)
    second = both_ways(indexed, moto_own, after)
    assert_same(second, after)
    # the writes changed what is served. p1 had sort keys 0..5; 9 added, 2 overwritten (still there),
    # 0 deleted: 1, 2, 3, 4, 5, 9
    p1 = json.loads(second["ours"][0][1])["Items"]
    assert [int(i["sk"]["N"]) for i in p1] == [1, 2, 3, 4, 5, 9]
    assert first["ours"][0] != second["ours"][0]


# -- the narrowing, by hand ---------------------------------------------------------------------------------

def test_only_a_string_or_binary_partition_key_is_narrowed():
    rows = [SimpleNamespace(hash_key=DynamoType({"S": s}), attrs={"g": DynamoType(v)} if v else {})
            for s, v in (("a", {"S": "x"}), ("b", {"N": "1"}), ("a", None), ("c", {"S": "x"}), ("a", {"S": "y"}))]
    # base-table key "a": rows 0, 2, 4 (in order); index attribute g = "x" (S): rows 0 and 3, not the N row
    assert queries._candidates(rows, ("key", "", "S", "a")) == [rows[0], rows[2], rows[4]]
    assert queries._candidates(rows, ("attrs", "g", "S", "x")) == [rows[0], rows[3]]
    assert queries._candidates(rows, ("attrs", "g", "B", "x")) == []
