"""Commercive support chat (document 003, chat half): conversations opened and closed, the open
backlog, time to first admin reply, messages per conversation, unread messages, busy hours, and
the chat's data-quality rules.

Pure functions over DataFrames: no boto3, no I/O. Frames are the ones
:func:`dynamo_reports.systems.commercive.conversations_frame` / ``messages_frame`` build
(timestamps as UTC datetimes). Nothing is rounded here.

Definitions, and the choices made where issue 7 leaves them open:

* **Opened in the window** = ``created_at`` in the window. **Closed in the window** = ``status``
  closed and ``updated_at`` in the window: the last update of a closed conversation is taken as
  its closing time (the data model has no ``closed_at``).
* **Open backlog** = conversations with ``status`` open created at or before ``as_of``, whatever
  the window (the state as read); age = ``as_of − created_at``.
* **Time to first admin reply** = the first ``admin`` message at or after the conversation's
  ``created_at``, minus ``created_at``, in minutes; over the conversations opened in the window
  that have one. A conversation without an admin reply has no time (it is listed as waiting when
  open). Median and p90 use linear interpolation between closest ranks (pandas' ``quantile``):
  p90 of ``n`` sorted values is at position ``0.9 × (n − 1)``. Weeks start on Monday 00:00 in the
  report's time zone.
* **Unread**: a ``user`` message whose ``read`` is not true waits for an admin; an ``admin``
  message whose ``read`` is not true waits for the user (a missing ``read`` counts as unread).
* **Busiest hours**: messages created in the window, by hour of the day in the report's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from .attributes import ATTRIBUTE_RULES, Attribute, check_attributes
from .quality import Findings
from .quality import as_text as _text
from .window import in_window, weekly_median_p90

__all__ = [
    "SENDERS", "RULES", "describe_rules", "combine_conversations", "opened_in_window", "closed_in_window",
    "open_backlog", "backlog_stats", "first_replies", "reply_time_stats", "weekly_reply_times",
    "awaiting_first_reply", "messages_per_conversation", "message_count_stats", "unread_counts",
    "unread_by_conversation",
    "busiest_hours", "check_chat", "message_texts", "ATTRIBUTES", "MAX_MESSAGE_CHARS",
]

SENDERS = ("user", "admin")

#: The data-quality rules of the support report (declared with ``Findings.describe``).
RULES: dict[str, str] = {
    "unknown_sender": "message whose sender is missing or not user / admin (left out of reply times and unread)",
    "message_before_conversation": "message created before its conversation's created_at",
    "conversation_without_messages": "conversation with no message at all",
    "unreadable_timestamp": "created_at / updated_at missing or unreadable (left out of what needs that time)",
    **{rule: text for rule, text in ATTRIBUTE_RULES.items() if rule != "missing_attribute"},
}

#: Plausibility bound of one chat message's text (a 350 KB text is typed data, not a message).
MAX_MESSAGE_CHARS = 10_000

#: The rule of every other attribute the report uses (timestamps and ``sender`` have their own rules
#: above). ``read`` must be a Boolean: ``"yes"`` is a finding and neither read nor unread.
ATTRIBUTES: dict[str, tuple[Attribute, ...]] = {
    "conversations": (Attribute("conversation_id", "text"), Attribute("user_id", "text"),
                      Attribute("status", "choice", choices=("open", "closed")), Attribute("subject", "text")),
    "messages": (Attribute("message_id", "text"), Attribute("sender_id", "text"),
                 Attribute("text", "text", max_chars=MAX_MESSAGE_CHARS), Attribute("read", "bool")),
}


def describe_rules(findings: Findings) -> None:
    """Declare every rule, so a rule that found nothing is shown with 0."""
    findings.describe_all(RULES)


_between = in_window


# -- conversations ------------------------------------------------------------------------------

def combine_conversations(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several reads of the conversations (open, closed) as one frame, each conversation once."""
    kept = [f for f in frames if not f.empty] or list(frames[:1])
    out = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0].copy()
    out = out.drop_duplicates("conversation_id", keep="first")
    return out.sort_values(["created_at", "conversation_id"], na_position="last").reset_index(drop=True)


def opened_in_window(conversations: pd.DataFrame, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> pd.DataFrame:
    """Conversations whose ``created_at`` is in ``[lo, hi)``."""
    return conversations[_between(conversations["created_at"], lo, hi)]


def closed_in_window(conversations: pd.DataFrame, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> pd.DataFrame:
    """Closed conversations whose ``updated_at`` (taken as the closing time) is in ``[lo, hi)``."""
    closed = conversations["status"].map(_text) == "closed"
    return conversations[closed & _between(conversations["updated_at"], lo, hi)]


def open_backlog(conversations: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Open conversations created at or before ``as_of``, oldest first, with ``age_hours``."""
    is_open = conversations["status"].map(_text) == "open"
    backlog = conversations[is_open & conversations["created_at"].notna() & (conversations["created_at"] <= as_of)]
    backlog = backlog.assign(age_hours=(as_of - backlog["created_at"]).dt.total_seconds() / 3600.0)
    return backlog.sort_values(["created_at", "conversation_id"]).reset_index(drop=True)


def backlog_stats(backlog: pd.DataFrame) -> dict[str, Any]:
    """``open``, ``median_age_hours``, ``oldest_age_hours`` (``None`` when nothing is open)."""
    if backlog.empty:
        return {"open": 0, "median_age_hours": None, "oldest_age_hours": None}
    ages = backlog["age_hours"].astype(float)
    return {"open": int(len(backlog)), "median_age_hours": float(ages.median()), "oldest_age_hours": float(ages.max())}


# -- replies ------------------------------------------------------------------------------------

def first_replies(conversations: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """Per conversation with a ``created_at``: ``conversation_id``, ``created_at``, ``first_reply_at``
    (first admin message at or after ``created_at``; NaT when none) and ``minutes`` between."""
    columns = ["conversation_id", "created_at", "first_reply_at", "minutes"]
    dated = conversations[conversations["created_at"].notna()]
    base = pd.DataFrame({"conversation_id": dated["conversation_id"].map(_text).to_numpy(),
                         "created_at": dated["created_at"].to_numpy()})
    if base.empty:
        return pd.DataFrame(columns=columns)
    base["created_at"] = pd.to_datetime(base["created_at"], utc=True)
    admin = messages[(messages["sender"].map(_text) == "admin") & messages["created_at"].notna()]
    admin = pd.DataFrame({"conversation_id": admin["conversation_id"].map(_text).to_numpy(),
                          "reply_at": admin["created_at"].to_numpy()})
    joined = base.merge(admin, on="conversation_id", how="left")
    joined = joined[joined["reply_at"].isna() | (joined["reply_at"] >= joined["created_at"])]
    first = joined.groupby("conversation_id")["reply_at"].min()
    base["first_reply_at"] = pd.to_datetime(base["conversation_id"].map(first), utc=True)
    base["minutes"] = (base["first_reply_at"] - base["created_at"]).dt.total_seconds() / 60.0
    return base.reindex(columns=columns)


def reply_time_stats(minutes: Iterable[float]) -> dict[str, Any]:
    """``count``, ``median`` and ``p90`` (minutes, linear interpolation) — ``None`` when there is nothing."""
    values = pd.Series(list(minutes), dtype=float).dropna()
    if values.empty:
        return {"count": 0, "median": None, "p90": None}
    return {"count": int(len(values)), "median": float(values.quantile(0.5)), "p90": float(values.quantile(0.9))}


def _week_start(times: pd.Series, timezone: str) -> pd.Series:
    local = times.dt.tz_convert(timezone).dt.tz_localize(None)
    return (local - pd.to_timedelta(local.dt.weekday, unit="D")).dt.normalize()


def weekly_reply_times(replies: pd.DataFrame, *, timezone: str = "UTC", lo: pd.Timestamp | None = None,
                       hi: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per week of the conversation's creation (Monday, every week from ``lo`` to ``hi``):
    ``replied`` (count), ``median_minutes``, ``p90_minutes`` (NaN for a week without a reply)."""
    timed = replies[replies["minutes"].notna()]
    weeks = _week_start(pd.to_datetime(timed["created_at"], utc=True), timezone) if not timed.empty else None
    first = weeks.min() if weeks is not None else None
    last = weeks.max() if weeks is not None else None
    if lo is not None:
        first = _week_start(pd.Series([lo]), timezone).iloc[0]
    if hi is not None:
        last = _week_start(pd.Series([hi - pd.Timedelta(microseconds=1)]), timezone).iloc[0]
    index = (pd.date_range(first, last, freq="7D", name="week")
             if first is not None and last is not None and first <= last else pd.DatetimeIndex([], name="week"))
    return weekly_median_p90(timed["minutes"], weeks, index, count="replied", unit="minutes")


def awaiting_first_reply(backlog: pd.DataFrame, replies: pd.DataFrame) -> pd.DataFrame:
    """Open conversations of ``backlog`` without any admin reply: ``conversation_id``, ``created_at``,
    ``waiting_hours`` (their age), oldest first."""
    replied = set(replies.loc[replies["minutes"].notna(), "conversation_id"])
    waiting = backlog[~backlog["conversation_id"].map(_text).isin(replied)]
    return pd.DataFrame({"conversation_id": waiting["conversation_id"].map(_text),
                         "created_at": waiting["created_at"],
                         "waiting_hours": waiting["age_hours"]}).reset_index(drop=True)


# -- messages -----------------------------------------------------------------------------------

def messages_per_conversation(conversations: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """Per conversation of ``conversations``: ``messages``, ``from_user``, ``from_admin`` (zeros included)."""
    ids = conversations["conversation_id"].map(_text)
    own = messages[messages["conversation_id"].map(_text).isin(set(ids))]
    sender = own["sender"].map(_text)
    key = own["conversation_id"].map(_text)
    out = pd.DataFrame({"conversation_id": ids.to_numpy()})
    for column, mask in (("messages", None), ("from_user", sender == "user"), ("from_admin", sender == "admin")):
        counts = (key if mask is None else key[mask]).value_counts()
        out[column] = out["conversation_id"].map(counts).fillna(0).astype(int)
    return out


def message_count_stats(per_conversation: pd.DataFrame) -> dict[str, Any]:
    """``conversations``, ``messages``, ``median``, ``mean``, ``max`` messages per conversation."""
    counts = per_conversation["messages"].astype(float)
    if counts.empty:
        return {"conversations": 0, "messages": 0, "median": None, "mean": None, "max": None}
    return {"conversations": int(len(counts)), "messages": int(counts.sum()), "median": float(counts.median()),
            "mean": float(counts.mean()), "max": int(counts.max())}


def _unread(value: Any) -> bool:
    """``read`` false or missing; a ``read`` that is not a Boolean (``"yes"``) is a finding, not unread."""
    return value is False or value is None or (isinstance(value, float) and value != value)


def unread_counts(messages: pd.DataFrame) -> dict[str, int]:
    """``unread_by_admin`` (user messages whose ``read`` is false or missing) and ``unread_by_user``
    (admin messages)."""
    unread = messages["read"].map(_unread) if not messages.empty else pd.Series(dtype=bool)
    sender = messages["sender"].map(_text)
    return {"unread_by_admin": int((unread & (sender == "user")).sum()),
            "unread_by_user": int((unread & (sender == "admin")).sum())}


def unread_by_conversation(messages: pd.DataFrame) -> pd.DataFrame:
    """Per conversation with an unread message: ``conversation_id``, ``unread_by_admin`` (user
    messages), ``unread_by_user`` (admin messages); sorted by id."""
    columns = ["conversation_id", "unread_by_admin", "unread_by_user"]
    unread = messages[messages["read"].map(_unread)] if not messages.empty else messages
    if unread.empty:
        return pd.DataFrame(columns=columns)
    sender = unread["sender"].map(_text)
    key = unread["conversation_id"].map(_text)
    out = pd.DataFrame({"conversation_id": sorted(set(key))})
    out["unread_by_admin"] = out["conversation_id"].map(key[sender == "user"].value_counts()).fillna(0).astype(int)
    out["unread_by_user"] = out["conversation_id"].map(key[sender == "admin"].value_counts()).fillna(0).astype(int)
    return out


def busiest_hours(messages: pd.DataFrame, *, timezone: str = "UTC") -> pd.DataFrame:
    """Messages by hour of the day (0-23, every hour present) in ``timezone``: ``user``, ``admin``, ``total``."""
    dated = messages[messages["created_at"].notna()]
    hours = dated["created_at"].dt.tz_convert(timezone).dt.hour
    sender = dated["sender"].map(_text)
    out = pd.DataFrame(index=pd.RangeIndex(24, name="hour"))
    for name in SENDERS:
        out[name] = hours[sender == name].value_counts().reindex(out.index, fill_value=0).astype(int)
    out["total"] = hours.value_counts().reindex(out.index, fill_value=0).astype(int)
    return out


# -- data quality -------------------------------------------------------------------------------

def _bad_times(frame: pd.DataFrame, column: str) -> pd.Series:
    listed = set(frame.attrs.get("invalid_timestamps", {}).get(column, []))
    return frame[column].isna() | frame.index.isin(list(listed))


def check_chat(conversations: pd.DataFrame, messages: pd.DataFrame, findings: Findings) -> None:
    """Every rule of :data:`RULES` over the conversations read and their messages."""
    for _, row in conversations[_bad_times(conversations, "created_at")
                                  | _bad_times(conversations, "updated_at")].iterrows():
        bad = [c for c in ("created_at", "updated_at") if pd.isna(row[c])]
        findings.add("unreadable_timestamp", _text(row["conversation_id"]),
                     f"{' and '.join(bad)} missing or unreadable", table="conversations")
    for _, row in messages[_bad_times(messages, "created_at")].iterrows():
        findings.add("unreadable_timestamp", f"{_text(row['conversation_id'])} / {_text(row['message_id'])}",
                     "created_at missing or unreadable", table="messages")
    for _, row in messages[~messages["sender"].map(_text).isin(SENDERS)].iterrows():
        findings.add("unknown_sender", f"{_text(row['conversation_id'])} / {_text(row['message_id'])}",
                     f"sender {_text(row['sender']) or '(missing)'!r} (known: user, admin)", table="messages")
    created = dict(zip(conversations["conversation_id"].map(_text), conversations["created_at"], strict=True))
    for _, row in messages.iterrows():
        start = created.get(_text(row["conversation_id"]))
        if start is not None and pd.notna(start) and pd.notna(row["created_at"]) and row["created_at"] < start:
            minutes = (start - row["created_at"]).total_seconds() / 60.0
            findings.add("message_before_conversation", f"{_text(row['conversation_id'])} / {_text(row['message_id'])}",
                         f"created {minutes:,.0f} min before its conversation", table="messages")
    with_messages = set(messages["conversation_id"].map(_text))
    for cid in conversations["conversation_id"].map(_text):
        if cid not in with_messages:
            findings.add("conversation_without_messages", cid, "no message in the Messages table",
                         table="conversations")
    check_attributes(conversations, ATTRIBUTES["conversations"], findings, table="conversations",
                     key=lambda row: _text(row["conversation_id"]))
    check_attributes(messages, ATTRIBUTES["messages"], findings, table="messages",
                     key=lambda row: f"{_text(row['conversation_id'])} / {_text(row['message_id'])}")


def message_texts(messages: pd.DataFrame) -> pd.DataFrame:
    """The messages with their text (``show_messages`` only): ``conversation_id``, ``created_at``,
    ``sender``, ``text``, oldest first. Display through ``report.table`` (escaped)."""
    out = messages.reindex(columns=["conversation_id", "created_at", "sender", "text"]).copy()
    out["text"] = out["text"].map(_text)
    return out.sort_values(["created_at", "conversation_id"], na_position="last").reset_index(drop=True)
