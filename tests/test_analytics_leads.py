"""Affiliate-lead analytics (issue 5) on small hand-made frames; every expectation worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports.analytics import leads as L
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.systems.commercive import affiliate_links_frame, affiliate_stats_frame, leads_frame


def lead(lead_id, affiliate_id="A", status="pending", created_at="2025-06-02T10:00:00Z", reviewed_at=None,
         commission=None, link_id=None, email=None, **extra):
    item = {"lead_id": lead_id, "affiliate_id": affiliate_id, "link_id": link_id or f"LINK{affiliate_id}",
            "name": f"name {lead_id}", "email": email or f"{lead_id}@example.com", "company": "Co",
            "status": status, "created_at": created_at, **extra}
    if reviewed_at is not None:
        item["reviewed_at"] = reviewed_at
    if commission is not None:
        item["commission"] = Decimal(str(commission))
    return item


def leads(*items):
    return leads_frame(items)


LINKS = affiliate_links_frame([
    {"affiliate_id": a, "link_id": f"LINK{a}", "affiliate_url": f"https://x.test/?ref=LINK{a}",
     "email": f"owner.{a.lower()}@example.org", "created_at": "2024-12-01T00:00:00Z"}
    for a in ("A", "B", "C")
])


def ts(text):
    return pd.Timestamp(text)


# -- privacy ----------------------------------------------------------------------------------

def test_mask_email():
    assert L.mask_email("john@example.com") == "j***@example.com"
    assert L.mask_email(" Ann.Lee@Example.org ") == "A***@Example.org"
    assert L.mask_email("@example.com") == "***@example.com"
    assert L.mask_email("no-at-sign") == "n***"
    assert L.mask_email(None) == "" and L.mask_email(float("nan")) == "" and L.mask_email("") == ""


def test_mask_emails_copies_and_show_pii_keeps():
    frame = pd.DataFrame({"email": ["john@example.com", None], "name": ["John", "X"]})
    masked = L.mask_emails(frame)
    assert masked["email"].tolist() == ["j***@example.com", ""]
    assert frame["email"].iloc[0] == "john@example.com"                   # input not mutated
    shown = L.mask_emails(frame, show_pii=True)["email"]
    assert shown.iloc[0] == "john@example.com" and pd.isna(shown.iloc[1])


# -- headline ---------------------------------------------------------------------------------

def _headline_frames():
    window = leads(
        lead("L1", "A", "approved", reviewed_at="2025-06-03T10:00:00Z", commission=100),
        lead("L2", "A", "approved", reviewed_at="2025-06-03T10:00:00Z", commission=50),
        lead("L3", "A", "rejected", reviewed_at="2025-06-03T10:00:00Z"),
        lead("L4", "A", "pending"),
        lead("L5", "B", "pending"),
        lead("L6", "B", "spam"),
        lead("L7", "B", "rejected", reviewed_at="2025-06-03T10:00:00Z"),
    )
    history = L.combine_leads(window, leads(
        lead("H1", "C", "approved", created_at="2025-01-05T10:00:00Z", reviewed_at="2025-01-06T10:00:00Z",
             commission=300)))
    return window, history


def test_headline_counts_rate_and_commission():
    window, history = _headline_frames()
    head = L.headline(window, history)
    # 7 leads: pending L4 L5, approved L1 L2, rejected L3 L7, spam L6 (unknown status, kept under its name)
    assert head["lead_count"] == 7
    assert head["by_status"] == {"pending": 2, "approved": 2, "rejected": 2, "spam": 1}
    assert list(head["by_status"])[:3] == ["pending", "approved", "rejected"]
    # approval rate = approved / (approved + rejected) = 2 / 4; spam and pending are not reviewed
    assert head["reviewed"] == 4 and head["approval_rate"] == pytest.approx(0.5)
    # commission approved = 100 + 50
    assert head["commission_approved"] == pytest.approx(150.0)
    # pending exposure: L4 (affiliate A, average of its approved 100 and 50 = 75)
    #                 + L5 (affiliate B has no approved lead: overall average (100 + 50 + 300) / 3 = 150) = 225
    assert head["commission_pending"] == pytest.approx(225.0)


def test_pending_exposure_bases():
    window, history = _headline_frames()
    pending = window[window["status"] == "pending"]
    exposure = L.pending_exposure(pending, history).set_index("lead_id")
    assert exposure.loc["L4", "estimate"] == pytest.approx(75.0) and exposure.loc["L4", "basis"] == "affiliate average"
    assert exposure.loc["L5", "estimate"] == pytest.approx(150.0) and exposure.loc["L5", "basis"] == "overall average"
    # no approved commission anywhere: 0, said so
    alone = L.pending_exposure(pending, pending)
    assert alone["estimate"].tolist() == [0.0, 0.0] and set(alone["basis"]) == {"no history"}


def test_approval_rate_without_reviews_is_none():
    assert L.approval_rate(0, 0) is None
    assert L.approval_rate(3, 1) == pytest.approx(0.75)
    head = L.headline(leads(lead("P1"), lead("P2")))
    assert head["approval_rate"] is None and head["commission_approved"] == 0.0
    empty = L.headline(leads())
    assert empty["lead_count"] == 0 and empty["by_status"] == {"pending": 0, "approved": 0, "rejected": 0}
    assert empty["commission_pending"] == 0.0


def test_commission_on_non_approved_lead_is_not_added():
    frame = leads(lead("R1", status="rejected", reviewed_at="2025-06-03T10:00:00Z", commission=75),
                  lead("A1", status="approved", reviewed_at="2025-06-03T10:00:00Z", commission=25))
    assert L.headline(frame)["commission_approved"] == pytest.approx(25.0)


# -- review times -------------------------------------------------------------------------------

def test_review_times_median_and_p90():
    created = "2025-06-02T00:00:00Z"
    frame = leads(
        lead("T1", status="approved", created_at=created, reviewed_at="2025-06-02T01:00:00Z", commission=10),  # 1 h
        lead("T2", status="rejected", created_at=created, reviewed_at="2025-06-02T02:00:00Z"),                  # 2 h
        lead("T3", status="rejected", created_at=created, reviewed_at="2025-06-02T03:00:00Z"),                  # 3 h
        lead("T4", status="approved", created_at=created, reviewed_at="2025-06-02T04:00:00Z", commission=10),  # 4 h
        lead("T5", status="rejected", created_at=created, reviewed_at="2025-06-02T10:00:00Z"),                 # 10 h
        lead("X1", status="approved", created_at=created, reviewed_at="2025-06-01T21:00:00Z", commission=10),  # before
        lead("X2", status="pending", created_at=created, reviewed_at="2025-06-02T05:00:00Z"),  # not reviewed
        lead("X3", status="approved", created_at=created, commission=10),                         # no reviewed_at
    )
    times = L.review_times(frame)
    assert sorted(times["lead_id"]) == ["T1", "T2", "T3", "T4", "T5"]
    assert sorted(times["hours"]) == pytest.approx([1, 2, 3, 4, 10])
    stats = L.review_time_stats(times["hours"])
    # median of 1 2 3 4 10 = 3; p90 at position 0.9 x (5 - 1) = 3.6 -> 4 + 0.6 x (10 - 4) = 7.6
    assert stats == {"count": 5, "median": pytest.approx(3.0), "p90": pytest.approx(7.6)}


def test_review_time_stats_even_count_and_empty():
    # 2 4 6 8: median (4 + 6) / 2 = 5; p90 at 0.9 x 3 = 2.7 -> 6 + 0.7 x 2 = 7.4
    assert L.review_time_stats([8, 2, 6, 4]) == {"count": 4, "median": pytest.approx(5.0), "p90": pytest.approx(7.4)}
    assert L.review_time_stats([]) == {"count": 0, "median": None, "p90": None}


def test_weekly_review_times_by_week_of_creation():
    frame = leads(
        lead("W1", status="rejected", created_at="2025-06-02T00:00:00Z", reviewed_at="2025-06-02T02:00:00Z"),  # 2 h
        lead("W2", status="rejected", created_at="2025-06-04T00:00:00Z", reviewed_at="2025-06-04T06:00:00Z"),  # 6 h
        lead("W3", status="rejected", created_at="2025-06-17T00:00:00Z", reviewed_at="2025-06-18T00:00:00Z"),  # 24 h
    )
    trend = L.weekly_review_times(L.review_times(frame), lo=ts("2025-06-02T00:00Z"), hi=ts("2025-06-23T00:00Z"))
    assert list(trend.index) == [ts("2025-06-02"), ts("2025-06-09"), ts("2025-06-16")]
    assert trend["reviewed"].tolist() == [2, 0, 1]
    # week of 06-02: 2 h and 6 h -> median 4, p90 at 0.9 x 1 = 0.9 -> 2 + 0.9 x 4 = 5.6
    assert trend.loc[ts("2025-06-02"), "median_hours"] == pytest.approx(4.0)
    assert trend.loc[ts("2025-06-02"), "p90_hours"] == pytest.approx(5.6)
    assert pd.isna(trend.loc[ts("2025-06-09"), "median_hours"])
    assert trend.loc[ts("2025-06-16"), "median_hours"] == pytest.approx(24.0)


# -- weeks and backlog -------------------------------------------------------------------------------

def test_weekly_by_status_fills_weeks_and_respects_timezone():
    frame = leads(
        lead("K1", status="approved", created_at="2025-06-02T08:00:00Z", reviewed_at="2025-06-02T09:00:00Z",
             commission=5),                                                 # Monday 06-02
        lead("K2", status="pending", created_at="2025-06-08T23:00:00Z"),    # Sunday 23:00 UTC = Monday 01:00 Paris
        lead("K3", status="spam", created_at="2025-06-18T12:00:00Z"),       # Wednesday, week of 06-16
    )
    # window 2025-06-01 (a Sunday: its week starts 05-26) .. 2025-06-21
    weekly = L.weekly_by_status(frame, lo=ts("2025-06-01T00:00Z"), hi=ts("2025-06-22T00:00Z"))
    assert list(weekly.index) == [ts("2025-05-26"), ts("2025-06-02"), ts("2025-06-09"), ts("2025-06-16")]
    assert list(weekly.columns) == ["pending", "approved", "rejected", "spam"]
    assert weekly.loc[ts("2025-06-02")].tolist() == [1, 1, 0, 0]
    assert weekly.loc[ts("2025-06-16")].tolist() == [0, 0, 0, 1]
    assert weekly.to_numpy().sum() == 3
    paris = L.weekly_by_status(frame, timezone="Europe/Paris")
    assert paris.loc[ts("2025-06-09"), "pending"] == 1 and paris.loc[ts("2025-06-02"), "pending"] == 0


def test_weekly_by_status_empty_window():
    weekly = L.weekly_by_status(leads(), lo=ts("2020-01-01T00:00Z"), hi=ts("2020-02-01T00:00Z"))
    # 2020-01-01 is a Wednesday (week of 2019-12-30); 2020-01-31 a Friday (week of 01-27): 5 weeks, all zero
    assert len(weekly) == 5 and weekly.to_numpy().sum() == 0
    assert list(weekly.columns) == ["pending", "approved", "rejected"]


def test_review_backlog_counts_pending_up_to_as_of():
    frame = leads(
        lead("P1", created_at="2025-06-01T00:00:00Z"),
        lead("P2", created_at="2025-06-10T12:00:00Z"),
        lead("P3", created_at="2025-07-01T00:00:00Z"),                     # after as_of: not yet in the queue
        lead("D1", status="approved", created_at="2025-05-01T00:00:00Z", reviewed_at="2025-05-02T00:00:00Z",
             commission=5),
    )
    backlog = L.review_backlog(frame, ts("2025-06-11T00:00:00Z"))
    # 2 pending; the oldest (P1) is 10 days = 240 h old at as_of
    assert backlog["pending"] == 2 and backlog["oldest_lead_id"] == "P1"
    assert backlog["oldest_age_hours"] == pytest.approx(240.0)
    assert L.review_backlog(leads(), ts("2025-06-11T00:00:00Z"))["pending"] == 0


# -- affiliates and links -----------------------------------------------------------------------------

def test_affiliate_leaderboard():
    frame = leads(
        lead("a1", "A", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=100),
        lead("a2", "A", "rejected", reviewed_at="2025-06-03T00:00:00Z"),
        lead("a3", "A", "rejected", reviewed_at="2025-06-03T00:00:00Z"),
        lead("b1", "B", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=250),
        lead("b2", "B", "pending"),
        lead("b3", "B", "rejected", reviewed_at="2025-06-03T00:00:00Z", commission=75),  # not counted: not approved
        lead("z1", "Z", "pending", link_id="NOPE"),                                        # no link record
    )
    board = L.affiliate_leaderboard(frame, LINKS)
    # A and B both have 3 leads: B first (commission 250 > 100), then A, then Z (1 lead)
    assert board["affiliate_id"].tolist() == ["B", "A", "Z"]
    b, a, z = (board.iloc[i] for i in range(3))
    assert (b["leads"], b["approved"], b["rejected"], b["pending"]) == (3, 1, 1, 1)
    assert b["approval_rate"] == pytest.approx(0.5) and b["commission"] == pytest.approx(250.0)
    assert a["approval_rate"] == pytest.approx(1 / 3) and a["commission"] == pytest.approx(100.0)
    assert b["link_id"] == "LINKB" and b["email"] == "owner.b@example.org"
    assert pd.isna(z["approval_rate"]) and pd.isna(z["link_id"])      # nothing reviewed: no rate
    assert L.affiliate_leaderboard(leads(), LINKS).empty


def test_leads_per_link_and_links_without_leads():
    frame = leads(
        lead("a1", "A", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=40),
        lead("a2", "A", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=60),
        lead("b1", "B", "rejected", reviewed_at="2025-06-03T00:00:00Z"),
    )
    per_link = L.leads_per_link(frame, LINKS)
    assert per_link["link_id"].tolist() == ["LINKA", "LINKB", "LINKC"]
    assert per_link["leads"].tolist() == [2, 1, 0]
    assert per_link["approved"].tolist() == [2, 0, 0]
    assert per_link["commission"].tolist() == pytest.approx([100.0, 0.0, 0.0])
    assert L.links_without_leads(per_link)["link_id"].tolist() == ["LINKC"]
    assert L.leads_per_link(leads(), LINKS)["leads"].tolist() == [0, 0, 0]


# -- reconciliation -----------------------------------------------------------------------------------

def _stats(*rows):
    return affiliate_stats_frame([
        {"affiliate_id": a, "total_leads": t, "pending": p, "approved": ap, "rejected": r,
         "total_commission": Decimal(str(c)), "updated_at": "2025-06-01T00:00:00Z"}
        for a, t, p, ap, r, c in rows])


def _reconciliation_leads():
    return leads(
        lead("a1", "A", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=100),
        lead("a2", "A", "pending"),
        lead("a3", "A", "spam"),                      # counted in total_leads only
        lead("b1", "B", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=40),
        lead("b2", "B", "rejected", reviewed_at="2025-06-03T00:00:00Z", commission=75),   # not in total_commission
        lead("d1", "D", "rejected", reviewed_at="2025-06-03T00:00:00Z"),
    )


def test_recompute_stats():
    recomputed = L.recompute_stats(_reconciliation_leads()).set_index("affiliate_id")
    # A: 3 leads (pending 1, approved 1, spam 1), commission 100
    assert recomputed.loc["A"].tolist() == [3, 1, 1, 0, 100.0]
    # B: 2 leads (approved 1, rejected 1), commission 40 (the 75 on the rejected lead is not counted)
    assert recomputed.loc["B"].tolist() == [2, 0, 1, 1, 40.0]
    assert recomputed.loc["D"].tolist() == [1, 0, 0, 1, 0.0]


def test_reconcile_stats_finds_stale_rows_and_missing_rows():
    stats = _stats(
        ("A", 3, 1, 1, 0, "100.004"),  # right (commission within half a cent)
        ("B", 1, 0, 1, 0, "0"),        # stale: total_leads 1 vs 2, rejected 0 vs 1, commission 0 vs 40
        ("C", 0, 0, 0, 0, "0"),        # no lead, all zeros: right
    )
    rec = L.reconcile_stats(stats, _reconciliation_leads()).set_index("affiliate_id")
    assert rec["state"].to_dict() == {"B": "drift", "D": "no stats row", "A": "ok", "C": "ok"}
    assert list(rec.index) == ["B", "D", "A", "C"]     # drift first, then missing rows, then ok
    assert rec.loc["B", "drift_total_leads"] == -1 and rec.loc["B", "drift_rejected"] == -1
    assert rec.loc["B", "drift_approved"] == 0
    assert rec.loc["B", "drift_total_commission"] == pytest.approx(-40.0)
    assert rec.loc["D", "recomputed_total_leads"] == 1 and pd.isna(rec.loc["D", "stored_total_leads"])

    drift = L.stats_drift_records(L.reconcile_stats(stats, _reconciliation_leads()))
    assert drift == [{"affiliate_id": "B", "updated_at": "2025-06-01T00:00:00+00:00", "fields": {
        "total_leads": {"stored": 1, "recomputed": 2, "drift": -1},
        "rejected": {"stored": 0, "recomputed": 1, "drift": -1},
        "total_commission": {"stored": 0.0, "recomputed": 40.0, "drift": -40.0}}}]
    assert L.affiliates_without_stats(L.reconcile_stats(stats, _reconciliation_leads())) == ["D"]
    long = L.drift_table(L.reconcile_stats(stats, _reconciliation_leads()))
    assert long["field"].tolist() == ["total_leads", "rejected", "total_commission"]


def test_reconcile_stats_row_without_leads_but_counts_drifts():
    rec = L.reconcile_stats(_stats(("C", 2, 2, 0, 0, "0")), leads())
    assert rec["state"].tolist() == ["drift"] and rec["drift_pending"].tolist() == [2]


def test_check_stats_findings():
    findings = Findings()
    L.check_stats(L.reconcile_stats(_stats(("B", 1, 0, 1, 0, "0")), _reconciliation_leads()), findings)
    counts = findings.counts()
    # B drifts; A and D have leads but no row
    assert counts == {"stale_affiliate_stats": 1, "affiliate_without_stats": 2}


# -- data quality ---------------------------------------------------------------------------------

def test_check_leads_rules():
    frame = leads(
        lead("ok1", "A", "approved", reviewed_at="2025-06-03T00:00:00Z", commission=50),
        lead("ghost", "G", "pending", link_id="LINKG"),                                # affiliate without link
        lead("badlink", "A", "pending", link_id="ZZZ"),                                # unknown link_id
        lead("other", "A", "pending", link_id="LINKB"),                                # B's link on an A lead
        lead("spam", "B", "spam"),                                                      # unknown status
        lead("nocom", "B", "approved", reviewed_at="2025-06-03T00:00:00Z"),            # approved, no commission
        lead("comrej", "B", "rejected", reviewed_at="2025-06-03T00:00:00Z", commission=75),
        lead("early", "C", "rejected", created_at="2025-06-02T10:00:00Z", reviewed_at="2025-06-02T07:00:00Z"),
        lead("norev", "C", "rejected"),                                                # no reviewed_at
        lead("badts", "C", "pending", created_at="not a date"),
    )
    findings = Findings()
    L.check_leads(frame, LINKS, findings)
    counts = findings.counts()
    assert counts["lead_affiliate_without_link"] == 1
    assert counts["lead_unknown_link"] == 1
    assert counts["lead_link_of_other_affiliate"] == 1
    assert counts["lead_unknown_status"] == 1
    assert counts["approved_without_commission"] == 1
    assert counts["commission_on_non_approved"] == 1
    assert counts["reviewed_before_created"] == 1
    assert counts["reviewed_without_reviewed_at"] == 1
    assert counts["unreadable_timestamp"] == 1
    assert counts["likely_duplicate_lead"] == 0 and counts["invalid_commission"] == 0
    keys = {(r["rule"], r["key"]) for r in findings.rows}
    assert ("lead_unknown_link", "lead_id=badlink") in keys and ("reviewed_before_created", "lead_id=early") in keys
    detail = next(r["detail"] for r in findings.rows if r["rule"] == "reviewed_before_created")
    assert "3 h before" in detail
    # no e-mail address in any finding
    assert not any("@" in r["detail"] for r in findings.rows)


def test_check_leads_invalid_commission():
    frame = leads_frame([lead("n1", "A", "approved", reviewed_at="2025-06-03T00:00:00Z") | {"commission": "lots"}])
    findings = Findings()
    L.check_leads(frame, LINKS, findings)
    assert findings.counts()["invalid_commission"] == 1
    assert findings.counts()["approved_without_commission"] == 0   # one finding per defect


@pytest.mark.parametrize("days, expected", [(7, 1), (2, 0), (2.1, 1), (0, 0)])
def test_likely_duplicates_within_duplicate_days(days, expected):
    frame = leads(
        lead("d1", "A", created_at="2025-06-01T00:00:00Z", email="Jane@Example.com"),
        lead("d2", "A", created_at="2025-06-03T00:00:00Z", email=" jane@example.com"),   # 2 days later, same address
        lead("d3", "B", created_at="2025-06-03T00:00:00Z", email="jane@example.com"),    # other affiliate: not a dup
        lead("d4", "A", created_at="2025-06-12T00:00:00Z", email="jane@example.com"),    # 9 days after d2
    )
    findings = Findings()
    L.check_leads(frame, LINKS, findings, duplicate_days=days)
    dups = [r for r in findings.rows if r["rule"] == "likely_duplicate_lead"]
    # d2 is 2.0 days after d1: a duplicate when 2.0 < duplicate_days; d4 is 9 days after d2: never (days <= 7)
    assert len(dups) == expected
    if expected:
        assert dups[0]["key"] == "lead_id=d2" and "d1" in dups[0]["detail"]


@pytest.mark.parametrize("kwargs, name", [
    ({"duplicate_days": -1, "top_n": 10}, "duplicate_days"), ({"duplicate_days": "7", "top_n": 10}, "duplicate_days"),
    ({"duplicate_days": 7, "top_n": 0}, "top_n"), ({"duplicate_days": 7, "top_n": 2.5}, "top_n"),
])
def test_check_report_parameters(kwargs, name):
    with pytest.raises(ParameterError) as err:
        L.check_report_parameters(**kwargs)
    assert name in str(err.value)
    L.check_report_parameters(duplicate_days=0.5, top_n=1)


def test_check_leads_rejects_bad_duplicate_days_and_declares_rules_on_empty():
    with pytest.raises(ParameterError):
        L.check_leads(leads(), LINKS, Findings(), duplicate_days=-1)
    findings = Findings()
    L.check_leads(leads(), LINKS, findings)
    assert set(findings.counts()) >= {"lead_unknown_status", "likely_duplicate_lead", "reviewed_before_created"}
    assert findings.total == 0


def test_combine_and_select_window():
    first = leads(lead("x1", created_at="2025-06-01T00:00:00Z"), lead("x2", created_at="2025-06-05T00:00:00Z"))
    second = leads(lead("x2", status="approved", created_at="2025-06-05T00:00:00Z"),
                   lead("x3", created_at="2025-06-10T00:00:00Z"))
    both = L.combine_leads(first, second)
    assert both["lead_id"].tolist() == ["x1", "x2", "x3"]
    assert both.set_index("lead_id").loc["x2", "status"] == "pending"      # first read wins
    window = L.select_window(both, ts("2025-06-05T00:00Z"), ts("2025-06-10T00:00Z"))   # [lo, hi)
    assert window["lead_id"].tolist() == ["x2"]


def test_absurd_commission_is_a_finding_and_out_of_the_totals():
    # Issue 11: an approved commission of 1E+120 USD poisoned total_commission unflagged. Worked by
    # hand: L1 approved 100 and L2 approved 1E+120 (beyond the 10^6 USD bound) -> one invalid_commission
    # finding for L2, commission approved = 100 (L2 left out), approval rate still 2 / 2.
    absurd = lead("L2", "A", "approved", reviewed_at="2025-06-03T10:00:00Z") | {"commission": Decimal("1E+120")}
    frame = leads_frame([lead("L1", "A", "approved", reviewed_at="2025-06-03T10:00:00Z", commission=100), absurd])
    findings = Findings()
    L.check_leads(frame, LINKS, findings)
    rows = findings.to_frame()
    assert rows[["rule", "key"]].values.tolist() == [["invalid_commission", "lead_id=L2"]]
    assert "plausibility bound 1,000,000 USD" in rows["detail"].iloc[0]
    head = L.headline(frame, frame)
    assert head["commission_approved"] == pytest.approx(100.0)
    assert head["approval_rate"] == pytest.approx(1.0)
    assert L.MAX_PLAUSIBLE_COMMISSION_USD == 1_000_000
