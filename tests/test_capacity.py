"""Tests for dynamo_reports.capacity.

Every expected number is worked out by hand in the comment beside it, from
AWS's published rules; where AWS's documentation gives a worked example, the
test uses it and says where it comes from:

[SIZES] https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
[RW]    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
        (earlier text of the same page: "Item Sizes and Capacity Unit
        Consumption", awsdocs/amazon-dynamodb-developer-guide,
        doc_source/CapacityUnitCalculations.md)
[GSI]   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
[PRICE] https://aws.amazon.com/dynamodb/pricing/on-demand/ and .../provisioned/
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import inspect
from decimal import Decimal

import pytest

from dynamo_reports import capacity
from dynamo_reports.capacity import (
    FREE_TIER,
    GB_BYTES,
    MAX_ITEM_BYTES,
    STORAGE_OVERHEAD_BYTES,
    CostBreakdown,
    Price,
    attribute_value_size,
    gsi_entry_size,
    gsi_write_units,
    item_size,
    monthly_cost,
    number_size,
    price_table,
    provisioned_capacity_for,
    read_units_for_batch_get,
    read_units_for_get,
    read_units_for_pages,
    read_units_for_query,
    read_units_for_scan,
    split_into_pages,
    storage_bytes,
    wire_item_size,
    write_units_for_batch_write,
    write_units_for_delete,
    write_units_for_item,
    write_units_for_put,
    write_units_for_update,
)

KB = 1024


class FakeBinary:
    """Stands in for boto3.dynamodb.types.Binary: only a ``.value`` of bytes."""

    def __init__(self, value: bytes) -> None:
        self.value = value


# ---------------------------------------------------------------- design rule


def test_capacity_does_not_import_boto3_or_botocore():
    tree = ast.parse(inspect.getsource(capacity))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"boto3", "botocore"}


def test_constants():
    assert STORAGE_OVERHEAD_BYTES == 100
    assert MAX_ITEM_BYTES == 409_600  # 400 * 1024
    assert GB_BYTES == 1_073_741_824  # 1024 ** 3
    assert FREE_TIER == {"storage_gb": 25, "rcu": 25, "wcu": 25}


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, 1),  # no significant digits: 0 + 1
        (Decimal("0.000"), 1),  # still zero
        (7, 2),  # 1 digit: ceil(1/2)=1, +1 = 2
        (12, 2),  # 2 digits: 1 + 1
        (123, 3),  # 3 digits: ceil(1.5)=2, +1 = 3
        (12345, 4),  # 5 digits: ceil(2.5)=3, +1 = 4
        (1_000_000, 2),  # trailing zeroes trimmed -> "1": 1 + 1
        (Decimal("0.000123"), 3),  # leading zeroes trimmed -> "123": 2 + 1
        (Decimal("12.50"), 3),  # "1250" -> trim trailing -> "125": 2 + 1
        (Decimal("-12.5"), 3),  # sign not counted by the documented rule: "125" -> 3
        (Decimal("1E+100"), 2),  # one significant digit
        (1.0, 2),  # float 1.0 -> "1": 1 + 1
        (0.25, 2),  # "25": 1 + 1
        ("12345", 4),  # wire-form string, same as the int
        (int("9" * 38), 20),  # 38 digits: 19 + 1
    ],
)
def test_number_size(number, expected):
    assert number_size(number) == expected


@pytest.mark.parametrize("bad", [int("9" * 39), float("nan"), float("inf"), "abc", True])
def test_number_size_rejects_what_dynamodb_rejects(bad):
    with pytest.raises(ValueError):
        number_size(bad)


# ---------------------------------------------------------------- scalar values


def test_string_sizes_are_utf8_bytes():
    assert attribute_value_size("abc") == 3
    # "é" is 2 UTF-8 bytes, "€" 3, "😀" 4: 2 + 3 + 4 = 9
    assert attribute_value_size("é€😀") == 9
    # name "名" is 3 bytes; 3 + 9 = 12
    assert item_size({"名": "é€😀"}) == 12


def test_binary_null_and_boolean():
    assert attribute_value_size(b"\x00\x01\x02") == 3  # raw bytes, not base64
    assert attribute_value_size(bytearray(5)) == 5
    assert attribute_value_size(FakeBinary(b"abcd")) == 4  # duck-typed Binary
    assert attribute_value_size(None) == 1
    assert attribute_value_size(True) == 1
    assert attribute_value_size(False) == 1
    # "ok" (2) + boolean (1) = 3;  "n" (1) + null (1) = 2
    assert item_size({"ok": True}) == 3
    assert item_size({"n": None}) == 2


# ---------------------------------------------------------------- lists, maps, sets


def test_empty_list_and_map_are_three_bytes():
    assert item_size({"l": []}) == 1 + 3
    assert item_size({"m": {}}) == 1 + 3


def test_list_overhead():
    # [1, "ab"]: 3 overhead + (1 + 2 for the number 1) + (1 + 2 for "ab") = 9
    assert attribute_value_size([1, "ab"]) == 9
    assert attribute_value_size((1, "ab")) == 9
    assert item_size({"l": [1, "ab"]}) == 1 + 9


def test_map_overhead_counts_keys():
    # {"k": "v", "n": 12}: 3 + (1 + len "k" 1 + "v" 1) + (1 + len "n" 1 + 12 -> 2) = 3 + 3 + 4
    assert attribute_value_size({"k": "v", "n": 12}) == 10
    assert item_size({"m": {"k": "v", "n": 12}}) == 11


def test_nested_document():
    # inner map {"x": True}: 3 + (1 + 1 + 1) = 6
    # list [inner]: 3 + (1 + 6) = 10
    # map {"l": list}: 3 + (1 + 1 + 10) = 15
    # item: "m" (1) + 15 = 16
    assert item_size({"m": {"l": [{"x": True}]}}) == 16


def test_sets_are_sum_of_elements_without_overhead():
    # "ss" (2) + "a" (1) + "bc" (2) = 5
    assert item_size({"ss": {"a", "bc"}}) == 5
    # "ns" (2) + 1 -> 2 + 12345 -> 4 = 8
    assert item_size({"ns": {Decimal(1), Decimal(12345)}}) == 8
    # "bs" (2) + 2 + 1 = 5
    assert item_size({"bs": frozenset({b"ab", b"c"})}) == 5
    assert item_size({"bs": {FakeBinary(b"ab")}}) == 4


def test_unsupported_values_raise():
    with pytest.raises(ValueError):
        attribute_value_size(object())
    with pytest.raises(ValueError):
        attribute_value_size({1: "x"})
    with pytest.raises(ValueError):
        attribute_value_size({(1, 2)})


# ---------------------------------------------------------------- whole items

# The ProductCatalog "Book 101" item from the AWS developer guide's sample data,
# also the usage example of LeeroyHannigan/DynamoDB-ItemSizeCalculator, whose
# README gives 137 bytes for it.
BOOK_101_WIRE = {
    "Id": {"N": "101"},
    "Title": {"S": "Book 101 Title"},
    "ISBN": {"S": "111-1111111111"},
    "Authors": {"L": [{"S": "Author1"}]},
    "Price": {"N": "2"},
    "Dimensions": {"S": "8.5 x 11.0 x 0.5"},
    "PageCount": {"N": "500"},
    "InPublication": {"BOOL": True},
    "ProductCategory": {"S": "Book"},
}
BOOK_101 = {
    "Id": Decimal("101"),
    "Title": "Book 101 Title",
    "ISBN": "111-1111111111",
    "Authors": ["Author1"],
    "Price": Decimal("2"),
    "Dimensions": "8.5 x 11.0 x 0.5",
    "PageCount": Decimal("500"),
    "InPublication": True,
    "ProductCategory": "Book",
}
# Id            2 + (101: 3 digits -> 3)            =   5
# Title         5 + 14                              =  19
# ISBN          4 + 14                              =  18
# Authors       7 + 3 + (1 + 7)                     =  18
# Price         5 + (2 -> 2)                        =   7
# Dimensions   10 + 16                              =  26
# PageCount     9 + (500 -> "5" -> 2)               =  11
# InPublication 13 + 1                              =  14
# ProductCategory 15 + 4                            =  19
#                                             total = 137
BOOK_101_SIZE = 137


def test_book_101_item_size():
    assert item_size(BOOK_101) == BOOK_101_SIZE
    assert wire_item_size(BOOK_101_WIRE) == BOOK_101_SIZE


RICH_ITEM = {
    "pk": "USER#é",
    "n": Decimal("12.5"),
    "neg": Decimal("-0.001"),
    "b": b"\x00\xff",
    "t": True,
    "nul": None,
    "ss": {"a", "bc"},
    "ns": {Decimal("1"), Decimal("100")},
    "bs": {b"x", b"yz"},
    "l": ["s", Decimal("3"), [], {"k": False}],
    "m": {"inner": {"deep": ["€"]}, "num": Decimal("0")},
}
RICH_ITEM_WIRE = {
    "pk": {"S": "USER#é"},
    "n": {"N": "12.5"},
    "neg": {"N": "-0.001"},
    "b": {"B": b"\x00\xff"},
    "t": {"BOOL": True},
    "nul": {"NULL": True},
    "ss": {"SS": ["a", "bc"]},
    "ns": {"NS": ["1", "100"]},
    "bs": {"BS": [b"x", b"yz"]},
    "l": {"L": [{"S": "s"}, {"N": "3"}, {"L": []}, {"M": {"k": {"BOOL": False}}}]},
    "m": {"M": {"inner": {"M": {"deep": {"L": [{"S": "€"}]}}}, "num": {"N": "0"}}},
}
# pk   2 + "USER#é" (5 + 2)                               =  9
# n    1 + "125" -> 3                                     =  4
# neg  3 + "1" -> 2                                       =  5
# b    1 + 2                                              =  3
# t    1 + 1                                              =  2
# nul  3 + 1                                              =  4
# ss   2 + 1 + 2                                          =  5
# ns   2 + (1 -> 2) + (100 -> 2)                          =  6
# bs   2 + 1 + 2                                          =  5
# l    1 + 3 + (1+1) + (1+2) + (1+3) + (1 + {"k":False}=3+(1+1+1)=6) = 1 + 3 + 2 + 3 + 4 + 7 = 20
# m    1 + 3 + ["inner": 1 + 5 + {"deep": 3 + (1 + 4 + ["€"]=3+(1+3)=7)=15}]=21
#           + ["num": 1 + 3 + 1] = 5                      = 1 + 3 + 21 + 5 = 30
#                                                   total = 93
RICH_ITEM_SIZE = 93


def test_python_and_wire_forms_agree_by_hand():
    assert item_size(RICH_ITEM) == RICH_ITEM_SIZE
    assert wire_item_size(RICH_ITEM_WIRE) == RICH_ITEM_SIZE


def test_wire_binary_may_be_base64_text():
    # Raw DynamoDB JSON carries B as base64; the raw length (3) is what counts.
    encoded = base64.b64encode(b"abc").decode()  # "YWJj", 4 characters
    assert wire_item_size({"b": {"B": encoded}}) == 1 + 3
    assert wire_item_size({"bs": {"BS": [encoded, b"de"]}}) == 2 + 3 + 2


def test_wire_unknown_type_raises():
    with pytest.raises(ValueError, match="XX"):
        wire_item_size({"a": {"XX": "1"}})


def test_agrees_with_boto3_serializer():
    # boto3 is used only here, to produce the wire form; capacity never imports it.
    types = pytest.importorskip("boto3.dynamodb.types")
    serializer = types.TypeSerializer()
    deserializer = types.TypeDeserializer()
    wire = {k: serializer.serialize(v) for k, v in RICH_ITEM.items()}
    assert wire_item_size(wire) == RICH_ITEM_SIZE
    back = {k: deserializer.deserialize(v) for k, v in wire.items()}  # Binary objects
    assert item_size(back) == RICH_ITEM_SIZE


# ---------------------------------------------------------------- reads


def test_get_item_examples_from_docs():
    # [RW]: "if you read an item that is 3.5 KB, DynamoDB rounds the item size to 4 KB"
    assert read_units_for_get(3584, consistent=True) == 1.0
    assert read_units_for_get(3584) == 0.5
    # [RW]: "If you read an item of 10 KB, DynamoDB rounds the item size to 12 KB" -> 3 units
    assert read_units_for_get(10 * KB, consistent=True) == 3.0
    assert read_units_for_get(10 * KB) == 1.5
    # [PRICE]: 8 KB item: 2 strongly consistent, 1 eventually, 4 transactional
    assert read_units_for_get(8 * KB, consistent=True) == 2.0
    assert read_units_for_get(8 * KB) == 1.0
    assert read_units_for_get(8 * KB, transactional=True) == 4.0


def test_get_of_missing_item_still_costs_the_minimum():
    # [RW]: reading an item that does not exist consumes 1 (strong) / 0.5 (eventual)
    assert read_units_for_get(0, consistent=True) == 1.0
    assert read_units_for_get(0) == 0.5
    assert read_units_for_get(0, transactional=True) == 2.0


def test_exact_4kb_boundary():
    assert read_units_for_get(4096, consistent=True) == 1.0  # exactly one unit
    assert read_units_for_get(4097, consistent=True) == 2.0  # one byte over


def test_batch_get_example_from_docs():
    # [RW]: 1.5 KB + 6.5 KB -> 4 KB + 8 KB = 12 KB, not 8 KB -> 3 strong, 1.5 eventual
    sizes = [1536, 6656]
    assert read_units_for_batch_get(sizes, consistent=True) == 3.0
    assert read_units_for_batch_get(sizes) == 1.5
    assert read_units_for_batch_get([]) == 0.0


def test_query_examples_from_docs():
    # [RW]: 10 items whose combined size is 40.8 KB -> rounded to 44 KB -> 11 units.
    # 40.8 KB = 41,779.2 bytes; 10 items of 4,178 bytes = 41,780 -> ceil(41780/4096) = 11
    assert read_units_for_query([4178] * 10, consistent=True) == 11.0
    # [RW]: 1500 items of 64 bytes = 96,000 bytes -> ceil(96000/4096) = ceil(23.44) = 24
    assert read_units_for_query([64] * 1500, consistent=True) == 24.0
    # [RW]: "For an eventually consistent read, if total item size is 80 KB, the
    # operation consumes only 10 capacity units": 80 KB / 4 KB = 20, halved = 10
    assert read_units_for_query([8 * KB] * 10) == 10.0


def test_gsi_query_example_from_docs():
    # [GSI]: 8 index entries of 2000 bytes = 16,000 bytes -> rounded to 16 KB;
    # eventually consistent: 0.5 x (16 KB / 4 KB) = 2
    assert read_units_for_query([2000] * 8) == 2.0


def test_query_returning_nothing_costs_the_minimum():
    assert read_units_for_query([], consistent=True) == 1.0
    assert read_units_for_query([]) == 0.5


def test_query_versus_batch_get_rounding():
    sizes = [500] * 10
    # Query: 5,000 bytes summed -> ceil(5000/4096) = 2 strong, 1 eventual
    assert read_units_for_query(sizes, consistent=True) == 2.0
    assert read_units_for_query(sizes) == 1.0
    # BatchGetItem: each 500 B item rounds to 4 KB on its own -> 10 strong, 5 eventual
    assert read_units_for_batch_get(sizes, consistent=True) == 10.0
    assert read_units_for_batch_get(sizes) == 5.0


def test_scan_pays_for_examined_items():
    examined = [1000] * 100  # 100,000 bytes examined, whatever the filter keeps
    # ceil(100000/4096) = ceil(24.41) = 25 strong; 12.5 eventual
    assert read_units_for_scan(examined, consistent=True) == 25.0
    assert read_units_for_scan(examined) == 12.5


def test_pages_round_separately():
    # 255 x 4096 = 1,044,480, so 1,044,481 B is 256 units; 4,097 B is 2 units.
    sizes = [1_044_481, 4_097]
    # together 1,048,578 B > 1 MB (1,048,576): the second item starts a second page
    assert split_into_pages(sizes) == [[1_044_481], [4_097]]
    # two requests: 256 + 2 = 258 strong
    assert read_units_for_pages(split_into_pages(sizes), consistent=True) == 258.0
    # had it been one request: ceil(1,048,578 / 4096) = 256 + 1 = 257
    assert read_units_for_query(sizes, consistent=True) == 257.0
    # eventually consistent halves each page: 128 + 1 = 129
    assert read_units_for_pages(split_into_pages(sizes)) == 129.0
    # items under 1 MB in total stay on one page
    assert split_into_pages([1_000_000, 100]) == [[1_000_000, 100]]
    assert split_into_pages([]) == [[]]


# ---------------------------------------------------------------- writes


def test_write_examples_from_docs():
    # [RW]: "if you put or delete an item of 1.6 KB, DynamoDB rounds the item size up to 2 KB"
    assert write_units_for_item(1639) == 2.0  # 1.6 KB = 1638.4 bytes
    # [PRICE]: a 1 KB standard write is 1 WCU; a 3 KB write is 3; transactional 3 KB is 6
    assert write_units_for_item(1 * KB) == 1.0
    assert write_units_for_item(3 * KB) == 3.0
    assert write_units_for_item(3 * KB, transactional=True) == 6.0
    # [RW]: a failed conditional write on a missing item consumes 1 WCU
    assert write_units_for_item(0) == 1.0


def test_batch_write_example_from_docs():
    # [RW]: 500 B + 3.5 KB -> 1 KB + 4 KB = 5 KB, not 4 KB -> 5 WCU
    assert write_units_for_batch_write([500, 3584]) == 5.0


def test_put_with_gsi_write_amplification():
    # Item of 1.5 KB (1536 B) -> 2 WCU on the table.
    # GSI A (KEYS_ONLY entry of 300 B) -> 1; GSI B (ALL, entry of 1536 B) -> 2.
    # total = 2 + 1 + 2 = 5
    assert write_units_for_put(1536, gsi_projected_sizes=[300, 1536]) == 5.0
    # transactional doubles the whole write: 10
    assert write_units_for_put(1536, [300, 1536], transactional=True) == 10.0
    # no GSI keys present -> only the table write
    assert write_units_for_put(1536) == 2.0
    # delete is charged the same way: table 2 + index entries 1 + 2
    assert write_units_for_delete(1536, [300, 1536]) == 5.0


def test_gsi_write_rules_from_docs():
    # [GSI] bullets, one by one:
    assert gsi_write_units(None, 300) == 1  # new item defines the indexed attribute: 1 put
    assert gsi_write_units(300, 300, key_changed=True) == 2  # key A -> B: delete + put
    assert gsi_write_units(300, None) == 1  # indexed attribute removed: 1 delete
    assert gsi_write_units(None, None) == 0  # never in the index: nothing
    # only projected attributes change: 1 write of the new entry, 2000 B -> 2 units
    assert gsi_write_units(300, 2000) == 2
    # key change with sizes: delete the 2000 B entry (2) + put the 500 B entry (1) = 3
    assert gsi_write_units(2000, 500, key_changed=True) == 3


def test_update_charges_larger_image_plus_indexes():
    # before 900 B, after 2100 B -> larger is 2100 -> ceil(2100/1024) = 3
    # one GSI entry appears (100 B) -> 1; one GSI key changes (300 B each) -> 2
    # total 3 + 1 + 2 = 6; transactional 12
    changes = [(None, 100, False), (300, 300, True)]
    assert write_units_for_update(900, 2100, changes) == 6.0
    assert write_units_for_update(900, 2100, changes, transactional=True) == 12.0
    assert write_units_for_update(2100, 900) == 3.0  # shrink: still the larger, 2100


# ---------------------------------------------------------------- storage


def test_storage_adds_100_bytes_per_item():
    # (1000 + 100) + (500 + 100) = 1700
    assert storage_bytes([1000, 500]) == 1700
    assert storage_bytes([]) == 0


def test_gsi_entry_storage():
    # table key 20 B + index key 12 B + projected 68 B = 100 B entry; stored with +100 = 200
    entry = gsi_entry_size(20, 12, 68)
    assert entry == 100
    assert storage_bytes([entry]) == 200


# ---------------------------------------------------------------- prices


def test_price_table_us_east_1():
    table = price_table("us-east-1")
    assert set(table) == {
        "on_demand.read_request_unit",
        "on_demand.write_request_unit",
        "on_demand.gb_month",
        "provisioned.rcu_hour",
        "provisioned.wcu_hour",
        "provisioned.gb_month",
    }
    # USD per ONE unit: $0.125 / 1,000,000 and $0.625 / 1,000,000
    assert table["on_demand.read_request_unit"].usd == pytest.approx(1.25e-7)
    assert table["on_demand.write_request_unit"].usd == pytest.approx(6.25e-7)
    assert table["provisioned.rcu_hour"].usd == pytest.approx(0.00013)
    assert table["provisioned.wcu_hour"].usd == pytest.approx(0.00065)
    assert table["on_demand.gb_month"].usd == pytest.approx(0.25)
    for key, price in table.items():
        assert isinstance(price, Price)
        assert price.key == key
        assert price.region == "us-east-1"
        assert price.billing_mode in ("on_demand", "provisioned")
        assert price.source and price.as_of


def test_price_table_paris_flags_unverified_figures():
    table = price_table("eu-west-3")
    assert {p.region for p in table.values()} == {"eu-west-3"}
    for price in table.values():
        assert price.usd > 0
        # none of the Paris figures could be read from AWS's own page here
        assert "unverified" in price.source or "estimate" in price.source
        assert "https://aws.amazon.com/dynamodb/pricing" in price.source


def test_price_table_is_data_not_shared_state():
    price_table("us-east-1").clear()
    assert len(price_table("us-east-1")) == 6
    with pytest.raises(dataclasses.FrozenInstanceError):
        price_table("us-east-1")["provisioned.rcu_hour"].usd = 1.0  # type: ignore[misc]


def test_price_table_overrides():
    table = price_table("us-east-1", {"on_demand.read_request_unit": 0.25e-6, "gb_month": 0.5})
    assert table["on_demand.read_request_unit"].usd == 0.25e-6
    assert table["on_demand.read_request_unit"].source == "override"
    # a bare unit applies to every mode that has it
    assert table["on_demand.gb_month"].usd == 0.5
    assert table["provisioned.gb_month"].usd == 0.5
    assert table["provisioned.rcu_hour"].usd == pytest.approx(0.00013)  # untouched
    with pytest.raises(ValueError, match="nonsense"):
        price_table("us-east-1", {"nonsense": 1.0})
    with pytest.raises(ValueError, match="gb_month"):
        price_table("us-east-1", {"gb_month": -1})


def test_unknown_region_is_named():
    with pytest.raises(ValueError, match="ap-mars-1"):
        price_table("ap-mars-1")
    with pytest.raises(ValueError, match="ap-mars-1"):
        monthly_cost(region="ap-mars-1")


# ---------------------------------------------------------------- monthly cost


def test_on_demand_one_million_reads_costs_an_eighth_of_a_dollar():
    cost = monthly_cost(read_request_units=1_000_000)
    assert isinstance(cost, CostBreakdown)
    assert cost.reads == pytest.approx(0.125)  # 1,000,000 x $0.125 / 1,000,000
    assert cost.writes == 0
    assert cost.storage == 0
    assert cost.total == pytest.approx(0.125)
    assert cost.prices["on_demand.read_request_unit"].usd == pytest.approx(1.25e-7)


def test_on_demand_reads_and_writes():
    cost = monthly_cost(read_request_units=4_000_000, write_request_units=2_000_000)
    # reads 4 x 0.125 = 0.50; writes 2 x 0.625 = 1.25; total 1.75
    assert cost.reads == pytest.approx(0.50)
    assert cost.writes == pytest.approx(1.25)
    assert cost.total == pytest.approx(1.75)


def test_on_demand_has_no_request_free_tier():
    with_free = monthly_cost(read_request_units=10, write_request_units=10)
    assert with_free.reads > 0 and with_free.writes > 0


def test_provisioned_with_free_tier():
    cost = monthly_cost(billing_mode="provisioned", provisioned_rcu=100, provisioned_wcu=50)
    # reads: (100 - 25) x 730 h x $0.00013 = 75 x 730 = 54,750 x 0.00013 = 7.1175
    # writes: (50 - 25) x 730 h x $0.00065 = 25 x 730 = 18,250 x 0.00065 = 11.8625
    assert cost.reads == pytest.approx(7.1175)
    assert cost.writes == pytest.approx(11.8625)
    assert cost.total == pytest.approx(18.98)


def test_provisioned_without_free_tier():
    cost = monthly_cost(
        billing_mode="provisioned", provisioned_rcu=100, provisioned_wcu=50, apply_free_tier=False
    )
    # reads: 100 x 730 x 0.00013 = 9.49; writes: 50 x 730 x 0.00065 = 23.725
    assert cost.reads == pytest.approx(9.49)
    assert cost.writes == pytest.approx(23.725)


def test_provisioned_within_free_tier_is_free_and_ignores_request_units():
    cost = monthly_cost(
        billing_mode="provisioned",
        provisioned_rcu=10,
        provisioned_wcu=25,
        read_request_units=5_000_000,  # consumed units are not billed when provisioned
    )
    assert cost.total == 0


def test_provisioned_hours():
    # 30 RCU for 24 h, no free tier: 30 x 24 x 0.00013 = 0.0936
    cost = monthly_cost(
        billing_mode="provisioned", provisioned_rcu=30, hours=24, apply_free_tier=False
    )
    assert cost.reads == pytest.approx(0.0936)


def test_storage_beyond_free_25_gb():
    cost = monthly_cost(storage_bytes=30 * GB_BYTES)
    # (30 - 25) GB x $0.25 = $1.25
    assert cost.storage == pytest.approx(1.25)
    assert monthly_cost(storage_bytes=30 * GB_BYTES, apply_free_tier=False).storage == (
        pytest.approx(7.5)  # 30 x 0.25
    )
    assert monthly_cost(storage_bytes=20 * GB_BYTES).storage == 0
    # the free tier applies to provisioned tables' storage as well
    assert monthly_cost(billing_mode="provisioned", storage_bytes=30 * GB_BYTES).storage == (
        pytest.approx(1.25)
    )


def test_storage_uses_binary_gigabytes():
    # 26 x 10**9 bytes = 24.21 GiB: still inside the 25 GB free tier
    assert monthly_cost(storage_bytes=26 * 10**9).storage == 0


def test_monthly_cost_with_custom_prices():
    prices = price_table("us-east-1", {"on_demand.write_request_unit": 1e-6})
    cost = monthly_cost(write_request_units=3_000_000, prices=prices)
    assert cost.writes == pytest.approx(3.0)  # 3,000,000 x $0.000001


def test_monthly_cost_in_paris_uses_paris_prices():
    table = price_table("eu-west-3")
    cost = monthly_cost(region="eu-west-3", read_request_units=1_000_000)
    assert cost.reads == pytest.approx(1_000_000 * table["on_demand.read_request_unit"].usd)
    assert cost.region == "eu-west-3"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"read_request_units": -1},
        {"write_request_units": -1},
        {"storage_bytes": -1},
        {"provisioned_rcu": -1},
        {"provisioned_wcu": -1},
        {"hours": -1},
    ],
)
def test_monthly_cost_rejects_negatives_naming_the_parameter(kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=name):
        monthly_cost(**kwargs)


def test_unknown_billing_mode_is_named():
    with pytest.raises(ValueError, match="billing_mode"):
        monthly_cost(billing_mode="reserved")


# ---------------------------------------------------------------- provisioning


def test_provisioned_capacity_for():
    assert provisioned_capacity_for(10.2, 3.0) == (11, 3)  # ceil(10.2) = 11
    assert provisioned_capacity_for(0, 0) == (1, 1)  # at least 1 each
    assert provisioned_capacity_for(0.5, 0.01) == (1, 1)
    with pytest.raises(ValueError, match="peak_reads_per_second_units"):
        provisioned_capacity_for(-1, 1)
    with pytest.raises(ValueError, match="peak_writes_per_second_units"):
        provisioned_capacity_for(1, -1)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: read_units_for_get(-1), "size_bytes"),
        (lambda: read_units_for_batch_get([10, -1]), r"sizes\[1\]"),
        (lambda: read_units_for_query([-5]), r"sizes\[0\]"),
        (lambda: read_units_for_scan([-5]), r"sizes\[0\]"),
        (lambda: write_units_for_item(-1), "size_bytes"),
        (lambda: write_units_for_put(-1), "item_size"),
        (lambda: write_units_for_put(10, [-1]), r"gsi_projected_sizes\[0\]"),
        (lambda: storage_bytes([1, -1]), r"item_sizes\[1\]"),
        (lambda: gsi_write_units(-1, 10), "before_size"),
        (lambda: write_units_for_update(10, -1), "after_size"),
        (lambda: read_units_for_get(float("nan")), "size_bytes"),
        (lambda: read_units_for_get("100"), "size_bytes"),
    ],
)
def test_negative_or_bad_sizes_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_decimal_sizes_accepted():
    # sizes read back from DynamoDB arrive as Decimal
    assert read_units_for_get(Decimal(8 * KB), consistent=True) == 2.0
    assert storage_bytes([Decimal(1000)]) == 1100
