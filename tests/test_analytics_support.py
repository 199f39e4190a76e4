"""Support-chat analytics on small hand-made frames; every expected number is worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dynamo_reports.analytics import support
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.systems.commercive import conversations_frame, messages_frame

LO, HI = pd.Timestamp("2025-06-02T00:00:00Z"), pd.Timestamp("2025-06-16T00:00:00Z")   # two Monday weeks
AS_OF = pd.Timestamp("2025-06-16T00:00:00Z")


def _conv(cid, created, status="closed", updated=None):
    return {"conversation_id": cid, "user_id": "u", "status": status, "subject": "s", "created_at": created,
            "updated_at": updated or created}


def _msg(cid, at, sender="user", read=True, n=0):
    return {"conversation_id": cid, "message_id": f"{at}#{n}", "sender": sender, "sender_id": "x", "text": "hi",
            "created_at": at, "read": read}


def _conversations():
    return conversations_frame([
        _conv("c1", "2025-06-02T10:00:00Z", "open", "2025-06-02T10:10:00Z"),
        _conv("c2", "2025-06-03T09:00:00Z", "closed", "2025-06-03T12:00:00Z"),
        _conv("c3", "2025-06-04T08:00:00Z", "closed", "2025-06-10T00:00:00Z"),
        _conv("c8", "2025-06-05T00:00:00Z", "closed", "2025-06-05T02:00:00Z"),
        _conv("c9", "2025-06-06T00:00:00Z", "closed", "2025-06-06T03:00:00Z"),
        _conv("c4", "2025-06-07T12:00:00Z", "open"),
        _conv("c6", "2025-06-08T00:00:00Z", "open"),
        _conv("c10", "2025-06-10T00:00:00Z", "closed", "2025-06-10T05:00:00Z"),
        _conv("c5", "2025-05-20T00:00:00Z", "closed", "2025-06-05T00:00:00Z"),
        _conv("c7", "yesterday", "open", "2025-06-09T00:00:00Z"),
        _conv("c11", "2025-06-17T00:00:00Z", "open"),          # after as_of: not in the backlog
    ])


def _messages():
    return messages_frame([
        _msg("c1", "2025-06-02T10:00:00Z"), _msg("c1", "2025-06-02T10:10:00Z", "admin", read=False),   # 10 min
        _msg("c2", "2025-06-03T09:00:00Z"), _msg("c2", "2025-06-03T09:20:00Z", "admin"),                # 20 min
        _msg("c2", "2025-06-03T09:30:00Z"), _msg("c2", "2025-06-03T09:31:00Z", "bot"),                  # unknown sender
        _msg("c3", "2025-06-04T08:00:00Z"), _msg("c3", "2025-06-04T08:30:00Z", "admin"),                # 30 min
        _msg("c8", "2025-06-05T00:00:00Z"), _msg("c8", "2025-06-05T00:40:00Z", "admin"),                # 40 min
        _msg("c9", "2025-06-06T00:00:00Z"), _msg("c9", "2025-06-06T01:40:00Z", "admin"),                # 100 min
        _msg("c4", "2025-06-07T12:00:00Z", read=False), _msg("c4", "2025-06-07T12:05:00Z", read=False, n=1),
        _msg("c10", "2025-06-10T00:00:00Z"), _msg("c10", "2025-06-10T00:50:00Z", "admin"),              # 50 min
        # c5: an admin message an hour before the conversation, then the reply 100 min after it
        _msg("c5", "2025-05-19T23:00:00Z", "admin"), _msg("c5", "2025-05-20T00:00:00Z"),
        _msg("c5", "2025-05-20T01:40:00Z", "admin"),
        _msg("c7", "2025-06-09T00:00:00Z"), _msg("c7", "not a time", "admin"),
    ])


def test_reply_time_stats_worked_by_hand():
    # sorted [10, 20, 30, 40, 100]: median = 30; p90 at position 0.9 * 4 = 3.6 -> 40 + 0.6 * (100 - 40) = 76
    assert support.reply_time_stats([30, 10, 100, 20, 40]) == {"count": 5, "median": 30.0, "p90": pytest.approx(76.0)}
    # sorted [10, 20, 30, 40, 50, 100]: median (30 + 40) / 2 = 35; p90 at 0.9 * 5 = 4.5 -> 50 + 0.5 * 50 = 75
    assert support.reply_time_stats([10, 20, 30, 40, 100, 50, math.nan]) == {
        "count": 6, "median": 35.0, "p90": pytest.approx(75.0)}
    assert support.reply_time_stats([]) == {"count": 0, "median": None, "p90": None}


def test_first_replies_from_messages():
    replies = support.first_replies(_conversations(), _messages()).set_index("conversation_id")
    assert replies["minutes"].to_dict() == pytest.approx({
        "c1": 10.0, "c2": 20.0, "c3": 30.0, "c8": 40.0, "c9": 100.0, "c10": 50.0,
        "c5": 100.0,                         # the admin message before created_at is not a reply
        "c4": math.nan, "c6": math.nan, "c11": math.nan}, nan_ok=True)
    assert "c7" not in replies.index        # no readable created_at: no time to measure from
    opened = support.opened_in_window(_conversations(), LO, HI)
    window = replies.loc[opened["conversation_id"]]
    # opened in the window: c1 c2 c3 c8 c9 c4 c6 c10 -> replies [10, 20, 30, 40, 100, 50]: median 35, p90 75
    assert support.reply_time_stats(window["minutes"]) == {"count": 6, "median": 35.0, "p90": pytest.approx(75.0)}


def test_weekly_reply_times():
    replies = support.first_replies(_conversations(), _messages())
    opened = set(support.opened_in_window(_conversations(), LO, HI)["conversation_id"])
    weekly = support.weekly_reply_times(replies[replies["conversation_id"].isin(opened)], lo=LO, hi=HI)
    # week of 06-02: [10, 20, 30, 40, 100] -> median 30, p90 76; week of 06-09: [50]
    assert [w.date().isoformat() for w in weekly.index] == ["2025-06-02", "2025-06-09"]
    assert weekly["replied"].tolist() == [5, 1]
    assert weekly["median_minutes"].tolist() == [30.0, 50.0]
    assert weekly["p90_minutes"].tolist() == pytest.approx([76.0, 50.0])
    empty = support.weekly_reply_times(replies.iloc[0:0], lo=LO, hi=HI)
    assert empty["replied"].tolist() == [0, 0] and empty["median_minutes"].isna().all()


def test_opened_closed_and_backlog():
    conversations = _conversations()
    assert sorted(support.opened_in_window(conversations, LO, HI)["conversation_id"]) == sorted(
        ["c1", "c2", "c3", "c8", "c9", "c4", "c6", "c10"])
    # closed with updated_at in the window: c2 (06-03), c3 (06-10), c8, c9, c10, and c5 (opened in May)
    assert sorted(support.closed_in_window(conversations, LO, HI)["conversation_id"]) == sorted(
        ["c2", "c3", "c8", "c9", "c10", "c5"])
    backlog = support.open_backlog(conversations, AS_OF)
    # open, created <= as_of: c1 (06-02 10:00 -> 13 d 14 h = 326 h), c4 (06-07 12:00 -> 204 h), c6 (192 h);
    # c7 has no readable created_at, c11 is after as_of
    assert backlog["conversation_id"].tolist() == ["c1", "c4", "c6"]
    assert backlog["age_hours"].tolist() == [326.0, 204.0, 192.0]
    assert support.backlog_stats(backlog) == {"open": 3, "median_age_hours": 204.0, "oldest_age_hours": 326.0}
    assert support.backlog_stats(backlog.iloc[0:0]) == {"open": 0, "median_age_hours": None, "oldest_age_hours": None}
    waiting = support.awaiting_first_reply(backlog, support.first_replies(conversations, _messages()))
    assert waiting["conversation_id"].tolist() == ["c4", "c6"] and waiting["waiting_hours"].tolist() == [204.0, 192.0]


def test_combine_conversations_keeps_each_once():
    a = conversations_frame([_conv("c1", "2025-06-02T10:00:00Z"), _conv("c2", "2025-06-01T00:00:00Z")])
    b = conversations_frame([_conv("c1", "2025-06-02T10:00:00Z")])
    combined = support.combine_conversations(a, b)
    assert combined["conversation_id"].tolist() == ["c2", "c1"]
    assert support.combine_conversations(conversations_frame([]), conversations_frame([])).empty


def test_messages_unread_and_hours():
    conversations, messages = _conversations(), _messages()
    per = support.messages_per_conversation(support.opened_in_window(conversations, LO, HI), messages)
    counts = dict(zip(per["conversation_id"], per["messages"], strict=True))
    # c2: 4 messages (2 user, 1 admin, 1 bot); c6: none
    assert counts == {"c1": 2, "c2": 4, "c3": 2, "c8": 2, "c9": 2, "c4": 2, "c6": 0, "c10": 2}
    assert per.set_index("conversation_id").loc["c2", ["from_user", "from_admin"]].tolist() == [2, 1]
    # 16 messages over 8 conversations: sorted [0, 2, 2, 2, 2, 2, 2, 4] -> median 2, mean 2, max 4
    assert support.message_count_stats(per) == {"conversations": 8, "messages": 16, "median": 2.0, "mean": 2.0,
                                                 "max": 4}
    # unread: c1's admin message (waits for the user); c4's two user messages (wait for an admin)
    assert support.unread_counts(messages) == {"unread_by_admin": 2, "unread_by_user": 1}
    assert support.unread_by_conversation(messages).to_dict("records") == [
        {"conversation_id": "c1", "unread_by_admin": 0, "unread_by_user": 1},
        {"conversation_id": "c4", "unread_by_admin": 2, "unread_by_user": 0}]
    hours = support.busiest_hours(messages)
    # 00h: users at 00:00 in c8, c9, c10, c5, c7 (5); admins at c8 00:40 and c10 00:50 (2) -> 7;
    # 01h: c9 01:40, c5 01:40 -> 2
    assert len(hours) == 24 and hours.loc[0, "total"] == 7 and hours.loc[1, "total"] == 2
    assert hours.loc[0, "user"] == 5 and hours.loc[0, "admin"] == 2
    # 2+4+2+2+2+2+2 (c1 c2 c3 c8 c9 c4 c10) + 3 (c5) + 2 (c7) = 21 messages, one without a readable time
    assert hours["total"].sum() == 20
    # in Asia/Tokyo (UTC+9) the 00h messages are at 09h
    assert support.busiest_hours(messages, timezone="Asia/Tokyo").loc[9, "total"] == 7


def test_data_quality_rules():
    findings = Findings()
    support.describe_rules(findings)
    support.check_chat(_conversations(), _messages(), findings)
    rows = findings.to_frame()
    by_rule = {rule: sorted(rows[rows["rule"] == rule]["key"]) for rule in support.RULES}
    assert by_rule == {
        "unknown_sender": ["c2 / 2025-06-03T09:31:00Z#0"],
        "message_before_conversation": ["c5 / 2025-05-19T23:00:00Z#0"],
        "conversation_without_messages": ["c11", "c6"],
        "unreadable_timestamp": ["c7", "c7 / not a time#0"],
        "wrong_type": [], "out_of_range": [], "unknown_value": [],
    }
    assert "60 min before" in rows[rows["rule"] == "message_before_conversation"]["detail"].iloc[0]
    assert findings.counts() == {"unknown_sender": 1, "message_before_conversation": 1,
                                 "conversation_without_messages": 2, "unreadable_timestamp": 2,
                                 "wrong_type": 0, "out_of_range": 0, "unknown_value": 0}


def test_read_that_is_not_a_boolean_is_a_finding_not_unread():
    # Issue 11, item 12, worked by hand: four user messages of c1 — read False (unread), read
    # missing (unread), read "yes" (wrong_type, neither read nor unread), read True (read) ->
    # unread_by_admin = 2 (it was 3: "yes" counted as unread) and one finding naming "read".
    conversations = conversations_frame([{"conversation_id": "c1", "user_id": "u", "status": "open",
                                          "subject": "s", "created_at": "2025-06-01T09:00:00Z",
                                          "updated_at": "2025-06-01T10:00:00Z"}])
    messages = messages_frame([
        {"conversation_id": "c1", "message_id": f"2025-06-01T09:0{n}:00Z#{n}", "sender": "user", "sender_id": "u",
         "text": "hi", "created_at": f"2025-06-01T09:0{n}:00Z", **read}
        for n, read in enumerate([{"read": False}, {}, {"read": "yes"}, {"read": True}])])
    findings = Findings()
    support.describe_rules(findings)
    support.check_chat(conversations, messages, findings)
    rows = findings.to_frame()
    assert rows[["rule", "key"]].values.tolist() == [["wrong_type", "c1 / 2025-06-01T09:02:00Z#2"]]
    assert rows["detail"].iloc[0].startswith("read is a String 'yes'")
    assert support.unread_counts(messages) == {"unread_by_admin": 2, "unread_by_user": 0}
    assert support.unread_by_conversation(messages)["unread_by_admin"].tolist() == [2]


def test_message_texts_only_what_is_asked():
    texts = support.message_texts(_messages())
    assert list(texts.columns) == ["conversation_id", "created_at", "sender", "text"]
    assert texts["conversation_id"].iloc[0] == "c5"       # oldest first
