"""DynamoDBRequestError: a failed request carries operation, table, code and cancellation reasons.

Against the moto server the other repository tests use; every expected value is what the
request was built to provoke, not something read back from the code under test.
"""

from __future__ import annotations

import pytest

from dynamo_reports import codec
from dynamo_reports.exceptions import DynamoDBRequestError, DynamoReportsError, ThrottlingError
from dynamo_reports.systems import create_table, solanashares
from dynamo_reports.systems.solanashares_keys import participant_key
from shared import serial


def _user_key() -> dict[str, dict]:
    return codec.item_to_wire(participant_key(str(serial()), "1" * 32))


def test_conditional_check_failure_has_fields(conn):
    table = conn.table_name("solanashares")
    with pytest.raises(DynamoDBRequestError) as caught:
        conn.call("PutItem", TableName=table, Item=_user_key(), ConditionExpression="attribute_exists(PK)")
    error = caught.value
    assert isinstance(error, DynamoReportsError)
    assert (error.operation, error.table, error.code) == ("PutItem", table, "ConditionalCheckFailedException")
    assert error.cancellation_reasons == ()
    assert error.message  # the endpoint's text, kept for people; code is for programs
    assert error.__cause__ is not None and type(error.__cause__).__name__ == "ConditionalCheckFailedException"


def test_cancelled_transaction_lists_reasons_in_action_order(conn):
    table = conn.table_name("solanashares")
    actions = [
        {"Put": {"TableName": table, "Item": _user_key()}},  # fine on its own
        {"Put": {"TableName": table, "Item": _user_key(), "ConditionExpression": "attribute_exists(PK)"}},
    ]
    with pytest.raises(DynamoDBRequestError) as caught:
        conn.call("TransactWriteItems", TransactItems=actions)
    error = caught.value
    assert (error.operation, error.table, error.code) == ("TransactWriteItems", table, "TransactionCanceledException")
    assert error.cancellation_reasons == ("None", "ConditionalCheckFailed")


def test_existing_table_is_resource_in_use(conn):
    spec = solanashares.PARTICIPANTS
    with pytest.raises(DynamoDBRequestError) as caught:
        conn.call("CreateTable", **spec.create_table_params(conn.table_name(spec.logical)))
    assert caught.value.code == "ResourceInUseException"
    assert caught.value.operation == "CreateTable"
    create_table(conn, spec)  # exist_ok: branches on that code, does not raise


def test_throttling_error_is_a_request_error():
    error = ThrottlingError("Query", "t", "ProvisionedThroughputExceededException", "slow down")
    assert isinstance(error, DynamoDBRequestError)
    assert str(error) == "Query on t failed: ProvisionedThroughputExceededException: slow down"
