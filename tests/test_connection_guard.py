"""Read-only by construction: an allow-list of read operations, enforced on the boto3 client itself.

Requests are counted on the server side (moto's DynamoDB handler, which runs in this process
behind a real HTTP socket): a refused call must not reach it at all.
"""

from __future__ import annotations

import threading

import pytest
from moto.dynamodb.responses import DynamoHandler

from dynamo_reports import codec
from dynamo_reports.connection import READ_ONLY_OPERATIONS, REPORT_OPERATIONS, Connection, canonical_operation
from dynamo_reports.exceptions import ReadOnlyError, UnknownNameError
from shared import unique_id


class _ServerCount:
    """Operations the moto server was asked to run (X-Amz-Target), in order."""

    def __init__(self) -> None:
        self.operations: list[str] = []
        self._lock = threading.Lock()


@pytest.fixture
def served(monkeypatch) -> _ServerCount:
    count = _ServerCount()
    original = DynamoHandler.call_action

    def call_action(self):
        with count._lock:
            count.operations.append(self.headers.get("X-Amz-Target", "").split(".")[-1])
        return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)
    return count


@pytest.fixture(scope="module")
def writer(dynamo) -> Connection:
    return dynamo.connect()


@pytest.fixture
def ro(dynamo) -> Connection:
    return Connection(dynamo.settings, read_only=True)  # its own boto3 client


def _trade(writer: Connection) -> dict:
    key = {"pk": unique_id("TRADE#"), "sk": "METADATA"}
    return {"TableName": writer.table_name("trades"), "Item": codec.item_to_wire(key), "_key": key}


def _exists(writer: Connection, table: str, key: dict) -> bool:
    return "Item" in writer.call("GetItem", TableName=table, Key=codec.item_to_wire(key), ConsistentRead=True)


@pytest.mark.parametrize("spelling, canonical", [
    ("put_item", "PutItem"), ("putItem", "PutItem"), ("PutItem", "PutItem"), ("PUT_ITEM", "PutItem"),
])
def test_put_in_any_spelling_is_refused_before_sending(ro, writer, served, spelling, canonical):
    trade = _trade(writer)
    with pytest.raises(ReadOnlyError) as e:
        ro.call(spelling, TableName=trade["TableName"], Item=trade["Item"])
    assert e.value.operation == canonical
    assert served.operations == [] and ro.meter.records == []
    assert not _exists(writer, trade["TableName"], trade["_key"])


@pytest.mark.parametrize("spelling, canonical, params", [
    ("delete_item", "DeleteItem", {"TableName": "t", "Key": {"pk": {"S": "x"}, "sk": {"S": "y"}}}),
    ("execute_statement", "ExecuteStatement", {"Statement": "INSERT INTO \"t\" VALUE {'pk': 'x'}"}),
    ("batchWriteItem", "BatchWriteItem", {"RequestItems": {"t": [{"DeleteRequest": {"Key": {"pk": {"S": "x"}}}}]}}),
    ("update_item", "UpdateItem", {"TableName": "t", "Key": {"pk": {"S": "x"}}}),
    ("transact_write_items", "TransactWriteItems", {"TransactItems": []}),
    ("batch_execute_statement", "BatchExecuteStatement", {"Statements": []}),
    ("ExecuteTransaction", "ExecuteTransaction", {"TransactStatements": []}),
    ("create_table", "CreateTable", {"TableName": "t"}),
    ("deleteTable", "DeleteTable", {"TableName": "t"}),
    ("update_time_to_live", "UpdateTimeToLive", {"TableName": "t"}),
    ("get_resource_policy", "GetResourcePolicy", {"ResourceArn": "arn"}),  # a read, but not on the list
])
def test_every_other_operation_is_refused(ro, served, spelling, canonical, params):
    with pytest.raises(ReadOnlyError) as e:
        ro.call(spelling, **params)
    assert e.value.operation == canonical
    assert served.operations == [] and ro.meter.records == []


def test_calls_on_the_underlying_boto3_client_are_refused(ro, writer, served):
    trade = _trade(writer)
    client = ro.client
    attempts = [
        lambda: client.put_item(TableName=trade["TableName"], Item=trade["Item"]),
        lambda: client.execute_statement(
            Statement=f"INSERT INTO \"{trade['TableName']}\" VALUE {{'pk': 'x', 'sk': 'y'}}"),
        lambda: client.batch_write_item(RequestItems={trade["TableName"]: [{"PutRequest": {"Item": trade["Item"]}}]}),
        lambda: client.transact_write_items(TransactItems=[{"Put": {"TableName": trade["TableName"],
                                                                    "Item": trade["Item"]}}]),
        lambda: client.delete_table(TableName=trade["TableName"]),
        lambda: client._make_api_call("PutItem", {"TableName": trade["TableName"], "Item": trade["Item"]}),
        lambda: client.put_item(),  # refused before parameter validation, too
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyError):
            attempt()
    assert served.operations == []
    assert not _exists(writer, trade["TableName"], trade["_key"])
    assert trade["TableName"] in writer.call("ListTables")["TableNames"]


def test_reads_go_through_in_any_spelling(ro, writer, served):
    trade = _trade(writer)
    writer.call("PutItem", TableName=trade["TableName"], Item=trade["Item"])
    served.operations.clear()
    key = codec.item_to_wire(trade["_key"])
    assert ro.call("get_item", TableName=trade["TableName"], Key=key)["Item"] == trade["Item"]
    assert ro.call("query", TableName=trade["TableName"], KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": key["pk"]})["Count"] == 1
    ro.call("Scan", TableName=trade["TableName"], Limit=1)
    ro.call("batchGetItem", RequestItems={trade["TableName"]: {"Keys": [key]}})
    ro.call("TransactGetItems", TransactItems=[{"Get": {"TableName": trade["TableName"], "Key": key}}])
    ro.call("describe_table", TableName=trade["TableName"])
    ro.call("ListTables", Limit=1)
    ro.client.get_item(TableName=trade["TableName"], Key=key)
    pages = list(ro.client.get_paginator("scan").paginate(TableName=trade["TableName"], Limit=500))
    assert served.operations[:8] == ["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems",
                                     "DescribeTable", "ListTables", "GetItem"]
    assert len(served.operations) == 8 + len(pages)
    assert [r.operation for r in ro.meter.records] == ["GetItem", "Query", "Scan", "BatchGetItem",
                                                       "TransactGetItems", "DescribeTable", "ListTables"]


def test_the_guard_belongs_to_the_read_only_client_only(dynamo, ro, served):
    """A writable connection built next to a read-only one (its own client) still writes."""
    other = Connection(dynamo.settings)
    trade = _trade(other)
    other.call("put_item", TableName=trade["TableName"], Item=trade["Item"])
    assert served.operations == ["PutItem"]
    with pytest.raises(ReadOnlyError):
        ro.client.put_item(TableName=trade["TableName"], Item=trade["Item"])
    assert served.operations == ["PutItem"]


def test_a_shared_client_becomes_read_only(dynamo, served):
    client = dynamo.connect().client
    Connection(dynamo.settings, client=client, read_only=True)
    with pytest.raises(ReadOnlyError):
        client.delete_table(TableName="anything")
    assert served.operations == []


def test_unknown_operation_is_a_library_error(ro):
    with pytest.raises(UnknownNameError):
        ro.call("drop_everything")


def test_allow_list_is_explicit_and_spelled_like_the_api(writer):
    ops = set(writer.client.meta.service_model.operation_names)  # botocore's DynamoDB model, every operation
    assert READ_ONLY_OPERATIONS <= ops
    data_reads = {"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"}
    metadata_reads = {op for op in ops if op.startswith(("Describe", "List"))}
    assert READ_ONLY_OPERATIONS == data_reads | metadata_reads
    assert set(REPORT_OPERATIONS) <= READ_ONLY_OPERATIONS
    assert canonical_operation("batchWriteItem") == "BatchWriteItem"
    assert canonical_operation("describe_time_to_live") == "DescribeTimeToLive"
