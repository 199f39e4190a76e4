"""analytics.participants on hand-made items: every expected number is worked out in the comments."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports.analytics import participants as pa
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.codec import items_to_frame

AS_OF = pd.Timestamp("2025-06-30T18:00:00Z")


def ms(text: str) -> int:
    return int(pd.Timestamp(text).timestamp() * 1000)


def wallet(ch: str) -> str:
    return ch * 44  # 44 base58 characters


def item(user: str, wal: str, amount, created="2025-03-01T00:00:00Z", updated=None, **over) -> dict:
    out = {"PK": f"USER#{user}", "SK": f"WALLET#{wal}", "GSI_PK": f"WALLET#{wal}", "GSI_SK": f"USER#{user}",
           "Type": "participant", "userId": user, "walletAddress": wal, "investedAmount": amount}
    if created is not None:
        out["createdAt"] = ms(created) if isinstance(created, str) and created[0] == "2" else created
    out["updatedAt"] = ms(updated) if updated else out.get("createdAt")
    if out["updatedAt"] is None:
        del out["updatedAt"]
    out.update(over)
    return out


def stats_item(total, count, active, updated="2025-06-01T00:00:00Z") -> dict:
    return {"PK": "GLOBAL#STATS", "SK": "GLOBAL#STATS", "Type": "global_stats", "totalInvested": total,
            "participantCount": count, "activeParticipants": active, "updatedAt": ms(updated)}


def analyse(items: list[dict]):
    findings = Findings()
    pa.describe_rules(findings)
    raw = items_to_frame(items, timestamps=pa.TIMESTAMPS, numbers=())
    classified = pa.classify_items(raw, findings, table="t")
    participants = pa.participant_frame(classified.participants, findings, as_of=AS_OF, table="t")
    return classified, participants, findings


# -- concentration --------------------------------------------------------------------------------

def test_concentration_of_1_1_2_6():
    c = pa.concentration([1, 1, 2, 6])
    # total 10; the largest holds 6 -> 0.6. Fewer than 10 participants: top-10 share 1.0.
    assert c["top1_share"] == pytest.approx(0.6)
    assert c["top10_share"] == pytest.approx(1.0)
    # top 10 %: ceil(4 / 10) = 1 participant -> 0.6
    assert c["top10pct_count"] == 1
    assert c["top10pct_share"] == pytest.approx(0.6)
    # Gini = sum_i sum_j |x_i - x_j| / (2 n^2 mean). Unordered pairs: (1,1) 0, (1,2) 1 twice,
    # (1,6) 5 twice, (2,6) 4 -> 16; ordered 32. 2 * 4^2 * 2.5 = 80. 32 / 80 = 0.4
    assert c["gini"] == pytest.approx(0.4)
    # HHI = 0.1^2 + 0.1^2 + 0.2^2 + 0.6^2 = 0.01 + 0.01 + 0.04 + 0.36 = 0.42; 1/0.42 = 2.38 equal investors
    assert c["herfindahl"] == pytest.approx(0.42)
    assert c["effective_participants"] == pytest.approx(1 / 0.42)


def test_concentration_extremes_and_top_decile():
    # all equal: no difference at all -> Gini 0; HHI = 4 * 0.25^2 = 0.25 = 1/n
    assert pa.gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert pa.herfindahl([5, 5, 5, 5]) == pytest.approx(0.25)
    # one holds all of 10: pairs (0,10) three times -> ordered sum 60; 2 * 16 * 2.5 = 80 -> 0.75 = (n-1)/n
    assert pa.gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert pa.herfindahl([0, 0, 0, 10]) == pytest.approx(1.0)
    # 1..12: total 78; top 10 = 12 + 11 + ... + 3 = 75; top 10 % = ceil(1.2) = 2 -> 12 + 11 = 23
    c = pa.concentration(range(1, 13))
    assert c["top10_share"] == pytest.approx(75 / 78)
    assert c["top10pct_count"] == 2
    assert c["top10pct_share"] == pytest.approx(23 / 78)
    # nothing invested: every share undefined, no crash
    empty = pa.concentration([])
    assert math.isnan(empty["gini"]) and math.isnan(empty["top1_share"]) and empty["participants"] == 0
    with pytest.raises(ValueError):
        pa.gini([1, -1])


# -- headline, exclusions, reconciliation --------------------------------------------------------

def test_headline_excludes_malformed_amounts_and_reconciliation_shows_exact_drift():
    items = [
        stats_item(Decimal("4.0"), 6, 2),
        item("1", wallet("A"), Decimal("1.5")),
        item("2", wallet("B"), Decimal("0")),
        item("3", wallet("C"), Decimal("-2")),      # negative: excluded from the amounts
        item("4", wallet("D"), "abc"),              # not a number: excluded from the amounts
        item("5", wallet("E"), Decimal("3.25")),
    ]
    classified, participants, findings = analyse(items)
    head = pa.headline(participants)
    # valid amounts 1.5, 0, 3.25: total 4.75, median 1.5, mean 4.75 / 3; active: 1.5 and 3.25
    assert head["total_invested"] == pytest.approx(4.75)
    assert head["participant_count"] == 5          # every participant item counts
    assert head["active_participants"] == 2
    assert head["median_investment"] == pytest.approx(1.5)
    assert head["mean_investment"] == pytest.approx(4.75 / 3)
    assert head["amounts_excluded"] == 2

    rec = pa.reconcile_global_stats(classified.stats, participants).set_index("field")
    # stored - recomputed: 4.0 - 4.75 = -0.75; 6 - 5 = +1; 2 - 2 = 0
    assert rec.loc["totalInvested", "difference"] == pytest.approx(-0.75)
    assert rec.loc["participantCount", "difference"] == 1
    assert rec.loc["activeParticipants", "difference"] == 0
    drift = pa.stats_drift(rec.reset_index())
    assert drift["totalInvested"] == {"stored": 4.0, "recomputed": 4.75, "difference": -0.75}

    staleness = pa.global_stats_staleness(classified.stats, participants)
    pa.check_global_stats(classified.stats, rec.reset_index(), staleness, findings, table="t")
    counts = findings.counts()
    assert counts["global_stats_drift"] == 2       # totalInvested and participantCount
    assert counts["negative_investment"] == 1 and counts["non_numeric_investment"] == 1
    # stats written 2025-06-01; newest participant change 2025-03-01 -> not stale
    assert not staleness["stale"] and counts["global_stats_stale"] == 0


def test_totals_are_exact_decimal_sums():
    # 0.1 + 0.2 is 0.30000000000000004 in floats; stored 0.3 must not show a drift
    items = [stats_item(Decimal("0.3"), 2, 2), item("1", wallet("A"), Decimal("0.1")),
             item("2", wallet("B"), Decimal("0.2"))]
    classified, participants, findings = analyse(items)
    rec = pa.reconcile_global_stats(classified.stats, participants)
    assert rec["difference"].tolist() == [0.0, 0.0, 0.0]


def test_missing_global_stats_is_a_finding_and_stale_stats_are_found():
    _, participants, findings = analyse([item("1", wallet("A"), Decimal("2"))])
    assert findings.counts()["global_stats_missing"] == 1
    rec = pa.reconcile_global_stats(None, participants)
    assert rec["stored"].isna().all() and rec["difference"].isna().all()
    assert rec["recomputed"].tolist() == [2.0, 1.0, 1.0]

    # stats written 2025-06-01 00:00, a participant updated 2025-06-02 10:00 -> stale by 1 d 10 h
    items = [stats_item(Decimal("2"), 1, 1, updated="2025-06-01T00:00:00Z"),
             item("1", wallet("A"), Decimal("2"), created="2025-05-01T00:00:00Z", updated="2025-06-02T10:00:00Z")]
    classified, participants, findings = analyse(items)
    staleness = pa.global_stats_staleness(classified.stats, participants)
    assert staleness["stale_by"] == pd.Timedelta(days=1, hours=10)
    pa.check_global_stats(classified.stats, pa.reconcile_global_stats(classified.stats, participants), staleness,
                          findings, table="t")
    assert findings.counts()["global_stats_stale"] == 1
    assert findings.counts()["global_stats_drift"] == 0


# -- data-quality rules on hand-made items --------------------------------------------------------

def test_each_rule_fires_on_its_item_and_only_there():
    shared = wallet("S")
    items = [
        stats_item(Decimal("0"), 0, 0, updated="2025-06-30T00:00:00Z"),
        item("1", wallet("A"), Decimal("1")),                                  # clean
        item("2", "DraQddJqHJ0OIlawKqm5v4tjw6fPAV72xTdrqMEe", Decimal("1")),   # 0 O I l: not base58
        item("3", "7DLWRtqGPiQymbfM3gqdeqKY", Decimal("1")),                   # 24 characters
        item("4", shared, Decimal("1")), item("5", shared, Decimal("1")),      # one wallet, two users
        item("6", wallet("F"), Decimal("1")), item("6", wallet("G"), Decimal("1")),  # one user, two wallets
        item("7", wallet("H"), Decimal("1"), created=None),                    # no createdAt
        item("8", wallet("J"), Decimal("1"), created="yesterday"),             # unreadable
        item("9", wallet("K"), Decimal("1"), created="2015-06-01T12:00:00Z"),  # before 2020
        item("10", wallet("L"), Decimal("1"), created="2091-03-14T09:26:53Z"),  # after as_of (both stamps)
        item("11", wallet("M"), Decimal("1"), GSI_PK=f"WALLET#{wallet('N')}"),  # index key of another wallet
        item("12", wallet("P"), Decimal("1"), Type="participant_legacy"),       # unknown Type
        {"PK": "SOMETHING", "SK": "ELSE"},                                      # no Type at all
    ]
    _, participants, findings = analyse(items)
    counts = findings.counts()
    assert counts == {
        "unknown_type": 2, "wallet_not_base58": 1, "wallet_wrong_length": 1, "wallet_shared_by_users": 1,
        "user_with_several_wallets": 1, "negative_investment": 0, "implausible_investment": 0,
        "non_numeric_investment": 0,
        "missing_timestamp": 1, "unreadable_timestamp": 1, "impossible_timestamp": 2, "index_key_mismatch": 1,
        "global_stats_missing": 0, "global_stats_drift": 0, "global_stats_stale": 0,
    }
    keys = findings.to_frame().set_index("rule")["key"]
    assert keys["index_key_mismatch"] == f"USER#11 / WALLET#{wallet('M')}"
    assert keys["wallet_shared_by_users"] == f"WALLET#{shared}"
    assert keys["user_with_several_wallets"] == "USER#6"
    assert len(participants) == 12                     # the two unknown-type items are not participants
    assert not participants.set_index("user_id").loc["7", "created_ok"]


# -- distribution, growth --------------------------------------------------------------------------

def test_top_investors_keep_full_wallets_and_share():
    items = [item("1", "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJos9fQa", Decimal("6")),
             item("2", wallet("B"), Decimal("2")), item("3", wallet("C"), Decimal("1")),
             item("4", wallet("D"), Decimal("1"))]
    _, participants, _ = analyse(items)
    top = pa.top_investors(participants, 2)
    # full addresses: the report table shortens them and keeps the whole one in a tooltip
    assert top["wallet"].tolist() == ["7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJos9fQa", wallet("B")]
    assert top["Discord user"].tolist() == ["1", "2"]
    assert top["share of total"].tolist() == pytest.approx([0.6, 0.2])   # 6 / 10, 2 / 10
    assert pa.shorten_wallet("short") == "short"


def test_weekly_growth_counts_by_created_at_with_cumulative_totals():
    items = [item("0", wallet("A"), Decimal("10"), created="2025-05-01T00:00:00Z"),   # before the window
             item("1", wallet("B"), Decimal("1"), created="2025-06-02T08:00:00Z"),
             item("2", wallet("C"), Decimal("2"), created="2025-06-04T08:00:00Z"),
             item("3", wallet("D"), Decimal("4"), created="2025-06-10T08:00:00Z",
                  updated="2025-06-12T08:00:00Z"),
             item("4", wallet("E"), Decimal("8"), created="2025-06-20T08:00:00Z")]   # after the window
    _, participants, _ = analyse(items)
    lo, hi = pd.Timestamp("2025-06-01T00:00:00Z"), pd.Timestamp("2025-06-15T00:00:00Z")
    growth = pa.weekly_growth(participants, start=lo, end=hi, as_of=AS_OF)
    # 2025-06-01 is a Sunday: its week starts Monday 2025-05-26 (window part: 06-01 only, nobody new);
    # week 06-02: participants 1 and 2 (1 + 2 = 3 SOL), cumulative 3 / 13 SOL; week 06-09: participant 3.
    assert [str(w) for w in growth["week"]] == ["2025-05-26", "2025-06-02", "2025-06-09"]
    assert growth["new participants"].tolist() == [0, 2, 1]
    assert growth["new SOL"].tolist() == [0.0, 3.0, 4.0]
    assert growth["cumulative participants"].tolist() == [1, 3, 4]
    assert growth["cumulative SOL"].tolist() == [10.0, 13.0, 17.0]
    moved = pa.updated_in_window(participants, start=lo, end=hi)
    assert moved["Discord user"].tolist() == ["3"]      # the only update after joining, inside the window


def test_weeks_start_on_local_mondays_across_a_dst_change():
    # Europe/Paris moves to summer time on Sunday 2025-03-30. Window 2025-03-24 .. 2025-04-07 (local):
    # weeks Monday 03-24 and Monday 03-31, each starting at local midnight (23:00Z, then 22:00Z).
    items = [item("1", wallet("A"), Decimal("1"), created="2025-03-30T22:30:00Z"),   # Mon 03-31 00:30 Paris
             item("2", wallet("B"), Decimal("2"), created="2025-03-30T21:30:00Z")]   # Sun 03-30 23:30 Paris
    _, participants, _ = analyse(items)
    lo, hi = pd.Timestamp("2025-03-23T23:00:00Z"), pd.Timestamp("2025-04-06T22:00:00Z")
    growth = pa.weekly_growth(participants, start=lo, end=hi, as_of=AS_OF, timezone="Europe/Paris")
    assert [str(w) for w in growth["week"]] == ["2025-03-24", "2025-03-31"]
    assert growth["new participants"].tolist() == [1, 1]


def test_absurd_investment_is_a_finding_and_left_out_of_the_sums():
    # Issue 11: investedAmount 1E+120 poisoned total_invested unflagged. Worked by hand: amounts
    # 2 and 3 are valid (total 5, median 2.5); 1E+120 is beyond the 10^9 SOL bound -> one
    # implausible_investment finding, left out of the sums; 10^9 itself is at the bound, kept.
    items = [item("1", wallet("A"), Decimal("2")), item("2", wallet("B"), Decimal("3")),
             item("3", wallet("C"), Decimal("1E+120"))]
    _, participants, findings = analyse(items)
    assert findings.counts()["implausible_investment"] == 1
    keys = findings.to_frame().set_index("rule")["key"]
    assert keys["implausible_investment"] == f"USER#3 / WALLET#{wallet('C')}"
    head = pa.headline(participants)
    assert head["total_invested"] == pytest.approx(5.0)
    assert head["median_investment"] == pytest.approx(2.5)
    assert pa.MAX_PLAUSIBLE_INVESTMENT_SOL == Decimal(10) ** 9
    _, _, at_bound = analyse([item("4", wallet("D"), Decimal(10) ** 9)])
    assert at_bound.counts()["implausible_investment"] == 0
