"""Report tables and helpers moved out of the notebooks: distributions, support, participants, leads."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from dynamo_reports.analytics import distributions_report as dr
from dynamo_reports.analytics import leads_report as lr
from dynamo_reports.analytics import participants_report as pr
from dynamo_reports.analytics import support_report as sr
from dynamo_reports.exceptions import ParameterError

WALLET = "So11111111111111111111111111111111111111112"


# -- distributions --------------------------------------------------------------------------------

def test_lorenz_curve_of_three_members():
    # counts 3, 0, 1 -> sorted 0, 1, 3 (4 links): members 0/33.3/66.7/100 %, links 0/0/25/100 %
    xs, ys = dr.lorenz_curve([3, 0, 1])
    assert xs == pytest.approx([0.0, 100 / 3, 200 / 3, 100.0])
    assert ys == pytest.approx([0.0, 0.0, 25.0, 100.0])
    assert dr.lorenz_curve([]) == ([], []) and dr.lorenz_curve([0, 0]) == ([], [])


def test_distribution_headline_and_fairness():
    numbers = {"links_available": 5, "links_distributed": 7, "distributions": 7, "members_served": 3,
               "members_never_served": 2}
    fair = {"gini": 0.41666, "top_share": 0.5, "members": 5, "links": 7}
    values = dict(dr.headline_frame(numbers, fair, 3).itertuples(index=False))
    assert values["Gini of links received in the window"] == "0.417"
    assert values["Share of the top 3 members"] == "50.0%"
    assert values["Links distributed (inventory)"] == 7
    values = dict(dr.fairness_frame({**fair, "gini": None, "top_share": None}, 3).itertuples(index=False))
    assert values["Gini coefficient"] == "—" and values["Share of the top 3"] == "—"
    assert values["Links received"] == 7


# -- support --------------------------------------------------------------------------------------

def test_support_headline_formats_hours_and_minutes():
    frame = sr.headline_frame(opened=4, closed=2, backlog={"open": 3, "median_age_hours": 1234.56,
                                                           "oldest_age_hours": None},
                              waiting=1, replies={"median": 12.25, "p90": 60.0},
                              unread={"unread_by_admin": 5, "unread_by_user": 0})
    values = dict(frame.itertuples(index=False))
    assert values["Median age of the open backlog"] == "1,234.6 h"
    assert values["Oldest open conversation"] == "—"
    assert values["Median time to first admin reply"] == "12.2 min"  # 12.25 rounds half to even
    assert values["Open conversations still waiting for a first admin reply"] == 1


def test_message_count_frame():
    counts = {"conversations": 3, "mean": 2.5, "median": None, "max": 4.0}
    values = dict(sr.message_count_frame(counts).itertuples(index=False))
    # labelled in words; 2.5 keeps its decimals, a whole 4.0 reads "4", no median is a dash
    assert values == {"Conversations": 3, "Mean messages per conversation": "2.50",
                      "Median messages per conversation": "—", "Most messages in one conversation": "4"}


# -- participants ---------------------------------------------------------------------------------

def test_participant_formats():
    assert pr.format_sol(1234.5) == "1,234.500 SOL" and pr.format_sol(None) == "—"
    assert pr.format_share(0.375) == "37.5%" and pr.format_share(math.nan) == "—"
    assert pr.format_number(0.123456) == "0.123" and pr.format_number(2.25, "{:.1f}") == "2.2"
    assert pr.format_number(None) == "—"
    assert pr.format_utc_time(pd.Timestamp("2025-06-30T12:34:56Z")) == "2025-06-30 12:34 UTC"
    assert pr.format_utc_time(pd.NaT) == "—"


@pytest.mark.parametrize("name, value", [("top_n", 0), ("top_n", True), ("lookup_wallet", "0OIl" * 10),
                                         ("lookup_user", "12ab"), ("lookup_user", "1" * 21)])
def test_participant_parameter_checks(name, value):
    good = {"top_n": 10, "lookup_wallet": WALLET, "lookup_user": "123456789012345678"}
    pr.check_parameters(**good)
    pr.check_parameters(top_n=1, lookup_wallet="", lookup_user="")
    with pytest.raises(ParameterError) as caught:
        pr.check_parameters(**{**good, name: value})
    assert caught.value.parameter == name


def test_default_lookups_largest_wallet_and_second_largest_user():
    wa, wb, wc, wd = ("A" * 44, "B" * 44, "C" * 44, "D" * 44)  # valid base58 addresses
    ua, ub, uc, ud = ("111111111111111111", "222222222222222222", "333333333333333333", "444444444444444444")
    participants = pd.DataFrame({"key": ["a", "b", "c", "d"], "amount": [5.0, 9.0, 5.0, 99.0],
                                 "amount_valid": [True, True, True, False],
                                 "wallet": [wa, wb, wc, wd], "user_id": [ua, ub, uc, ud]})
    # d is invalid; b (9) is largest, then a and c tie at 5: a first by key
    assert pr.default_lookups(participants) == [("wallet", wb), ("user", ua)]
    assert pr.default_lookups(participants, "", "42") == [("user", "42")]
    assert pr.default_lookups(participants.iloc[:0]) == []


def test_default_lookups_skip_malformed_wallets_and_user_ids():
    """A lookup of a malformed value would fail the report: the next participant's is shown."""
    participants = pd.DataFrame({"key": ["a", "b", "c"], "amount": [9.0, 5.0, 1.0],
                                 "amount_valid": [True, True, True],
                                 "wallet": ["HhCvJSpDjoZRongkiWzA5sUk", "B" * 44, "C" * 44],   # a: 24 chars
                                 "user_id": ["111111111111111111", "bob", "333333333333333333"]})
    # wallet: a's is too short -> b's; user: not b (its wallet is shown), a's is a Discord id
    assert pr.default_lookups(participants) == [("wallet", "B" * 44), ("user", "111111111111111111")]
    only_bad = participants.assign(wallet="0OIl", user_id="x")  # no valid wallet, no valid id
    assert pr.default_lookups(only_bad) == []


# -- leads ----------------------------------------------------------------------------------------

def test_query_days_cover_the_window_by_utc_day():
    # a Paris June: [May 31st 22:00 UTC, June 30th 22:00 UTC) -> UTC days May 31st .. June 30th
    lo, hi = pd.Timestamp("2025-05-31T22:00Z"), pd.Timestamp("2025-06-30T22:00Z")
    assert lr.query_days(lo, hi) == (date(2025, 5, 31), date(2025, 6, 30))
    # a UTC June ends at July 1st 00:00 exclusive: its last day is June 30th
    assert lr.query_days(pd.Timestamp("2025-06-01T00:00Z"), pd.Timestamp("2025-07-01T00:00Z"))[1] == date(2025, 6, 30)
    assert lr.query_days(None, None) == (None, None)


def test_affiliate_ids_from_every_frame_once():
    a = pd.DataFrame({"affiliate_id": ["x", None, ""]})
    b = pd.DataFrame({"affiliate_id": ["y", "x", 7]})
    assert lr.affiliate_ids(a, b) == ["x", "y"]
