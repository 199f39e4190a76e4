from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports import codec


def test_round_trip_every_type():
    item = {"s": "é", "n": Decimal("12.50"), "i": 7, "b": b"\x00\x01", "t": True, "z": None,
            "m": {"x": [Decimal("1"), "a"]}, "ss": {"a", "b"}, "ns": {Decimal("1"), Decimal("2")}}
    wire = codec.item_to_wire(item)
    assert wire["n"] == {"N": "12.50"}
    assert wire["b"] == {"B": b"\x00\x01"}
    assert wire["m"] == {"M": {"x": {"L": [{"N": "1"}, {"S": "a"}]}}}
    back = codec.item_to_python(wire)
    assert back["b"] == b"\x00\x01" and back["i"] == Decimal(7) and back["ss"] == {"a", "b"}
    assert back["m"] == {"x": [Decimal("1"), "a"]}


def test_floats_go_through_their_shortest_repr_not_binary():
    # 0.1 as binary is 0.1000000000000000055511151231257827...; repr gives "0.1"
    assert codec.to_wire(0.1) == {"N": "0.1"}
    with pytest.raises(ValueError, match="value"):
        codec.to_wire(float("nan"))


@pytest.mark.parametrize("raw,expected", [
    ("2025-03-01T10:00:00Z", "2025-03-01T10:00:00+00:00"),
    ("2025-03-01T11:00:00+01:00", "2025-03-01T10:00:00+00:00"),
    ("2025-03-01T11:00:00.250+0100", "2025-03-01T10:00:00.250000+00:00"),  # fraction, offset without colon
    (Decimal("1740823200000"), "2025-03-01T10:00:00+00:00"),         # epoch ms (000's numbers)
    (1740823200, "2025-03-01T10:00:00+00:00"),                       # epoch seconds
    ("1740823200000", "2025-03-01T10:00:00+00:00"),
])
def test_timestamps_in_every_form(raw, expected):
    assert codec.parse_timestamp(raw).isoformat() == expected


@pytest.mark.parametrize("raw", ["yesterday", "2025-13-45", True, {"a": 1}])
def test_unreadable_timestamps(raw):
    assert codec.parse_timestamp(raw) is None


# Issue 11, item 11: pandas guessed these (clock time for "now"/"today", both day orders for the
# slashed dates, a naive time as UTC); only ISO 8601 with Z/offset and epoch numbers are read.
@pytest.mark.parametrize("raw", [
    "now", "today", "31/12/2025", "12/31/2025", "2025-03-01T10:00:00", "2025-03-01", "2025-03-01 10:00:00Z",
    "2025-13-45T00:00:00Z", "2025-02-30T00:00:00Z", "NaN", "inf", "-1", "1e10", "Mar 1 2025 10:00 UTC",
    "20250301T100000Z", Decimal("-1"), float("inf"),
])
def test_only_iso_8601_with_offset_and_epoch_numbers_are_read(raw):
    assert codec.parse_timestamp(raw) is None


def test_strictly_unreadable_timestamps_are_listed_per_column():
    # rows 1 and 2 are unreadable ("now", "31/12/2025"); row 3 is missing (not a finding)
    items = [{"id": "a", "at": "2025-03-01T10:00:00Z"}, {"id": "b", "at": "now"},
             {"id": "c", "at": "31/12/2025"}, {"id": "d"}]
    frame = codec.items_to_frame(items, timestamps=["at"], numbers=())
    assert frame.attrs["invalid_timestamps"] == {"at": [1, 2]}
    assert frame["at"].isna().tolist() == [False, True, True, True]


def test_frame_has_expected_columns_even_when_empty():
    frame = codec.items_to_frame([], columns=["a", "created_at", "amount"], timestamps=["created_at"],
                                 numbers=["amount"])
    assert list(frame.columns) == ["a", "created_at", "amount"]
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["amount"].dtype == float


def test_frame_types_and_findings():
    items = [
        {"id": "a", "amount": Decimal("1.25"), "at": "2025-01-01T00:00:00Z", "tags": ["x"]},
        {"id": "b", "amount": "abc", "at": "not a date"},
        {"id": "c", "amount": None, "at": Decimal("1735689600000")},
    ]
    frame = codec.items_to_frame(items, timestamps=["at"], numbers=["amount"])
    assert frame["amount"].iloc[0] == 1.25 and pd.isna(frame["amount"].iloc[1])
    assert frame.attrs["invalid_numbers"] == {"amount": [1]}
    assert frame.attrs["invalid_timestamps"] == {"at": [1]}
    # 1735689600000 ms = 2025-01-01T00:00:00Z
    assert frame["at"].iloc[2] == pd.Timestamp("2025-01-01", tz="UTC")
    assert frame["tags"].iloc[0] == ["x"]
    exact = codec.items_to_frame(items[:1], numbers=["amount"], exact=True)
    assert exact["amount"].iloc[0] == Decimal("1.25")


def test_a_timestamp_column_no_item_has_is_all_missing_not_unreadable():
    # two items, neither has "closed_at": the column is NaT twice and no row is a finding
    # (it used to recurse forever: NaT is a datetime, and Timestamp(NaT) is NaT again)
    frame = codec.items_to_frame([{"id": "a"}, {"id": "b"}], timestamps=["closed_at"])
    assert frame["closed_at"].isna().tolist() == [True, True]
    assert frame.attrs["invalid_timestamps"] == {}
    assert codec.parse_timestamp(pd.NaT) is None


def test_auto_number_columns_are_those_with_only_numbers_and_gaps():
    # "n": Decimal, None, int -> floats 1.5, NaN, 2.0; "flag" holds a bool and "mixed" a string:
    # neither is a number column, so both keep their Python values
    frame = codec.items_to_frame([{"n": Decimal("1.5"), "flag": True, "mixed": Decimal(1)},
                                  {"flag": False, "mixed": "x"}, {"n": 2}])
    assert frame["n"].dtype == float and frame["n"].tolist()[0::2] == [1.5, 2.0] and pd.isna(frame["n"][1])
    assert frame["flag"].tolist() == [True, False, None] and frame["mixed"].tolist() == [Decimal(1), "x", None]
