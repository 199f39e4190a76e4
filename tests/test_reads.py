"""reads over HTTP against the embedded moto server, plus stubbed edge cases."""

import itertools

import pytest
from boto3.dynamodb.conditions import Attr, Key
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dynamo_reports import codec, reads
from dynamo_reports.config import Settings
from dynamo_reports.connection import Connection
from dynamo_reports.exceptions import (
    IncompleteReadError,
    ParameterError,
    ReadOnlyError,
    ScanNotAllowedError,
    TableNotFoundError,
)

_counter = itertools.count()


@pytest.fixture(scope="module")
def setup(dynamo):
    """Writes for the tests' set-up (CreateTable, BatchWriteItem) given to this process's moto
    without HTTP (EmbeddedDynamo.set_up_tables): only the reads under test go over HTTP."""
    return dynamo.set_up_tables([])


def _make_table(setup) -> str:
    name = f"test-reads-{next(_counter)}"
    setup.call("CreateTable", TableName=name, BillingMode="PAY_PER_REQUEST",
              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                    {"AttributeName": "sk", "AttributeType": "S"}],
              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    return name


def _write(setup, table, items):
    for start in range(0, len(items), 25):
        setup.call("BatchWriteItem", RequestItems={table: [{"PutRequest": {"Item": codec.item_to_wire(i)}}
                                                           for i in items[start:start + 25]]})


def _pages_of(n: int) -> st.SearchStrategy[int]:
    """A page size of 1..40 giving at most ~8 pages of n items: the cost is per request (a page
    size of 1 on 150 items was 225 requests), what is tested is where the pages end."""
    return st.integers(max(1, n // 8), 40)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_page=st.integers(0, 150).flatmap(lambda n: st.tuples(st.just(n), _pages_of(n))),
       payload=st.integers(1, 3000), segments=st.integers(1, 6))
# no items; one item on pages of 1 over more segments than items; partition A (40 items) exactly one
# page of 40; the largest table, on the largest pages and the most segments
@example(n_page=(0, 1), payload=1, segments=1)
@example(n_page=(1, 1), payload=10, segments=6)
@example(n_page=(80, 40), payload=100, segments=2)
@example(n_page=(150, 40), payload=3000, segments=6)
def test_pagination_reads_every_item_exactly_once(conn, setup, n_page, payload, segments):
    n, page = n_page
    table = _make_table(setup)
    # Two partitions: "A" gets every even item, "B" every odd one.
    items = [{"pk": "A" if i % 2 == 0 else "B", "sk": f"{i:05d}", "blob": "x" * payload} for i in range(n)]
    _write(setup, table, items)

    queried = reads.query(conn, table, Key("pk").eq("A"), page_size=page, progress=False)
    assert [i["sk"] for i in queried] == [f"{i:05d}" for i in range(0, n, 2)]

    scanned = reads.scan(conn, table, allow_full_scan=True, segments=segments, page_size=page, progress=False)
    keys = sorted((i["pk"], i["sk"]) for i in scanned)
    assert keys == sorted((i["pk"], i["sk"]) for i in items)  # each exactly once: no duplicate, no loss
    conn.call("DeleteTable", TableName=table)


def test_date_range_key_condition_and_limit(conn, setup):
    table = _make_table(setup)
    days = ["2025-02-28T23:59:59Z", "2025-03-01T00:00:00Z", "2025-03-15T12:00:00Z",
            "2025-03-31T23:59:59Z", "2025-04-01T00:00:00Z"]
    _write(setup, table, [{"pk": "SYMBOL#BTCUSDT", "sk": d} for d in days])
    march = reads.query(conn, table,
                        Key("pk").eq("SYMBOL#BTCUSDT") & Key("sk").between("2025-03-01", "2025-03-31\uffff"))
    assert [i["sk"] for i in march] == days[1:4]
    newest = reads.query(conn, table, Key("pk").eq("SYMBOL#BTCUSDT"), ascending=False, limit=2)
    assert [i["sk"] for i in newest] == [days[4], days[3]]
    filtered = reads.query(conn, table, Key("pk").eq("SYMBOL#BTCUSDT"), filter=Attr("sk").begins_with("2025-03"))
    assert len(filtered) == 3


def test_query_read_units_sum_then_round(conn, setup):
    table = _make_table(setup)
    # Each item: "pk"(2)+"A"(1) + "sk"(2)+"NN"(2) + "blob"(4)+989 = 1000 bytes.
    _write(setup, table, [{"pk": "A", "sk": f"{i:02d}", "blob": "x" * 989} for i in range(10)])
    before = conn.meter.mark()
    reads.query(conn, table, Key("pk").eq("A"))
    [record] = conn.meter.since(before)
    # 10 x 1000 = 10,000 bytes -> ceil(10000/4096) = 3 units strongly consistent, 1.5 eventually.
    assert record.bytes_returned == 10_000
    assert record.read_units == 1.5
    before = conn.meter.mark()
    got = reads.batch_get(conn, table, [{"pk": "A", "sk": f"{i:02d}"} for i in range(10)])
    assert len(got) == 10
    # BatchGetItem rounds each item: 10 x ceil(1000/4096)=10 units strongly, 5 eventually.
    assert conn.meter.totals(conn.meter.since(before))["read_units"] == 5.0


def test_batch_get_chunks_of_100_and_duplicates_once(conn, setup):
    table = _make_table(setup)
    _write(setup, table, [{"pk": "P", "sk": f"{i:04d}"} for i in range(230)])
    before = conn.meter.mark()
    keys = [{"pk": "P", "sk": f"{i:04d}"} for i in range(230)] + [{"pk": "P", "sk": "0000"}]
    got = reads.batch_get(conn, table, keys)
    assert sorted(i["sk"] for i in got) == [f"{i:04d}" for i in range(230)]
    # 230 distinct keys -> requests of 100, 100, 30
    assert [r.items_returned for r in conn.meter.since(before)] == [100, 100, 30]


def test_full_scan_must_be_asked_for_by_name(conn, setup):
    table = _make_table(setup)
    before = conn.meter.mark()
    with pytest.raises(ScanNotAllowedError, match="allow_full_scan=True"):
        reads.scan(conn, table)
    assert conn.meter.since(before) == []


def test_read_table_reads_every_item_once_by_name(conn, setup):
    table = _make_table(setup)
    _write(setup, table, [{"pk": f"P{i % 7}", "sk": f"{i:04d}"} for i in range(60)])
    before = conn.meter.mark()
    items = reads.read_table(conn, table, segments=3, page_size=10)
    assert sorted(i["sk"] for i in items) == [f"{i:04d}" for i in range(60)]
    assert {r.operation for r in conn.meter.since(before)} == {"Scan"}


@pytest.mark.parametrize("call,parameter", [
    (lambda c: reads.query(c, "t", "pk = :x"), "key_condition"),
    (lambda c: reads.query(c, "", Key("pk").eq("x")), "table"),
    (lambda c: reads.query(c, "t", Key("pk").eq("x"), limit=0), "limit"),
    (lambda c: reads.query(c, "t", Key("pk").eq("x"), index="i", consistent=True), "consistent"),
    (lambda c: reads.scan(c, "t", allow_full_scan=True, segments=0), "segments"),
    (lambda c: reads.get_item(c, "t", {}), "key"),
    (lambda c: reads.batch_get(c, "t", [{"pk": "a"}, "b"]), "keys[1]"),
])
def test_bad_arguments_fail_before_the_network(conn, call, parameter):
    with pytest.raises(ParameterError) as e:
        call(conn)
    assert e.value.parameter == parameter
    assert conn.meter.records == []


def test_read_only_connection_refuses_writes(dynamo):
    ro = dynamo.connect(read_only=True)
    for op in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "CreateTable",
               "ExecuteStatement"):
        with pytest.raises(ReadOnlyError) as e:
            ro.call(op, TableName="x")
        assert e.value.operation == op
    assert ro.meter.records == []


def test_missing_table_names_logical_and_physical(dynamo):
    conn = Connection(dynamo.settings.with_(env="nosuchenv"))
    with pytest.raises(TableNotFoundError) as e:
        reads.get_item(conn, conn.table_name("leads"), {"lead_id": "x"})
    assert e.value.logical == "leads" and e.value.physical == "commercive-leads-nosuchenv"
    assert "[tables] leads" in str(e.value)


class _StubClient:
    """Scripted responses for edge cases the emulator will not produce."""

    def __init__(self, responses):
        self.responses = list(responses)
        self.calls = []

    def _next(self, **params):
        self.calls.append(params)
        return self.responses.pop(0)

    batch_get_item = query = scan = _next


def _stub_conn(responses):
    return Connection(Settings(source="demo", endpoint_url="http://127.0.0.1:1"), client=_StubClient(responses))


def test_batch_get_retries_unprocessed_keys_with_backoff():
    k1, k2 = {"pk": {"S": "1"}}, {"pk": {"S": "2"}}
    conn = _stub_conn([
        {"Responses": {"t": [k1]}, "UnprocessedKeys": {"t": {"Keys": [k2]}}},
        {"Responses": {"t": [k2]}, "UnprocessedKeys": {}},
    ])
    sleeps = []
    got = reads.batch_get(conn, "t", [{"pk": "1"}, {"pk": "2"}], sleep=sleeps.append)
    assert [i["pk"] for i in got] == ["1", "2"]
    assert len(sleeps) == 1 and conn.client.calls[1]["RequestItems"]["t"]["Keys"] == [k2]


def test_batch_get_gives_up_loudly():
    stuck = {"Responses": {"t": []}, "UnprocessedKeys": {"t": {"Keys": [{"pk": {"S": "1"}}]}}}
    conn = _stub_conn([stuck] * 3)
    with pytest.raises(IncompleteReadError, match="1 keys still unprocessed after 3"):
        reads.batch_get(conn, "t", [{"pk": "1"}], max_attempts=3, sleep=lambda s: None)


def test_pagination_that_loops_raises_instead_of_duplicating():
    page = {"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 1, "LastEvaluatedKey": {"pk": {"S": "a"}}}
    conn = _stub_conn([page, page, page])
    with pytest.raises(IncompleteReadError, match="same LastEvaluatedKey"):
        reads.query(conn, "t", Key("pk").eq("a"), progress=False)
