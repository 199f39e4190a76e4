"""Deployed vs documented: the pure comparison, and the DescribeTable / DescribeTimeToLive calls on moto."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dynamo_reports.analytics.deployment import (
    billing_mode,
    deployed_indexes,
    deployment_differences,
    ttl_enabled,
)
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.connection import Connection
from dynamo_reports.exceptions import AccessDeniedError, DynamoDBRequestError
from dynamo_reports.systems import ALL_TABLES
from dynamo_reports.systems.deployment import check_deployment, describe_time_to_live, survey_tables

SPEC = SimpleNamespace(logical="trades", billing_mode="PAY_PER_REQUEST", ttl_attribute="expiresAt",
                       indexes=[SimpleNamespace(name="gsi1"), SimpleNamespace(name="gsi2")])


def test_a_table_deployed_as_documented_has_no_difference():
    description = {"BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                   "GlobalSecondaryIndexes": [{"IndexName": "gsi2"}, {"IndexName": "gsi1"}]}
    assert deployed_indexes(description) == ["gsi1", "gsi2"]
    assert deployment_differences(SPEC, description, "ENABLED expiresAt") == []


def test_every_kind_of_difference():
    # no BillingModeSummary: a table created before on-demand existed, i.e. provisioned
    description = {"GlobalSecondaryIndexes": [{"IndexName": "gsi1"}, {"IndexName": "extra"}]}
    assert billing_mode(description) == "PROVISIONED"
    assert deployment_differences(SPEC, description, "DISABLED") == [
        "trades: billing mode PROVISIONED, documented PAY_PER_REQUEST",
        "trades: GSI gsi2 documented but not deployed",
        "trades: GSI extra deployed but not documented",
        "trades: TTL on 'expiresAt' documented, deployed: DISABLED",
    ]
    assert deployment_differences(SPEC, {"BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
                                         "GlobalSecondaryIndexes": None}, "")[-1] == \
        "trades: TTL on 'expiresAt' documented, deployed: none"


def test_a_denied_ttl_is_not_held_against_the_table():
    assert ttl_enabled("denied (DescribeTimeToLive)") and ttl_enabled("ENABLED expiresAt")
    assert not ttl_enabled("DISABLED") and not ttl_enabled("")
    no_ttl = SimpleNamespace(**{**vars(SPEC), "ttl_attribute": None, "indexes": []})
    assert deployment_differences(no_ttl, {"BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}}, "") == []


@pytest.fixture(scope="module")
def read_only_client(dynamo):
    """One read-only boto3 client (the guard is on the client) for the module's connections:
    building a client is the slow part."""
    return dynamo.connect(read_only=True).client


def _read_only(dynamo, client, **tables: str) -> Connection:
    settings = dynamo.settings.with_(tables=tables) if tables else dynamo.settings
    return Connection(settings, client=client, read_only=True)


def test_survey_finds_every_table_and_names_the_missing_one(dynamo, read_only_client):
    conn = _read_only(dynamo, read_only_client, trades="no-such-table")
    findings = Findings()
    survey = survey_tables(conn, ALL_TABLES, findings)
    assert [spec.logical for spec in survey.missing] == ["trades"]
    assert survey.logicals == [spec.logical for spec in ALL_TABLES if spec.logical != "trades"]
    assert findings.counts() == {"table_missing": 1}
    assert findings.to_frame()["key"].tolist() == ["no-such-table"]
    assert survey.denied == set()


def test_deployment_of_the_embedded_tables_matches_the_specs(dynamo, read_only_client):
    conn = _read_only(dynamo, read_only_client)
    survey = survey_tables(conn, ALL_TABLES)
    with_ttl = next(spec for spec in ALL_TABLES if spec.ttl_attribute)
    assert describe_time_to_live(conn, with_ttl.logical) == f"ENABLED {with_ttl.ttl_attribute}"
    inventories = {spec.logical: SimpleNamespace(items=0, item_bytes=0) for spec in ALL_TABLES}
    check = check_deployment(conn, survey, inventories)
    assert check.differences == []  # the server creates each table from its spec
    assert list(check.rows["table"]) == [spec.logical for spec in ALL_TABLES]
    assert check.differences_frame.empty and list(check.differences_frame.columns) == ["difference"]


def test_a_denied_describe_table_is_a_row_note_not_a_failure(dynamo, read_only_client, monkeypatch):
    conn = _read_only(dynamo, read_only_client)

    def deny(table):
        raise AccessDeniedError("DescribeTable")

    monkeypatch.setattr(conn, "describe_table", deny)
    survey = survey_tables(conn, ALL_TABLES[:2])
    assert survey.denied == {"DescribeTable"} and len(survey.present) == 2  # existence unknown: kept
    check = check_deployment(conn, survey, {})
    assert list(check.rows["note"]) == ["dynamodb:DescribeTable denied"] * 2


def test_ttl_of_an_endpoint_without_describe_time_to_live(dynamo, read_only_client, monkeypatch):
    conn = _read_only(dynamo, read_only_client)

    def unsupported(operation, **params):
        raise DynamoDBRequestError(operation, params.get("TableName"), "UnknownOperationException", "nope")

    monkeypatch.setattr(conn, "call", unsupported)
    assert describe_time_to_live(conn, "trades") == "unknown (DescribeTimeToLive not supported by this endpoint)"
    # "unknown" is not "ENABLED": the documented TTL is listed as a difference, with what is known
    assert not ttl_enabled(describe_time_to_live(conn, "trades"))

    def failing(operation, **params):
        raise DynamoDBRequestError(operation, params.get("TableName"), "InternalServerError", "boom")

    monkeypatch.setattr(conn, "call", failing)
    with pytest.raises(DynamoDBRequestError) as caught:
        describe_time_to_live(conn, "trades")
    assert caught.value.code == "InternalServerError"
