"""The `participants` report, end to end: the session's demo run's summary.json checked against
numbers computed here from the demo dataset, every planted 000 anomaly found, and
the edge tables (empty; participants without GLOBAL#STATS)."""

from __future__ import annotations

import statistics
from decimal import Decimal
from pathlib import Path

import pytest

import shared
from dynamo_reports.codec import item_to_wire
from dynamo_reports.demo.dataset import ANOMALIES, build_demo_dataset

#: Planted 000 anomaly -> the data-quality rule of the report that must count it.
ANOMALY_RULES = {
    "global_stats_drift": "global_stats_drift",
    "wallet_not_base58": "wallet_not_base58",
    "wallet_wrong_length": "wallet_wrong_length",
    "wallet_shared_by_users": "wallet_shared_by_users",
    "user_with_two_wallets": "user_with_several_wallets",
    "negative_investment": "negative_investment",
    "non_numeric_investment": "non_numeric_investment",
    "missing_created_at": "missing_timestamp",
    "timestamp_in_future": "impossible_timestamp",
    "timestamp_before_2020": "impossible_timestamp",
    "gsi_pk_mismatch": "index_key_mismatch",
    "unknown_type": "unknown_type",
}

def run_report(output_dir: Path, *args: str) -> dict:
    run_dir = shared.run_report("participants", output_dir, *args)
    assert (run_dir / "report.html").is_file()
    return shared.read_summary(run_dir)


def expected_from(items: list[dict]) -> dict:
    """The headline numbers, computed here without the report's code."""
    participants = [i for i in items if i.get("Type") == "participant"]
    valid = [i["investedAmount"] for i in participants
             if isinstance(i.get("investedAmount"), Decimal) and i["investedAmount"] >= 0]
    total = sum(valid, Decimal(0))
    values = [float(v) for v in valid]
    n = len(values)
    mean = sum(values) / n
    # Gini by its definition: sum over all ordered pairs of |x_i - x_j|, over 2 n^2 mean
    gini = sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)
    return {
        "total_invested": total,
        "participant_count": len(participants),
        "active_participants": sum(1 for v in valid if v > 0),
        "median_investment": float(statistics.median(valid)),
        "top10_share": float(sum(sorted(valid, reverse=True)[:10]) / total),
        "gini": gini,
    }


def test_demo_run_matches_independent_numbers_and_finds_every_planted_anomaly(demo_reports):
    summary = shared.read_summary(shared.latest_run_dir(demo_reports, "participants"))
    items = build_demo_dataset()["solanashares"]
    want = expected_from(items)

    assert summary["total_invested"] == pytest.approx(float(want["total_invested"]), abs=1e-9)
    assert summary["participant_count"] == want["participant_count"]
    assert summary["active_participants"] == want["active_participants"]
    assert summary["median_investment"] == pytest.approx(want["median_investment"])
    assert summary["top10_share"] == pytest.approx(want["top10_share"])
    assert summary["gini"] == pytest.approx(want["gini"])

    stats = next(i for i in items if i["PK"] == "GLOBAL#STATS")
    recomputed = {"totalInvested": want["total_invested"], "participantCount": want["participant_count"],
                  "activeParticipants": want["active_participants"]}
    for field, value in recomputed.items():
        drift = summary["stats_drift"][field]
        assert drift["stored"] == pytest.approx(float(stats[field]))
        assert drift["recomputed"] == pytest.approx(float(value))
        assert drift["difference"] == pytest.approx(float(Decimal(stats[field]) - Decimal(value)), abs=1e-9)
        assert drift["difference"] != 0          # the planted drift shows in every field

    counts = summary["data_quality"]
    planted = [a for a in ANOMALIES if a.system == "000"]
    assert {a.name for a in planted} == set(ANOMALY_RULES)
    for anomaly in planted:
        assert counts[ANOMALY_RULES[anomaly.name]] >= 1, anomaly.name
    # per-item rules: exactly the planted items, nothing from the clean participants
    for rule in {ANOMALY_RULES[a.name] for a in planted} - {"global_stats_drift"}:
        assert counts[rule] == sum(1 for a in planted if ANOMALY_RULES[a.name] == rule), rule
    assert counts["global_stats_drift"] == 3     # totalInvested, participantCount, activeParticipants
    assert counts["global_stats_missing"] == 0 and counts["unreadable_timestamp"] == 0
    assert summary["read_units"] > 0


@pytest.mark.kernel
def test_empty_table_then_participants_without_global_stats(dynamo, tmp_path):
    args = ("--source", "aws", "--endpoint-url", dynamo.endpoint_url, "--region", dynamo.region, "--period", "all")

    # 1. empty table: the report runs, nothing to count, the missing GLOBAL#STATS reported
    summary = run_report(tmp_path / "empty", *args)
    assert summary["participant_count"] == 0 and summary["total_invested"] == 0
    assert summary["median_investment"] is None and summary["gini"] is None
    assert summary["data_quality"]["global_stats_missing"] == 1
    assert sum(summary["data_quality"].values()) == 1
    assert summary["stats_drift"]["totalInvested"] == {"stored": None, "recomputed": 0.0, "difference": None}

    # 2. three participants, no GLOBAL#STATS
    conn = dynamo.connect()
    table = conn.table_name("solanashares")
    for user, wal, amount in (("111", "A" * 44, Decimal("1")), ("222", "B" * 44, Decimal("1")),
                              ("333", "C" * 44, Decimal("6"))):
        conn.call("PutItem", TableName=table, Item=item_to_wire({
            "PK": f"USER#{user}", "SK": f"WALLET#{wal}", "GSI_PK": f"WALLET#{wal}", "GSI_SK": f"USER#{user}",
            "Type": "participant", "userId": user, "walletAddress": wal, "investedAmount": amount,
            "createdAt": 1748779200000, "updatedAt": 1748779200000}))     # 2025-06-01T12:00:00Z
    summary = run_report(tmp_path / "nostats", *args)
    # 1 + 1 + 6 = 8 SOL; median 1; top 10 = everyone -> 1.0;
    # Gini: ordered pairs |1-6| four times = 20, / (2 * 9 * 8/3 = 48) = 0.41666...
    assert summary["participant_count"] == 3 and summary["active_participants"] == 3
    assert summary["total_invested"] == pytest.approx(8.0)
    assert summary["median_investment"] == pytest.approx(1.0)
    assert summary["top10_share"] == pytest.approx(1.0)
    assert summary["gini"] == pytest.approx(20 / 48)
    assert summary["data_quality"]["global_stats_missing"] == 1
    assert sum(summary["data_quality"].values()) == 1
    assert summary["stats_drift"]["participantCount"] == {"stored": None, "recomputed": 3.0, "difference": None}
