"""The `support` report end to end: `dynamo-reports run support` on the session's demo server —
message texts hidden unless asked, then escaped; the waiting conversations listed; headline numbers
recomputed here from the dataset — and on this module's own tables: empty, then one planted item
per data-quality rule."""

from __future__ import annotations

import statistics
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.codec import item_to_wire
from dynamo_reports.demo.dataset import AS_OF, anomaly, build_demo_dataset
from shared import read_summary, run_on_server, runs_on_demo

PLANTED_TEXT = 'My <a href="javascript:alert(1)">invoice</a> is <b>wrong</b>'








@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_endpoint):
    """name -> run directory: the demo data over all time, texts hidden and shown."""
    plan = {"hidden": ["--period", "all"], "shown": ["--period", "all", "-p", "show_messages", "true"]}
    return runs_on_demo("support", plan, tmp_path_factory.mktemp, demo_endpoint)




def _html(run_dir: Path) -> tuple[str, BeautifulSoup]:
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    return html, BeautifulSoup(html, "html.parser")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_message_text_hidden_by_default(demo):
    html, soup = _html(demo["hidden"])
    assert "javascript:alert" not in html and "invoice" not in soup.get_text()
    # no user-written text at all: none of the demo's message texts or subjects appear
    data = build_demo_dataset()
    texts = {m["text"] for m in data["messages"]} | {c["subject"] for c in data["conversations"]}
    shown_text = soup.get_text()
    assert not [t for t in texts if t in shown_text]


def _shown(soup) -> str:
    """What a reader can see: the text, and the full values of shortened ids (their tooltips)."""
    return soup.get_text() + " " + " ".join(str(tag["title"]) for tag in soup.find_all(title=True))


def test_message_text_escaped_with_show_messages(demo):
    html, soup = _html(demo["shown"])
    assert PLANTED_TEXT in soup.get_text()                              # shown, as text
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in html or '&lt;a href="javascript:alert(1)"&gt;' in html
    assert not [a for a in soup.find_all("a") if "javascript" in (a.get("href") or "")]
    assert not [b for b in soup.find_all("b") if b.get_text() == "wrong"]
    key = anomaly("message_html").key
    assert key["conversation_id"] in _shown(soup)


def test_conversations_waiting_for_a_first_reply_are_listed(demo):
    planted = anomaly("conversation_without_admin_reply")
    waiting = [planted.key["conversation_id"], *(k["conversation_id"] for k in planted.other_keys)]
    summary = read_summary(demo["hidden"])
    assert summary["awaiting_first_reply"] == len(waiting) == 4
    text = _shown(_html(demo["hidden"])[1])
    assert all(cid in text for cid in waiting)


def test_headline_numbers_recomputed_from_the_dataset(demo):
    data = build_demo_dataset()
    conversations, messages = data["conversations"], data["messages"]
    summary = read_summary(demo["hidden"])
    assert summary["conversations_opened"] == len(conversations)
    assert summary["conversations_closed"] == sum(1 for c in conversations if c["status"] == "closed")
    assert summary["open_backlog"] == sum(1 for c in conversations if c["status"] == "open")
    delays = []
    for c in conversations:
        admin = [_time(m["created_at"]) for m in messages
                 if m["conversation_id"] == c["conversation_id"] and m["sender"] == "admin"]
        if admin:
            delays.append((min(admin) - _time(c["created_at"])).total_seconds() / 60)
    assert summary["median_minutes_to_first_reply"] == pytest.approx(statistics.median(delays))
    # "inclusive" quantiles interpolate linearly between closest ranks, as pandas' quantile does
    assert summary["p90_minutes_to_first_reply"] == pytest.approx(
        statistics.quantiles(delays, n=10, method="inclusive")[8])
    assert summary["unread"] == {
        "unread_by_admin": sum(1 for m in messages if m["sender"] == "user" and not m["read"]),
        "unread_by_user": sum(1 for m in messages if m["sender"] == "admin" and not m["read"])}
    oldest = min(_time(c["created_at"]) for c in conversations if c["status"] == "open")
    assert summary["oldest_open_hours"] == pytest.approx((AS_OF - oldest).total_seconds() / 3600)
    assert summary["data_quality"] == {"unknown_sender": 0, "message_before_conversation": 0,
                                       "conversation_without_messages": 0, "unreadable_timestamp": 0,
                                       "wrong_type": 0, "out_of_range": 0, "unknown_value": 0}
    assert summary["read_units"] > 0


def test_reads_are_queries_not_scans(demo):
    html, soup = _html(demo["hidden"])
    assert "ConversationStatusIndex" in soup.get_text()
    assert "<td>Scan</td>" not in html
    # two index Queries (open, closed) and one Messages Query per conversation read (every one with --period all)
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find_all("tr")]
    queries = {(r[1], r[2]): int(r[3]) for r in rows if len(r) > 4 and r[0] == "Query"}
    assert queries[("commercive-conversations-dev", "ConversationStatusIndex")] == 2
    assert queries[("commercive-messages-dev", "")] == len(build_demo_dataset()["conversations"])


# -- this module's tables: empty, then one planted item per rule -------------------------------------




@pytest.mark.kernel
def test_empty_tables_then_each_rule(dynamo, tmp_path):
    summary = run_on_server("support", tmp_path / "empty", dynamo)
    assert {k: summary[k] for k in ("conversations_opened", "conversations_closed", "open_backlog",
                                    "median_minutes_to_first_reply", "p90_minutes_to_first_reply", "unread")} == {
        "conversations_opened": 0, "conversations_closed": 0, "open_backlog": 0,
        "median_minutes_to_first_reply": None, "p90_minutes_to_first_reply": None,
        "unread": {"unread_by_admin": 0, "unread_by_user": 0}}
    assert set(summary["data_quality"]) == {"unknown_sender", "message_before_conversation",
                                            "conversation_without_messages", "unreadable_timestamp",
                                            "wrong_type", "out_of_range", "unknown_value"}
    assert sum(summary["data_quality"].values()) == 0

    conn = dynamo.connect()

    def put(logical, item):
        conn.call("PutItem", TableName=conn.table_name(logical), Item=item_to_wire(item))

    def conversation(cid, created, status="open", updated=None):
        put("conversations", {"conversation_id": cid, "user_id": "u1", "status": status, "subject": "help",
                              "created_at": created, "updated_at": updated or created})

    def message(cid, at, sender, read=True, mid=None):
        put("messages", {"conversation_id": cid, "message_id": mid or f"{at}#1", "sender": sender,
                         "sender_id": "x", "text": "hello", "created_at": at, "read": read})

    # ok: replied after 10 min (closed); 20 min (open, the reply unread by the user)
    conversation("ok1", "2025-06-02T10:00:00Z", "closed", "2025-06-02T11:00:00Z")
    message("ok1", "2025-06-02T10:00:00Z", "user")
    message("ok1", "2025-06-02T10:10:00Z", "admin")
    conversation("ok2", "2025-06-03T10:00:00Z", "open", "2025-06-03T10:20:00Z")
    message("ok2", "2025-06-03T10:00:00Z", "user")
    message("ok2", "2025-06-03T10:20:00Z", "admin", read=False)
    # one planted item per rule
    conversation("sender", "2025-06-04T10:00:00Z", "closed", "2025-06-04T12:00:00Z")
    message("sender", "2025-06-04T10:00:00Z", "robot")                          # unknown_sender
    conversation("early", "2025-06-05T10:00:00Z", "closed", "2025-06-05T12:00:00Z")
    message("early", "2025-06-05T09:00:00Z", "user")                            # message_before_conversation
    conversation("silent", "2025-06-06T10:00:00Z", "open")                      # conversation_without_messages
    conversation("garbled", "early June", "open", "2025-06-07T10:00:00Z")        # unreadable created_at
    message("garbled", "2025-06-07T10:00:00Z", "user", read=False)

    summary = run_on_server("support", tmp_path / "planted", dynamo)
    assert summary["data_quality"] == {"unknown_sender": 1, "message_before_conversation": 1,
                                       "conversation_without_messages": 1, "unreadable_timestamp": 1,
                                       "wrong_type": 0, "out_of_range": 0, "unknown_value": 0}
    # opened: ok1 ok2 sender early silent (garbled has no readable created_at); closed: ok1 sender early;
    # open backlog: ok2 silent (garbled: no creation time). Replies: 10 and 20 min -> median 15,
    # p90 at 0.9 * 1 = 0.9 -> 10 + 0.9 * 10 = 19
    assert summary["conversations_opened"] == 5 and summary["conversations_closed"] == 3
    assert summary["open_backlog"] == 2 and summary["awaiting_first_reply"] == 1       # silent
    assert summary["median_minutes_to_first_reply"] == pytest.approx(15.0)
    assert summary["p90_minutes_to_first_reply"] == pytest.approx(19.0)
    assert summary["unread"] == {"unread_by_admin": 1, "unread_by_user": 1}
