"""000 SolanaShares: participants' investments, concentration, growth, and ``GLOBAL#STATS``.

Pure functions over DataFrames (no I/O). The input is the table's items as one raw frame::

    raw = codec.items_to_frame(items, timestamps=TIMESTAMPS, numbers=())

— timestamps parsed to UTC (unreadable ones listed in ``raw.attrs["invalid_timestamps"]``),
numbers left exactly as stored (``Decimal``, or whatever a malformed item holds), so this
module decides what a valid amount is:

* a **participant** is one ``Type == "participant"`` item (one user–wallet pair), whatever else
  is wrong with it; it counts in ``participant_count``;
* its ``investedAmount`` is **valid** when it is a finite number >= 0. Missing, non-numeric
  and negative amounts are *excluded from every sum, mean, quantile and concentration figure*
  and listed as findings; the participant still counts in ``participant_count``;
* ``active`` means a valid amount > 0 (the bot's ``activeParticipants``);
* items of any other ``Type`` are left out of every figure and listed (``unknown_type``);
* growth uses ``createdAt``; a missing, unreadable or impossible one (before 2020, after
  ``as_of``) keeps the participant out of the growth figures only.

Totals are summed exactly (``Decimal``) before they become floats, so the reconciliation with
``GLOBAL#STATS`` shows real drift, not float noise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..systems import solanashares_keys as keys
from ..systems.solanashares_keys import BASE58_ALPHABET, PARTICIPANT_TYPE, STATS_PK, WALLET_LENGTHS
from . import concentration as _concentration
from .quality import Findings
from .quality import as_text as _text
from .quality import is_missing as _missing
from .window import in_window

__all__ = [
    "BASE58_ALPHABET", "ClassifiedItems", "EARLIEST_PLAUSIBLE", "MAX_PLAUSIBLE_INVESTMENT_SOL", "RULES",
    "STATS_FIELDS", "TIMESTAMPS",
    "amount_quantiles", "check_global_stats", "classify_items", "concentration", "describe_rules", "format_duration",
    "gini", "global_stats_staleness", "headline", "herfindahl", "participant_frame",
    "reconcile_global_stats", "shorten_wallet", "stats_drift", "top_investors", "updated_in_window",
    "valid_amounts", "weekly_growth",
]

STATS_TYPE = keys.GLOBAL_STATS_TYPE
TIMESTAMPS = ("createdAt", "updatedAt")
STATS_FIELDS = ("totalInvested", "participantCount", "activeParticipants")
#: Before this, a timestamp is impossible (the bot, and most of Solana, did not exist).
EARLIEST_PLAUSIBLE = pd.Timestamp("2020-01-01", tz="UTC")
#: Plausibility bound of one participant's investedAmount (issue 11): more SOL than exist
#: (total supply about 6 x 10^8 SOL in 2025) is typed data, e.g. ``1E+120``, not an investment.
MAX_PLAUSIBLE_INVESTMENT_SOL = Decimal(10) ** 9

#: Every data-quality rule of the report: name -> what it checks.
RULES: dict[str, str] = {
    "unknown_type": "Type is neither participant nor global_stats (item left out of every figure)",
    "wallet_not_base58": "walletAddress has characters outside base58 (0, O, I, l, ...)",
    "wallet_wrong_length": "walletAddress is missing or not 32-44 characters long",
    "wallet_shared_by_users": "one wallet claimed by several Discord users",
    "user_with_several_wallets": "one Discord user with several participant items (the document assumes one)",
    "negative_investment": "investedAmount below 0 (left out of sums, quantiles and concentration)",
    "implausible_investment": "investedAmount above the plausibility bound MAX_PLAUSIBLE_INVESTMENT_SOL "
                              "(left out of sums, quantiles and concentration)",
    "non_numeric_investment": "investedAmount missing or not a number (left out of sums, quantiles and concentration)",
    "missing_timestamp": "createdAt or updatedAt missing",
    "unreadable_timestamp": "createdAt or updatedAt present but not a readable time",
    "impossible_timestamp": "createdAt or updatedAt before 2020-01-01 or after the as-of time",
    "index_key_mismatch": ("PK/SK/GSI_PK/GSI_SK not built from userId and walletAddress "
                           "(GSI_PK != WALLET#{walletAddress}: a lookup by wallet misses the item)"),
    "global_stats_missing": "no GLOBAL#STATS item (the bot's real-time figures have no source)",
    "global_stats_drift": "a GLOBAL#STATS figure differs from the one recomputed from the participants",
    "global_stats_stale": "GLOBAL#STATS updatedAt is older than the newest participant change (or unreadable)",
}

_RAW_COLUMNS = ("PK", "SK", "Type", "GSI_PK", "GSI_SK", "userId", "walletAddress", "investedAmount",
                *TIMESTAMPS, *STATS_FIELDS)


def describe_rules(findings: Findings) -> None:
    """Declare every rule of this report, so a rule that found nothing is shown with 0."""
    findings.describe_all(RULES)


# -- small value helpers ------------------------------------------------------------------------



def _exact_number(value: Any) -> Decimal | None:
    """A stored number as an exact Decimal; ``None`` when it is missing or not a finite number."""
    if isinstance(value, bool) or _missing(value):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, (int, np.integer)):
        return Decimal(int(value))
    if isinstance(value, (float, np.floating)):
        return Decimal(repr(float(value))) if math.isfinite(value) else None
    return None


def _item_key(pk: Any, sk: Any) -> str:
    return f"{_text(pk)} / {_text(sk)}"


def shorten_wallet(wallet: Any) -> str:
    """``7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU`` -> ``7xKX…gAsU`` (short values as given)."""
    text = _text(wallet)
    return text if len(text) <= 9 else f"{text[:4]}…{text[-4:]}"


def _wallet_problems(wallet: str) -> tuple[str | None, str | None]:
    """(not-base58 detail, wrong-length detail) for one address; ``None`` where it is fine."""
    if not wallet:
        return None, "walletAddress is missing"
    bad = keys.non_base58_characters(wallet)
    not_b58 = (f"walletAddress {wallet!r} contains {', '.join(repr(c) for c in bad)}, not base58"
               if bad else None)
    lo, hi = WALLET_LENGTHS
    wrong_len = (f"walletAddress {wallet!r} is {len(wallet)} characters long ({lo}-{hi} expected)"
                 if not lo <= len(wallet) <= hi else None)
    return not_b58, wrong_len


def _fmt_time(ts: Any) -> str:
    return "—" if _missing(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M UTC")


# -- classification -----------------------------------------------------------------------------

@dataclass
class ClassifiedItems:
    """The table's items split by ``Type``."""

    participants: pd.DataFrame   # raw rows with Type == participant
    stats: dict[str, Any] | None  # the GLOBAL#STATS item (raw values), None when absent
    unknown: pd.DataFrame         # every other item (listed as unknown_type)


def _normalized(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw frame with every expected column present and unreadable timestamps flagged."""
    frame = raw.copy()
    invalid = dict(raw.attrs.get("invalid_timestamps", {}) or {})
    for col in _RAW_COLUMNS:
        if col not in frame:
            frame[col] = pd.Series([pd.NaT] * len(frame), index=frame.index, dtype="datetime64[ns, UTC]") \
                if col in TIMESTAMPS else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for col in TIMESTAMPS:
        if not pd.api.types.is_datetime64_any_dtype(frame[col]):
            raise TypeError(f"column {col!r} must hold parsed timestamps: build the frame with "
                            f"items_to_frame(items, timestamps={TIMESTAMPS!r}, numbers=())")
        frame[f"{col}_unreadable"] = frame.index.isin(list(invalid.get(col, [])))
    return frame


def classify_items(raw: pd.DataFrame, findings: Findings, *, table: str = "") -> ClassifiedItems:
    """Split the items: participants, the ``GLOBAL#STATS`` item, and unknown types (findings).

    A missing ``GLOBAL#STATS`` item is a ``global_stats_missing`` finding, not an error.
    """
    frame = _normalized(raw)
    types = frame["Type"].map(_text)
    is_stats_key = (frame["PK"].map(_text) == STATS_PK) & (frame["SK"].map(_text) == STATS_PK)
    is_participant = types == PARTICIPANT_TYPE
    is_stats = (types == STATS_TYPE) & is_stats_key
    unknown = frame[~is_participant & ~is_stats]
    for _, row in unknown.iterrows():
        kind = _text(row["Type"])
        if kind == STATS_TYPE:
            detail = f"Type is 'global_stats' on a key other than {STATS_PK}: not the stats item the bot reads"
        elif kind:
            detail = f"Type is {kind!r} (known: participant, global_stats)"
        else:
            detail = "the item has no Type"
        findings.add("unknown_type", _item_key(row["PK"], row["SK"]), detail, table=table)
    stats_rows = frame[is_stats]
    stats = None
    if len(stats_rows):
        stats = {col: stats_rows.iloc[0][col] for col in ("PK", "SK", "Type", *STATS_FIELDS, "updatedAt",
                                                          "updatedAt_unreadable")}
    else:
        findings.add("global_stats_missing", f"{STATS_PK} / {STATS_PK}",
                     "the table has no GLOBAL#STATS item: the figures the bot shows users have no stored "
                     "source, only recomputed values can be shown", table=table)
    return ClassifiedItems(participants=frame[is_participant].copy(), stats=stats, unknown=unknown.copy())


# -- participants -------------------------------------------------------------------------------

PARTICIPANT_COLUMNS = ["key", "user_id", "wallet", "amount", "amount_exact", "amount_valid", "active",
                       "created_at", "updated_at", "created_ok", "updated_ok"]


def participant_frame(participants: pd.DataFrame, findings: Findings, *, as_of: pd.Timestamp,
                      table: str = "") -> pd.DataFrame:
    """Typed participants (one row per participant item) and every per-item data-quality finding.

    Columns: ``key`` (``USER#… / WALLET#…``), ``user_id``, ``wallet``, ``amount`` (float SOL, NaN
    when not valid), ``amount_exact`` (Decimal or None), ``amount_valid``, ``active``,
    ``created_at``/``updated_at`` (UTC), ``created_ok``/``updated_ok`` (present, readable, plausible).
    """
    as_of = pd.Timestamp(as_of)
    frame = participants if "createdAt_unreadable" in participants else _normalized(participants)
    rows = []
    for _, item in frame.iterrows():
        key = _item_key(item["PK"], item["SK"])
        user = _text(item["userId"]) or keys.user_id_from_pk(item["PK"]) or ""
        wallet = _text(item["walletAddress"]) or keys.wallet_from_sk(item["SK"]) or ""

        def add(rule: str, detail: str, key: str = key) -> None:
            findings.add(rule, key, detail, table=table)

        not_b58, wrong_len = _wallet_problems(wallet)
        if not_b58:
            add("wallet_not_base58", not_b58)
        if wrong_len:
            add("wallet_wrong_length", wrong_len)

        raw_amount = item["investedAmount"]
        exact = _exact_number(raw_amount)
        if exact is None:
            add("non_numeric_investment", "investedAmount is missing" if _missing(raw_amount)
                else f"investedAmount is {type(raw_amount).__name__} {raw_amount!r}, not a number")
        elif exact < 0:
            add("negative_investment", f"investedAmount is {exact} (negative)")
        elif exact > MAX_PLAUSIBLE_INVESTMENT_SOL:
            add("implausible_investment", f"investedAmount is {exact} SOL, beyond the plausibility bound "
                                          f"{MAX_PLAUSIBLE_INVESTMENT_SOL:,} SOL")
        valid = exact is not None and 0 <= exact <= MAX_PLAUSIBLE_INVESTMENT_SOL

        ok = {}
        missing, unreadable, impossible = [], [], []
        for col in TIMESTAMPS:
            ts = item[col]
            if item[f"{col}_unreadable"]:
                unreadable.append(col)
                ok[col] = False
            elif _missing(ts):
                missing.append(col)
                ok[col] = False
            elif ts < EARLIEST_PLAUSIBLE or ts > as_of:
                impossible.append(f"{col} is {_fmt_time(ts)}")
                ok[col] = False
            else:
                ok[col] = True
        if missing:
            add("missing_timestamp", f"no {' and no '.join(missing)}")
        if unreadable:
            add("unreadable_timestamp", f"{' and '.join(unreadable)} not a readable time")
        if impossible:
            add("impossible_timestamp", "; ".join(impossible) + f" (plausible: 2020-01-01 to as-of {_fmt_time(as_of)})")

        expected = keys.participant_keys(user, wallet)
        wrong = [f"{col} is {_text(item[col])!r}, expected {want!r}" for col, want in expected.items()
                 if _text(item[col]) != want]
        if wrong:
            lookup = " — a lookup by this wallet through WalletAddressIndex misses the item" \
                if _text(item["GSI_PK"]) != expected["GSI_PK"] else ""
            add("index_key_mismatch", "; ".join(wrong) + lookup)

        rows.append({
            "key": key, "user_id": user, "wallet": wallet,
            "amount": float(exact) if valid and exact is not None else math.nan,
            "amount_exact": exact if valid else None,
            "amount_valid": valid, "active": bool(valid and exact is not None and exact > 0),
            "created_at": item["createdAt"], "updated_at": item["updatedAt"],
            "created_ok": ok["createdAt"], "updated_ok": ok["updatedAt"],
        })
    out = pd.DataFrame(rows, columns=PARTICIPANT_COLUMNS)
    out["amount"] = out["amount"].astype(float)
    for col in ("amount_valid", "active", "created_ok", "updated_ok"):
        out[col] = out[col].astype(bool)
    for col in ("created_at", "updated_at"):
        out[col] = pd.to_datetime(out[col], utc=True).astype("datetime64[ns, UTC]")
    out = out.sort_values(["key"], kind="stable").reset_index(drop=True)
    _check_ownership(out, findings, table=table)
    return out


def _check_ownership(participants: pd.DataFrame, findings: Findings, *, table: str) -> None:
    """Wallets claimed by several users; users holding several wallets (one finding each)."""
    known = participants[(participants["wallet"] != "") & (participants["user_id"] != "")]
    for wallet, group in known.groupby("wallet", sort=True):
        users = sorted(group["user_id"].unique())
        if len(users) > 1:
            findings.add("wallet_shared_by_users", keys.wallet_pk(wallet),
                         f"claimed by {len(users)} Discord users: {', '.join(users)} "
                         f"(items: {'; '.join(sorted(group['key']))})", table=table)
    for user, group in known.groupby("user_id", sort=True):
        wallets = sorted(group["wallet"].unique())
        if len(wallets) > 1:
            findings.add("user_with_several_wallets", keys.user_pk(user),
                         f"{len(wallets)} wallets: {', '.join(wallets)}", table=table)


def valid_amounts(participants: pd.DataFrame) -> pd.Series:
    """The valid amounts (SOL, >= 0), as floats."""
    return participants.loc[participants["amount_valid"], "amount"].astype(float)


def _exact_total(participants: pd.DataFrame) -> Decimal:
    return sum((v for v in participants.loc[participants["amount_valid"], "amount_exact"]), Decimal(0))


def _float_or_none(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def headline(participants: pd.DataFrame) -> dict[str, Any]:
    """Total invested (SOL, exact sum of valid amounts), participants, active, median and mean.

    ``participant_count`` counts every participant item; the amount figures use valid amounts
    only (``amounts_excluded`` says how many were left out). Median and mean are over every
    valid amount, zeros included; ``None`` when there is none.
    """
    amounts = valid_amounts(participants)
    return {
        "total_invested": float(_exact_total(participants)),
        "participant_count": int(len(participants)),
        "active_participants": int(participants["active"].sum()),
        "median_investment": _float_or_none(amounts.median()) if len(amounts) else None,
        "mean_investment": _float_or_none(amounts.mean()) if len(amounts) else None,
        "amounts_excluded": int((~participants["amount_valid"]).sum()),
    }


def amount_quantiles(participants: pd.DataFrame,
                     quantiles: Iterable[float] = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)) -> pd.DataFrame:
    """Quantiles of the valid amounts (linear interpolation), for all and for active participants."""
    amounts = valid_amounts(participants)
    active = amounts[amounts > 0]
    rows = []
    for q in quantiles:
        label = {0.0: "min", 1.0: "max", 0.5: "median"}.get(q, f"p{q * 100:g}")
        rows.append({"quantile": label,
                     "all participants (SOL)": float(amounts.quantile(q)) if len(amounts) else math.nan,
                     "active participants (SOL)": float(active.quantile(q)) if len(active) else math.nan})
    return pd.DataFrame(rows, columns=["quantile", "all participants (SOL)", "active participants (SOL)"])


def top_investors(participants: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest valid amounts (ties by key), full wallet addresses (the report's table
    shortens them, the full address in a tooltip), share of the total."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise DataError(f"n must be a non-negative integer, got {n!r}")
    valid = participants[participants["amount_valid"]]
    total = float(_exact_total(participants))
    top = valid.sort_values(["amount", "key"], ascending=[False, True], kind="stable").head(int(n))
    return pd.DataFrame({
        "rank": range(1, len(top) + 1),
        "Discord user": top["user_id"].to_numpy(),
        "wallet": top["wallet"].to_numpy(),
        "invested (SOL)": top["amount"].to_numpy(),
        "share of total": (top["amount"] / total).to_numpy() if total > 0 else np.full(len(top), math.nan),
        "joined": top["created_at"].to_numpy(),
    })


# -- concentration ------------------------------------------------------------------------------

def _as_array(amounts: Iterable[float]) -> np.ndarray:
    values = np.asarray(list(amounts), dtype=float)
    values = values[~np.isnan(values)]
    if (values < 0).any():
        raise DataError("amounts must be >= 0 (negative amounts are findings, not investments)")
    return values


def gini(amounts: Iterable[float]) -> float:
    """Gini coefficient (:func:`concentration.gini`); NaN when there is nothing to share."""
    value = _concentration.gini(_as_array(amounts))
    return math.nan if value is None else value


def herfindahl(amounts: Iterable[float]) -> float:
    """Herfindahl-Hirschman index (:func:`concentration.herfindahl`); NaN when there is nothing."""
    value = _concentration.herfindahl(_as_array(amounts))
    return math.nan if value is None else value


def concentration(amounts: Iterable[float]) -> dict[str, float | int]:
    """Shares of the top 1, top 10 and top 10 % (ceil(n / 10), at least 1), Gini, Herfindahl."""
    x = np.sort(_as_array(amounts))[::-1]
    n, total = len(x), float(x.sum())
    top_decile = max(1, math.ceil(n / 10)) if n else 0

    def share(k: int) -> float:
        return float(x[:k].sum() / total) if n and total > 0 else math.nan

    hhi = herfindahl(x)
    return {
        "participants": n,
        "top1_share": share(1),
        "top10_share": share(10),
        "top10pct_count": top_decile,
        "top10pct_share": share(top_decile),
        "gini": gini(x),
        "herfindahl": hhi,
        "effective_participants": 1.0 / hhi if hhi and not math.isnan(hhi) else math.nan,
    }


# -- growth -------------------------------------------------------------------------------------

def weekly_growth(participants: pd.DataFrame, *, start: pd.Timestamp | None, end: pd.Timestamp | None,
                  as_of: pd.Timestamp, timezone: str = "UTC") -> pd.DataFrame:
    """Per week (Monday 00:00 in ``timezone``) of the window ``[start, end)``: new participants and
    their SOL, and the cumulative participants and SOL at the end of the week (by ``createdAt``,
    all earlier participants included; amounts as they are now — the table keeps no history).

    ``start``/``end`` ``None``: from the first ``createdAt`` / to ``as_of``. Participants without a
    plausible ``createdAt`` are left out (they are findings).
    """
    dated = participants[participants["created_ok"]]
    created = dated["created_at"]
    amounts = dated["amount"].where(dated["amount_valid"], 0.0)
    hi = min(pd.Timestamp(end), pd.Timestamp(as_of)) if end is not None else pd.Timestamp(as_of)
    lo = pd.Timestamp(start) if start is not None else (created.min() if len(created) else None)
    columns = ["week", "new participants", "new SOL", "cumulative participants", "cumulative SOL"]
    if lo is None or pd.isna(lo) or lo >= hi:
        return pd.DataFrame(columns=columns)
    def utc_midnight(day: pd.Timestamp) -> pd.Timestamp:  # a local wall-clock midnight, DST-safe
        return day.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC")

    local_day = lo.tz_convert(timezone).tz_localize(None).normalize()
    week = local_day - pd.Timedelta(days=local_day.weekday())  # naive local Monday
    rows = []
    while utc_midnight(week) < hi:
        nxt = week + pd.Timedelta(days=7)
        w_lo, w_hi = max(utc_midnight(week), lo), min(utc_midnight(nxt), hi)
        new = (created >= w_lo) & (created < w_hi)
        upto = created < w_hi
        rows.append({"week": week.date(), "new participants": int(new.sum()),
                     "new SOL": float(amounts[new].sum()), "cumulative participants": int(upto.sum()),
                     "cumulative SOL": float(amounts[upto].sum())})
        week = nxt
    return pd.DataFrame(rows, columns=columns)


def updated_in_window(participants: pd.DataFrame, *, start: pd.Timestamp | None,
                      end: pd.Timestamp | None) -> pd.DataFrame:
    """Participants whose ``updatedAt`` is in ``[start, end)`` and later than their ``createdAt``
    (a change after joining, not the creation itself), newest first; full wallet addresses."""
    moved = participants["updated_ok"] & in_window(participants["updated_at"], start, end)
    moved &= participants["created_at"].isna() | (participants["updated_at"] > participants["created_at"])
    rows = participants[moved].sort_values(["updated_at", "key"], ascending=[False, True], kind="stable")
    return pd.DataFrame({
        "Discord user": rows["user_id"].to_numpy(),
        "wallet": rows["wallet"].to_numpy(),
        "invested (SOL)": rows["amount"].to_numpy(),
        "joined": rows["created_at"].to_numpy(),
        "updated": rows["updated_at"].to_numpy(),
    })


# -- GLOBAL#STATS -------------------------------------------------------------------------------

def reconcile_global_stats(stats: Mapping[str, Any] | None, participants: pd.DataFrame) -> pd.DataFrame:
    """``GLOBAL#STATS`` against the values recomputed from the participants.

    One row per field (``totalInvested``, ``participantCount``, ``activeParticipants``):
    ``stored`` (None when the item or the field is missing or not a number), ``recomputed``,
    ``difference`` = stored − recomputed (exact, then float; None when nothing is stored).
    """
    recomputed = {
        "totalInvested": _exact_total(participants),
        "participantCount": Decimal(len(participants)),
        "activeParticipants": Decimal(int(participants["active"].sum())),
    }
    rows = []
    for field in STATS_FIELDS:
        stored = _exact_number(stats.get(field)) if stats else None
        diff = stored - recomputed[field] if stored is not None else None
        rows.append({"field": field,
                     "stored": float(stored) if stored is not None else None,
                     "recomputed": float(recomputed[field]),
                     "difference": float(diff) if diff is not None else None})
    return pd.DataFrame(rows, columns=["field", "stored", "recomputed", "difference"])


def stats_drift(reconciliation: pd.DataFrame) -> dict[str, dict[str, float | None]]:
    """The reconciliation as ``{field: {stored, recomputed, difference}}`` (for summary.json)."""
    out = {}
    for _, row in reconciliation.iterrows():
        out[row["field"]] = {k: (None if row[k] is None or pd.isna(row[k]) else float(row[k]))
                             for k in ("stored", "recomputed", "difference")}
    return out


def global_stats_staleness(stats: Mapping[str, Any] | None, participants: pd.DataFrame) -> dict[str, Any]:
    """Stats ``updatedAt`` against the newest plausible participant change (created or updated).

    ``stale_by`` (a Timedelta) is positive when the stats are older than that change.
    """
    times = pd.concat([participants.loc[participants["created_ok"], "created_at"],
                       participants.loc[participants["updated_ok"], "updated_at"]])
    newest = times.max() if len(times) else pd.NaT
    stats_at = stats.get("updatedAt") if stats else pd.NaT
    stats_at = pd.NaT if _missing(stats_at) else pd.Timestamp(stats_at)
    stale_by = newest - stats_at if not (pd.isna(newest) or pd.isna(stats_at)) else pd.NaT
    return {"stats_updated_at": stats_at, "newest_participant_change": newest, "stale_by": stale_by,
            "stale": bool(not pd.isna(stale_by) and stale_by > pd.Timedelta(0))}


def check_global_stats(stats: Mapping[str, Any] | None, reconciliation: pd.DataFrame,
                       staleness: Mapping[str, Any], findings: Findings, *, table: str = "") -> None:
    """Findings for a drifted or stale ``GLOBAL#STATS`` item (its absence is found by :func:`classify_items`)."""
    if not stats:
        return
    key = f"{STATS_PK} / {STATS_PK}"
    for _, row in reconciliation.iterrows():
        if row["stored"] is None or pd.isna(row["stored"]):
            raw = stats.get(row["field"])
            findings.add("global_stats_drift", key,
                         f"{row['field']} is {'missing' if _missing(raw) else repr(raw)}, not a number "
                         f"(recomputed: {row['recomputed']:g})", table=table)
        elif row["difference"] != 0:
            findings.add("global_stats_drift", key,
                         f"{row['field']} stored {row['stored']:g}, recomputed {row['recomputed']:g} "
                         f"(difference {row['difference']:+g})", table=table)
    if stats.get("updatedAt_unreadable") or _missing(staleness["stats_updated_at"]):
        findings.add("global_stats_stale", key, "updatedAt is missing or unreadable", table=table)
    elif staleness["stale"]:
        findings.add("global_stats_stale", key,
                     f"updatedAt {_fmt_time(staleness['stats_updated_at'])} is "
                     f"{format_duration(staleness['stale_by'])} "
                     f"older than the newest participant change ({_fmt_time(staleness['newest_participant_change'])})",
                     table=table)


def format_duration(delta: pd.Timedelta) -> str:
    """``2 d 2 h 57 min`` (a Timedelta, for text)."""
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours or days else []
    parts += [f"{minutes} min"]
    return " ".join(parts)
