"""Commercive affiliate leads (document 003): volumes, review speed, commission, affiliates,
links, the Affiliate Stats reconciliation and the leads' data-quality rules.

Pure functions over DataFrames: no boto3, no I/O. Frames are the ones
:func:`dynamo_reports.systems.commercive.leads_frame` & co. build (timestamps as UTC datetimes,
``commission`` as float USD). Nothing is rounded here (rounding is for display only).

Definitions, and the choices made where issue 5 leaves them open:

* **Statuses.** ``pending | approved | rejected`` are the known ones. A lead with another (or
  no) status is counted under its own status in ``by_status`` (never dropped) and is a
  ``lead_unknown_status`` finding; it is neither reviewed nor pending.
* **Approval rate** = approved ÷ reviewed, reviewed = approved + rejected; ``None`` when nothing
  was reviewed (0 ÷ 0 is not a rate).
* **Commission approved** = Σ ``commission`` of approved leads (a missing commission counts 0
  and is an ``approved_without_commission`` finding). Commission on a non-approved lead is never
  added (a ``commission_on_non_approved`` finding).
* **Commission pending (exposure).** No commission is stored on a pending lead, so the exposure
  is an *estimate*: each pending lead is valued at its affiliate's average commission over its
  all-time approved leads that carry one; an affiliate with no such lead gets the average over
  every affiliate; with no approved commission anywhere the estimate is 0 (see
  :func:`pending_exposure`).
* **Time to review** = ``reviewed_at − created_at`` in hours, for approved/rejected leads with
  both times and ``reviewed_at >= created_at`` (a review before creation is a finding, not a
  negative duration). Median and p90 use linear interpolation between closest ranks (pandas'
  default ``quantile``): p90 of ``n`` sorted values is at position ``0.9 × (n − 1)``.
* **Weeks** start on Monday 00:00 in the report's time zone.
* **Review backlog** = leads pending as of ``as_of`` (created at or before it), whatever the
  window; age of the oldest = ``as_of − created_at`` of the oldest pending lead.
* **Stats reconciliation.** An Affiliate Stats row holds the Lambda's *all-time* counters:
  ``total_leads`` = every lead of the affiliate whatever its status, ``pending`` / ``approved``
  / ``rejected`` = leads with that status, ``total_commission`` = Σ commission of approved
  leads. They are recomputed from *all* the affiliate's leads (not the window) and compared
  field by field (commission within half a cent).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..exceptions import ParameterError
from .quality import Findings
from .window import in_window, weekly_median_p90

__all__ = [
    "LEAD_STATUSES", "MAX_PLAUSIBLE_COMMISSION_USD", "RULES", "STATS_FIELDS", "check_report_parameters",
    "mask_email", "mask_emails", "combine_leads", "select_window",
    "status_counts", "approval_rate", "pending_exposure", "headline",
    "weekly_by_status", "review_backlog", "review_times", "review_time_stats", "weekly_review_times",
    "affiliate_leaderboard", "leads_per_link", "links_without_leads",
    "recompute_stats", "reconcile_stats", "stats_drift_records", "drift_table", "affiliates_without_stats",
    "check_leads", "check_stats",
]

TABLE = "leads"
LEAD_STATUSES = ("pending", "approved", "rejected")
REVIEWED = ("approved", "rejected")
STATS_FIELDS = ("total_leads", "pending", "approved", "rejected", "total_commission")
MISSING_STATUS = "(missing)"
COMMISSION_TOLERANCE = 0.005  # USD: half a cent
#: Plausibility bound of one lead's commission (issue 11): an affiliate programme paying more than
#: a million USD for one lead is typed data (``1E+120``); such a commission is an ``invalid_commission``
#: finding and is left out of every total, as a commission that is not a number is.
MAX_PLAUSIBLE_COMMISSION_USD = 1_000_000

#: The data-quality rules of the leads report (declared with ``Findings.describe``).
RULES: dict[str, str] = {
    "lead_affiliate_without_link": "lead whose affiliate has no Affiliate Links record",
    "lead_unknown_link": "lead whose link_id matches no Affiliate Links record (affiliate has a link)",
    "lead_link_of_other_affiliate": "lead whose link_id is the tracking link of another affiliate",
    "lead_unknown_status": "status missing or not pending / approved / rejected",
    "approved_without_commission": "approved lead without a positive commission",
    "commission_on_non_approved": "commission on a lead that is not approved (never added to totals)",
    "reviewed_without_reviewed_at": "approved or rejected lead without reviewed_at (no review time)",
    "reviewed_before_created": "reviewed_at earlier than created_at (left out of review times)",
    "unreadable_timestamp": "created_at missing or unreadable, or reviewed_at unreadable",
    "invalid_commission": "commission is not a number, or beyond the plausibility bound MAX_PLAUSIBLE_COMMISSION_USD "
                          "(left out of every total)",
    "likely_duplicate_lead": "same e-mail for the same affiliate within duplicate_days of an earlier lead",
    "stale_affiliate_stats": "Affiliate Stats row disagrees with the counts recomputed from Leads",
    "affiliate_without_stats": "affiliate with leads but no Affiliate Stats row",
}


def check_report_parameters(*, duplicate_days: Any, top_n: Any) -> None:
    """The report's own parameters, checked before any read: ``ParameterError`` naming the bad one."""
    if isinstance(duplicate_days, bool) or not isinstance(duplicate_days, (int, float)) or not (
            0 <= duplicate_days < float("inf")):
        raise ParameterError("duplicate_days", f"must be a number of days >= 0, got {duplicate_days!r}")
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ParameterError("top_n", f"must be a whole number >= 1, got {top_n!r}")


# -- privacy ------------------------------------------------------------------------------------

def mask_email(email: Any) -> str:
    """``"john@example.com"`` -> ``"j***@example.com"``: first character of the local part, the domain kept.

    Missing values give ``""``; a value without ``@`` keeps only its first character (``"j***"``).

    >>> mask_email("john@example.com")
    'j***@example.com'
    """
    if email is None or (isinstance(email, float) and math.isnan(email)):
        return ""
    text = str(email).strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not at:
        return text[0] + "***"
    return (local[:1] + "***" if local else "***") + "@" + domain


def mask_emails(frame: pd.DataFrame, columns: Sequence[str] = ("email",), *, show_pii: bool = False) -> pd.DataFrame:
    """A copy of ``frame`` with the e-mail ``columns`` masked (unchanged copy when ``show_pii``)."""
    out = frame.copy()
    if not show_pii:
        for col in columns:
            if col in out:
                out[col] = out[col].map(mask_email)
    return out


# -- selection ------------------------------------------------------------------------------------

def combine_leads(*frames: pd.DataFrame) -> pd.DataFrame:
    """Concatenate lead frames read by different queries, each ``lead_id`` once (first read wins)."""
    kept = [f for f in frames if f is not None and len(f.columns)]
    if not kept:
        return pd.DataFrame(columns=["lead_id"])
    non_empty = [f for f in kept if not f.empty]
    if not non_empty:
        return kept[0].iloc[0:0].copy()
    out = pd.concat(non_empty, ignore_index=True)
    keep = out["lead_id"].isna() | ~out["lead_id"].duplicated(keep="first")
    return out[keep].reset_index(drop=True)


def select_window(leads: pd.DataFrame, lo: pd.Timestamp | None, hi: pd.Timestamp | None,
                  column: str = "created_at") -> pd.DataFrame:
    """Leads with ``lo <= column < hi`` (an open end when ``None``); rows without the time are left out."""
    return leads[in_window(leads[column], lo, hi)].reset_index(drop=True)


def _status(leads: pd.DataFrame) -> pd.Series:
    return leads["status"].map(lambda s: MISSING_STATUS if s is None or (isinstance(s, float) and math.isnan(s))
                               else str(s))


def _raw_commission(leads: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(leads["commission"], errors="coerce") if "commission" in leads else pd.Series(
        0.0, index=leads.index)


def _commission(leads: pd.DataFrame) -> pd.Series:
    """The commission as a number; NaN when it is not one or beyond :data:`MAX_PLAUSIBLE_COMMISSION_USD`."""
    raw = _raw_commission(leads)
    return raw.where(~(raw.abs() > MAX_PLAUSIBLE_COMMISSION_USD))


# -- headline -------------------------------------------------------------------------------------

def status_counts(leads: pd.DataFrame) -> dict[str, int]:
    """Leads per status: the three known statuses always (0 included), then any other found."""
    counts = _status(leads).value_counts()
    out = {s: int(counts.get(s, 0)) for s in LEAD_STATUSES}
    for status in sorted(s for s in counts.index if s not in LEAD_STATUSES):
        out[status] = int(counts[status])
    return out


def approval_rate(approved: int, rejected: int) -> float | None:
    """approved ÷ (approved + rejected); ``None`` when nothing was reviewed."""
    reviewed = approved + rejected
    return approved / reviewed if reviewed else None


def pending_exposure(pending: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """Estimated commission of each pending lead (none is stored until approval).

    Each lead is valued at its affiliate's mean commission over the approved leads of
    ``history`` (all-time) that carry a positive commission — basis ``"affiliate average"``;
    without any, at the mean over every affiliate — ``"overall average"``; with no approved
    commission at all, 0 — ``"no history"``. Columns: ``lead_id, affiliate_id, estimate, basis``.
    """
    columns = ["lead_id", "affiliate_id", "estimate", "basis"]
    if pending.empty:
        return pd.DataFrame(columns=columns)
    paid = history[(_status(history) == "approved") & (_commission(history) > 0)]
    per_affiliate = _commission(paid).groupby(paid["affiliate_id"]).mean() if not paid.empty else pd.Series(
        dtype=float)
    overall = float(_commission(paid).mean()) if not paid.empty else None
    rows = []
    for lead_id, aff in zip(pending["lead_id"], pending["affiliate_id"], strict=False):
        if aff in per_affiliate.index:
            rows.append((lead_id, aff, float(per_affiliate[aff]), "affiliate average"))
        elif overall is not None:
            rows.append((lead_id, aff, overall, "overall average"))
        else:
            rows.append((lead_id, aff, 0.0, "no history"))
    return pd.DataFrame(rows, columns=columns)


def headline(leads: pd.DataFrame, history: pd.DataFrame | None = None) -> dict[str, Any]:
    """The window's headline numbers.

    ``leads``: leads created in the window; ``history``: every lead read (all-time), the basis of
    the pending exposure (defaults to ``leads``).
    """
    status = _status(leads)
    by_status = status_counts(leads)
    approved, rejected = by_status["approved"], by_status["rejected"]
    commission = _commission(leads)
    exposure = pending_exposure(leads[status == "pending"], leads if history is None else history)
    return {
        "lead_count": int(len(leads)),
        "by_status": by_status,
        "reviewed": approved + rejected,
        "approval_rate": approval_rate(approved, rejected),
        "commission_approved": float(commission[status == "approved"].fillna(0).sum()),
        "commission_pending": float(exposure["estimate"].sum()) if not exposure.empty else 0.0,
    }


# -- time -----------------------------------------------------------------------------------------

def _week_start(times: pd.Series, timezone: str) -> pd.Series:
    """Monday 00:00 (in ``timezone``, as naive local time) of each timestamp's week."""
    local = times.dt.tz_convert(timezone).dt.tz_localize(None)
    return (local - pd.to_timedelta(local.dt.weekday, unit="D")).dt.normalize()


def _all_weeks(weeks: pd.Series, lo: pd.Timestamp | None, hi: pd.Timestamp | None, timezone: str) -> pd.DatetimeIndex:
    first = weeks.min() if not weeks.empty else None
    last = weeks.max() if not weeks.empty else None
    if lo is not None:
        first = _week_start(pd.Series([lo]), timezone).iloc[0]
    if hi is not None:
        last = _week_start(pd.Series([hi - pd.Timedelta(microseconds=1)]), timezone).iloc[0]
    if first is None or last is None or first > last:
        return pd.DatetimeIndex([], name="week")
    return pd.date_range(first, last, freq="7D", name="week")


def weekly_by_status(leads: pd.DataFrame, *, timezone: str = "UTC", lo: pd.Timestamp | None = None,
                     hi: pd.Timestamp | None = None) -> pd.DataFrame:
    """Leads created per week (rows: Monday of the week, every week from ``lo`` to ``hi``) by status (columns)."""
    dated = leads[leads["created_at"].notna()]
    weeks = _week_start(dated["created_at"], timezone) if not dated.empty else pd.Series(dtype="datetime64[ns]")
    counts = pd.crosstab(weeks, _status(dated)) if not dated.empty else pd.DataFrame()
    columns = list(LEAD_STATUSES) + sorted(c for c in counts.columns if c not in LEAD_STATUSES)
    out = counts.reindex(index=_all_weeks(weeks, lo, hi, timezone), columns=columns, fill_value=0)
    out.index.name = "week"
    out.columns.name = None
    return out.fillna(0).astype(int)


def review_backlog(leads: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, Any]:
    """Pending leads created at or before ``as_of``: count, and the oldest one with its age in hours."""
    pending = leads[(_status(leads) == "pending") & leads["created_at"].notna() & (leads["created_at"] <= as_of)]
    if pending.empty:
        return {"pending": 0, "oldest_lead_id": None, "oldest_created_at": None, "oldest_age_hours": None}
    oldest = pending.sort_values(["created_at", "lead_id"]).iloc[0]
    return {
        "pending": int(len(pending)),
        "oldest_lead_id": oldest["lead_id"],
        "oldest_created_at": oldest["created_at"],
        "oldest_age_hours": (as_of - oldest["created_at"]).total_seconds() / 3600.0,
    }


def review_times(leads: pd.DataFrame) -> pd.DataFrame:
    """Reviewed leads (approved/rejected) with both times and ``reviewed_at >= created_at``, and ``hours`` between."""
    columns = ["lead_id", "affiliate_id", "status", "created_at", "reviewed_at", "hours"]
    ok = (_status(leads).isin(REVIEWED) & leads["created_at"].notna() & leads["reviewed_at"].notna())
    done = leads[ok]
    done = done[done["reviewed_at"] >= done["created_at"]].copy()
    done["hours"] = (done["reviewed_at"] - done["created_at"]).dt.total_seconds() / 3600.0
    return done.reindex(columns=columns).reset_index(drop=True)


def review_time_stats(hours: Iterable[float]) -> dict[str, Any]:
    """``count``, ``median`` and ``p90`` (hours, linear interpolation) — ``None`` when there is nothing."""
    values = pd.Series(list(hours), dtype=float).dropna()
    if values.empty:
        return {"count": 0, "median": None, "p90": None}
    return {"count": int(len(values)), "median": float(values.quantile(0.5)), "p90": float(values.quantile(0.9))}


def weekly_review_times(times: pd.DataFrame, *, timezone: str = "UTC", lo: pd.Timestamp | None = None,
                        hi: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per week of creation: ``reviewed`` (count), ``median_hours``, ``p90_hours`` (NaN for a week with none)."""
    weeks = _week_start(times["created_at"], timezone) if not times.empty else pd.Series(dtype="datetime64[ns]")
    index = _all_weeks(weeks, lo, hi, timezone)
    return weekly_median_p90(times["hours"], weeks, index, count="reviewed", unit="hours")


# -- affiliates and links -------------------------------------------------------------------------

def affiliate_leaderboard(leads: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Per affiliate with leads: leads, approved, rejected, pending, approval rate, commission, its link.

    Sorted by leads, then commission (both descending), then ``affiliate_id``. ``link_id`` and
    ``email`` come from the affiliate's Affiliate Links record (empty when it has none).
    """
    columns = ["affiliate_id", "link_id", "email", "leads", "approved", "rejected", "pending", "approval_rate",
               "commission"]
    if leads.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({"affiliate_id": leads["affiliate_id"].fillna("(missing)"), "status": _status(leads),
                          "commission": _commission(leads)})
    frame["approved_commission"] = frame["commission"].where(frame["status"] == "approved", 0.0).fillna(0.0)
    grouped = frame.groupby("affiliate_id")
    out = pd.DataFrame({
        "leads": grouped.size(),
        "approved": grouped["status"].apply(lambda s: int((s == "approved").sum())),
        "rejected": grouped["status"].apply(lambda s: int((s == "rejected").sum())),
        "pending": grouped["status"].apply(lambda s: int((s == "pending").sum())),
        "commission": grouped["approved_commission"].sum(),
    }).reset_index()
    out["approval_rate"] = [approval_rate(a, r) for a, r in zip(out["approved"], out["rejected"], strict=False)]
    link_cols = links[["affiliate_id", "link_id", "email"]].drop_duplicates("affiliate_id") if not links.empty else \
        pd.DataFrame(columns=["affiliate_id", "link_id", "email"])
    out = out.merge(link_cols, on="affiliate_id", how="left")
    out = out.sort_values(["leads", "commission", "affiliate_id"], ascending=[False, False, True], ignore_index=True)
    return out[columns]


def leads_per_link(link_leads: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Per Affiliate Links record: its leads in ``link_leads`` (leads read by link), approved, commission.

    Every link record is listed (0 when it brought nothing), sorted by leads descending then ``link_id``.
    """
    columns = ["link_id", "affiliate_id", "affiliate_url", "leads", "approved", "commission"]
    if links.empty:
        return pd.DataFrame(columns=columns)
    base = links.reindex(columns=["link_id", "affiliate_id", "affiliate_url"]).drop_duplicates("link_id")
    if link_leads.empty:
        counts = pd.DataFrame(columns=["link_id", "leads", "approved", "commission"])
    else:
        status = _status(link_leads)
        frame = pd.DataFrame({"link_id": link_leads["link_id"], "approved": (status == "approved").astype(int),
                              "commission": _commission(link_leads).where(status == "approved", 0.0).fillna(0.0)})
        counts = frame.groupby("link_id").agg(leads=("approved", "size"), approved=("approved", "sum"),
                                              commission=("commission", "sum")).reset_index()
    out = base.merge(counts, on="link_id", how="left")
    out["leads"] = out["leads"].fillna(0).astype(int)
    out["approved"] = out["approved"].fillna(0).astype(int)
    out["commission"] = out["commission"].fillna(0.0).astype(float)
    return out.sort_values(["leads", "link_id"], ascending=[False, True], ignore_index=True)[columns]


def links_without_leads(per_link: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`leads_per_link` with no lead."""
    return per_link[per_link["leads"] == 0].reset_index(drop=True)


# -- Affiliate Stats reconciliation -----------------------------------------------------------------

def recompute_stats(leads: pd.DataFrame) -> pd.DataFrame:
    """The Affiliate Stats counters recomputed from leads (all-time): one row per affiliate."""
    columns = ["affiliate_id", *STATS_FIELDS]
    if leads.empty:
        return pd.DataFrame(columns=columns)
    status = _status(leads)
    frame = pd.DataFrame({
        "affiliate_id": leads["affiliate_id"],
        "total_leads": 1,
        "pending": (status == "pending").astype(int),
        "approved": (status == "approved").astype(int),
        "rejected": (status == "rejected").astype(int),
        "total_commission": _commission(leads).where(status == "approved", 0.0).fillna(0.0),
    })
    frame = frame[frame["affiliate_id"].notna()]
    return frame.groupby("affiliate_id", as_index=False).sum()[columns]


def reconcile_stats(stats: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """Each Affiliate Stats row against :func:`recompute_stats` of ``leads`` (every lead of the affiliate).

    One row per affiliate found in either: ``stored_<field>``, ``recomputed_<field>`` and
    ``drift_<field>`` (stored − recomputed) for each of :data:`STATS_FIELDS`, ``updated_at``,
    and ``state``: ``ok`` | ``drift`` (some field disagrees; commission beyond half a cent) |
    ``no stats row`` (leads but no row). A row whose affiliate has no lead is compared with zeros.
    """
    recomputed = recompute_stats(leads).rename(columns={f: f"recomputed_{f}" for f in STATS_FIELDS})
    stored = stats.reindex(columns=["affiliate_id", *STATS_FIELDS, "updated_at"]).drop_duplicates("affiliate_id")
    stored = stored.rename(columns={f: f"stored_{f}" for f in STATS_FIELDS})
    stored["_has_row"] = True
    out = stored.merge(recomputed, on="affiliate_id", how="outer")
    has_row = out["_has_row"].eq(True)
    drifted = pd.Series(False, index=out.index)
    for f in STATS_FIELDS:
        out[f"recomputed_{f}"] = pd.to_numeric(out[f"recomputed_{f}"], errors="coerce").fillna(0)
        out[f"stored_{f}"] = pd.to_numeric(out[f"stored_{f}"], errors="coerce")
        out[f"drift_{f}"] = out[f"stored_{f}"] - out[f"recomputed_{f}"]
        tolerance = COMMISSION_TOLERANCE if f == "total_commission" else 0
        # a missing/unreadable stored value disagrees with anything
        drifted |= has_row & (out[f"drift_{f}"].isna() | (out[f"drift_{f}"].abs() > tolerance))
    for f in STATS_FIELDS[:-1]:
        out[f"recomputed_{f}"] = out[f"recomputed_{f}"].astype(int)
    out["state"] = "ok"
    out.loc[drifted, "state"] = "drift"
    out.loc[~has_row, "state"] = "no stats row"
    columns = ["affiliate_id", "state", "updated_at"] + [f"{p}_{f}" for f in STATS_FIELDS
                                                        for p in ("stored", "recomputed", "drift")]
    order = out["state"].map({"drift": 0, "no stats row": 1, "ok": 2})
    return out.assign(_order=order).sort_values(["_order", "affiliate_id"], ignore_index=True)[columns]


def stats_drift_records(reconciliation: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows in ``drift`` as JSON-ready records: affiliate, ``updated_at``, and per disagreeing field
    ``{"stored", "recomputed", "drift"}``."""
    records = []
    for _, row in reconciliation[reconciliation["state"] == "drift"].iterrows():
        fields = {}
        for f in STATS_FIELDS:
            drift = row[f"drift_{f}"]
            tolerance = COMMISSION_TOLERANCE if f == "total_commission" else 0
            if pd.isna(drift) or abs(drift) > tolerance:
                as_number = (lambda v, money=(f == "total_commission"):
                             None if pd.isna(v) else (round(float(v), 2) if money else int(v)))
                fields[f] = {"stored": as_number(row[f"stored_{f}"]), "recomputed": as_number(row[f"recomputed_{f}"]),
                             "drift": as_number(drift)}
        updated = row["updated_at"]
        records.append({"affiliate_id": row["affiliate_id"],
                        "updated_at": None if pd.isna(updated) else pd.Timestamp(updated).isoformat(),
                        "fields": fields})
    return records


def drift_table(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The drifted rows in long form, one row per disagreeing field: ``affiliate_id, updated_at, field,
    stored, recomputed, drift`` (stored − recomputed) — easier to read than the wide frame."""
    rows = [{"affiliate_id": r["affiliate_id"], "updated_at": r["updated_at"], "field": f, **v}
            for r in stats_drift_records(reconciliation) for f, v in r["fields"].items()]
    return pd.DataFrame(rows, columns=["affiliate_id", "updated_at", "field", "stored", "recomputed", "drift"],
                        dtype=object)  # counts stay integers beside the commission


def affiliates_without_stats(reconciliation: pd.DataFrame) -> list[str]:
    """Affiliates with leads but no Affiliate Stats row."""
    return reconciliation.loc[reconciliation["state"] == "no stats row", "affiliate_id"].tolist()


def check_stats(reconciliation: pd.DataFrame, findings: Findings) -> None:
    """Findings ``stale_affiliate_stats`` (with the drift) and ``affiliate_without_stats``."""
    for rule in ("stale_affiliate_stats", "affiliate_without_stats"):
        findings.describe(rule, RULES[rule])
    for record in stats_drift_records(reconciliation):
        detail = ", ".join(f"{f} {v['stored']} stored vs {v['recomputed']} recomputed"
                           for f, v in record["fields"].items())
        findings.add("stale_affiliate_stats", f"affiliate_id={record['affiliate_id']}",
                     f"{detail} (updated_at {record['updated_at']})", table="affiliate_stats")
    for _, row in reconciliation[reconciliation["state"] == "no stats row"].iterrows():
        findings.add("affiliate_without_stats", f"affiliate_id={row['affiliate_id']}",
                     f"{int(row['recomputed_total_leads'])} lead(s) but no Affiliate Stats row",
                     table="affiliate_stats")


# -- data quality -----------------------------------------------------------------------------------

def _positions(frame: pd.DataFrame, attr: str, column: str) -> set:
    return set(frame.attrs.get(attr, {}).get(column, []))


def check_leads(leads: pd.DataFrame, links: pd.DataFrame, findings: Findings, *, duplicate_days: float = 7) -> None:
    """Apply the leads' data-quality rules (:data:`RULES`) to ``leads``, adding to ``findings``.

    ``leads`` should keep the ``attrs`` that :func:`codec.items_to_frame` sets (unreadable
    timestamps and numbers). Likely duplicates: a lead whose e-mail (case and blanks ignored)
    was used for the same affiliate by an earlier lead less than ``duplicate_days`` days before;
    the later lead is the finding, the detail names the earlier one.
    """
    check_report_parameters(duplicate_days=duplicate_days, top_n=1)
    for rule in RULES:
        if rule not in ("stale_affiliate_stats", "affiliate_without_stats"):
            findings.describe(rule, RULES[rule])
    if leads.empty:
        return
    link_of = dict(zip(links.get("affiliate_id", []), links.get("link_id", []), strict=False))
    owner_of = {link: affiliate for affiliate, link in link_of.items()}
    bad_created = _positions(leads, "invalid_timestamps", "created_at")
    bad_reviewed = _positions(leads, "invalid_timestamps", "reviewed_at")
    bad_commission = _positions(leads, "invalid_numbers", "commission")
    status = _status(leads)
    commission = _commission(leads)
    raw_commission = _raw_commission(leads)

    def key(row_id) -> str:
        return f"lead_id={leads.at[row_id, 'lead_id']}"

    for i in leads.index:
        aff, link, st, com = leads.at[i, "affiliate_id"], leads.at[i, "link_id"], status[i], commission[i]
        created, reviewed = leads.at[i, "created_at"], leads.at[i, "reviewed_at"]
        if aff not in link_of:
            findings.add("lead_affiliate_without_link", key(i),
                         f"affiliate {aff} has no Affiliate Links record (lead's link_id {link})", table=TABLE)
        elif link not in owner_of:
            findings.add("lead_unknown_link", key(i),
                         f"link_id {link} matches no Affiliate Links record (affiliate {aff} has link {link_of[aff]})",
                         table=TABLE)
        elif owner_of[link] != aff:
            findings.add("lead_link_of_other_affiliate", key(i),
                         f"link_id {link} belongs to affiliate {owner_of[link]}, the lead says {aff}", table=TABLE)
        if st not in LEAD_STATUSES:
            findings.add("lead_unknown_status", key(i), f"status {st!r} (known: {', '.join(LEAD_STATUSES)})",
                         table=TABLE)
        if i in bad_commission:
            findings.add("invalid_commission", key(i), "commission is not a number", table=TABLE)
        elif pd.isna(com) and pd.notna(raw_commission[i]):
            findings.add("invalid_commission", key(i), f"commission {raw_commission[i]:g} USD is beyond the "
                         f"plausibility bound {MAX_PLAUSIBLE_COMMISSION_USD:,} USD", table=TABLE)
        elif st == "approved" and not (com > 0):
            findings.add("approved_without_commission", key(i),
                         "approved without commission" if pd.isna(com) else f"approved with commission {com:g}",
                         table=TABLE)
        elif st != "approved" and pd.notna(com) and com != 0:
            findings.add("commission_on_non_approved", key(i), f"status {st!r} but commission {com:g} USD",
                         table=TABLE)
        if i in bad_created or pd.isna(created):
            findings.add("unreadable_timestamp", key(i), "created_at " + ("unreadable" if i in bad_created
                                                                          else "missing"), table=TABLE)
        if i in bad_reviewed:
            findings.add("unreadable_timestamp", key(i), "reviewed_at unreadable", table=TABLE)
        if st in REVIEWED and pd.isna(reviewed) and i not in bad_reviewed:
            findings.add("reviewed_without_reviewed_at", key(i), f"status {st} but no reviewed_at", table=TABLE)
        if pd.notna(created) and pd.notna(reviewed) and reviewed < created:
            hours = (created - reviewed).total_seconds() / 3600.0
            findings.add("reviewed_before_created", key(i),
                         f"reviewed_at {reviewed:%Y-%m-%d %H:%M} is {hours:g} h before created_at "
                         f"{created:%Y-%m-%d %H:%M}", table=TABLE)

    # likely duplicates: same affiliate, same normalized e-mail, within duplicate_days of the previous one
    window = pd.Timedelta(days=duplicate_days)
    emails = leads["email"].map(lambda e: str(e).strip().lower() if isinstance(e, str) and e.strip() else None)
    dated = leads.assign(_email=emails)
    dated = dated[dated["_email"].notna() & dated["created_at"].notna() & dated["affiliate_id"].notna()]
    dated = dated.sort_values(["affiliate_id", "_email", "created_at", "lead_id"])
    for _, group in dated.groupby(["affiliate_id", "_email"], sort=False):
        previous = None
        for i, row in group.iterrows():
            if previous is not None and row["created_at"] - previous["created_at"] < window:
                gap = (row["created_at"] - previous["created_at"]).total_seconds() / 86400.0
                findings.add("likely_duplicate_lead", key(i),
                             f"same e-mail and affiliate as lead {previous['lead_id']}, {gap:.1f} day(s) earlier",
                             table=TABLE)
            previous = row
