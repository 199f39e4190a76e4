"""The `distributions` report end to end: `dynamo-reports run distributions` on the session's demo server
— every planted 004 anomaly found, headline numbers recomputed here from the dataset — and on this
module's own tables: empty, then a hand-made guild whose fairness is worked by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.codec import item_to_wire
from dynamo_reports.demo.dataset import ANOMALIES, anomaly, build_demo_dataset
from shared import read_summary, run_on_server, runs_on_demo

JUNE = ["--start", "2025-06-01", "--end", "2025-06-30"]

#: planted anomaly (demo dataset) -> data-quality rule of the report
RULE_OF = {
    "legacy_inventory_id": "unsanitized_link_id",
    "distribution_missing_link": "distribution_missing_link",
    "distribution_missing_member": "distribution_missing_member",
    "available_but_distributed": "available_but_distributed",
}








@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_endpoint):
    """name -> run directory: the demo data over all time and over June."""
    plan = {"all": ["--period", "all"], "june": JUNE}
    return runs_on_demo("distributions", plan, tmp_path_factory.mktemp, demo_endpoint)




def _text(run_dir: Path) -> str:
    """What a reader can see: the text, and the full values of shortened ids (their tooltips)."""
    soup = BeautifulSoup((run_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    return soup.get_text() + " " + " ".join(str(tag["title"]) for tag in soup.find_all(title=True))


def _gini_by_pairs(values: list[int]) -> float:
    """Σ_i Σ_j |x_i − x_j| / (2 n² mean): the definition, not the report's sorted-rank formula."""
    n, total = len(values), sum(values)
    return sum(abs(a - b) for a in values for b in values) / (2 * n * n * (total / n))


def test_planted_anomalies_are_found(demo):
    run_dir = demo["all"]
    quality = read_summary(run_dir)["data_quality"]
    text = _text(run_dir)
    planted = {a.name for a in ANOMALIES if a.system == "004"}
    assert planted == set(RULE_OF) | {"member_never_served"}
    for name, rule in RULE_OF.items():
        assert quality[rule] == 1, (name, quality)
        assert next(iter(anomaly(name).key.values())) in text, name
    assert quality["unreadable_timestamp"] == 0
    assert "gold_Melee_Damage_123456" in text                       # the sanitized form is suggested


def test_members_never_served(demo):
    summary = read_summary(demo["all"])
    planted = anomaly("member_never_served")
    never = [planted.key["discord_id"], *(k["discord_id"] for k in planted.other_keys)]
    assert summary["members_never_served"] == len(never)
    text = _text(demo["all"])
    assert all(member in text for member in never)
    # the window does not change "never": it is over the whole history
    assert read_summary(demo["june"])["members_never_served"] == len(never)


def test_headline_numbers_recomputed_from_the_dataset(demo):
    data = build_demo_dataset()
    inventory, distributions, members = data["inventory"], data["distributions"], data["members"]
    for name, in_window in (("all", lambda d: True), ("june", lambda d: d["distributed_at"][:7] == "2025-06")):
        summary = read_summary(demo[name])
        window = [d for d in distributions if in_window(d)]
        assert summary["links_available"] == sum(1 for i in inventory if i["availability"] == "available")
        assert summary["links_distributed"] == sum(1 for i in inventory if i["availability"] == "distributed")
        assert summary["distributions"] == len(window), name
        assert summary["members_served"] == len({d["member_id"] for d in window}), name
        received = {m["discord_id"]: 0 for m in members if m["active"]}
        for d in window:
            received[d["member_id"]] = received.get(d["member_id"], 0) + 1
        assert summary["gini"] == pytest.approx(_gini_by_pairs(list(received.values()))), name
        assert summary["read_units"] > 0
        for key in ("links_available", "links_distributed", "distributions", "members_served",
                    "members_never_served", "gini", "data_quality", "read_units"):
            assert key in summary


def test_reads_go_through_the_indexes(demo):
    text = _text(demo["june"])
    assert "availability-quality-index" in text and "date-index" in text and "active-quality-index" in text
    html = (demo["june"] / "report.html").read_text(encoding="utf-8")
    # Scans, asked for by name: the members table (no index) and the whole distribution history
    # (cheaper than one date-index Query per day of history); inventory and lists go through GSIs.
    assert html.count("<td>Scan</td>") == 2


# -- this module's tables: empty, then a guild worked by hand ----------------------------------------




@pytest.mark.kernel
def test_empty_tables_then_a_small_guild(dynamo, tmp_path):
    summary = run_on_server("distributions", tmp_path / "empty", dynamo)
    assert {k: summary[k] for k in ("links_available", "links_distributed", "distributions", "members_served",
                                    "members_never_served", "gini")} == {
        "links_available": 0, "links_distributed": 0, "distributions": 0, "members_served": 0,
        "members_never_served": 0, "gini": None}
    assert sum(summary["data_quality"].values()) == 0 and "unsanitized_link_id" in summary["data_quality"]

    conn = dynamo.connect()

    def put(logical, item):
        conn.call("PutItem", TableName=conn.table_name(logical), Item=item_to_wire(item))

    for mid in "ABCD":
        put("members", {"discord_id": mid, "username": f"user{mid}", "joined_at": "2025-06-01T00:00:00Z",
                        "active": True})
    links = [f"gold_Max_HP_{n}" for n in range(1, 5)]
    for link in links:
        put("inventory", {"link_id": link, "quality": "gold", "link_type": "Max HP", "availability": "distributed",
                          "added_at": "2025-06-02T00:00:00Z"})
    put("inventory", {"link_id": "gold_Max HP_5", "quality": "gold", "link_type": "Max HP",   # legacy id
                      "availability": "available", "added_at": "2025-06-02T00:00:00Z"})
    # C receives 1 link, D 3; A and B none
    for n, (member, link) in enumerate(zip("CDDD", links, strict=False)):
        at = f"2025-06-{7 + n:02d}T20:00:00Z"
        put("distributions", {"distribution_id": f"d{n}", "member_id": member, "link_id": link, "quality": "gold",
                              "link_type": "Max HP", "distributed_at": at, "distribution_date": at[:10],
                              "list_id": "L1"})
    put("lists", {"list_id": "L1", "name": "Gold", "quality": "gold", "active": "true",
                  "member_ids": {"A", "B", "C", "D"}, "created_at": "2025-06-01T00:00:00Z"})

    summary = run_on_server("distributions", tmp_path / "guild", dynamo)
    # population [0, 0, 1, 3]: G = 20 / (2 * 16 * 1) = 0.625 (worked in test_analytics_distributions)
    assert summary["gini"] == pytest.approx(0.625)
    assert summary["distributions"] == 4 and summary["members_served"] == 2
    assert summary["members_never_served"] == 2            # A and B
    assert summary["links_available"] == 1 and summary["links_distributed"] == 4
    assert summary["top_share"] == pytest.approx(1.0)      # the top 10 hold everything
    assert summary["active_lists"] == 1
    assert summary["data_quality"]["unsanitized_link_id"] == 1
    assert sum(summary["data_quality"].values()) == 1
