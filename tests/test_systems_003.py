"""003 Commercive: CommerciveRepository over HTTP against the embedded DynamoDB (moto server).

Moto keeps its tables per process: every test uses its own ids and its own year ``Y`` so that
the shared partitions (a status, for instance) hold only this test's items inside its window.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dynamo_reports import reads
from dynamo_reports.connection import Connection
from dynamo_reports.exceptions import ParameterError, ScanNotAllowedError
from dynamo_reports.systems import commercive
from dynamo_reports.systems.commercive import (
    AFFILIATE_LINKS,
    AFFILIATE_STATS,
    CONVERSATIONS,
    LEADS,
    MESSAGES,
    CommerciveRepository,
    affiliate_link_item,
    affiliate_stats_item,
    conversation_item,
    lead_item,
    message_item,
)
from shared import ops, unique_id, write


@pytest.fixture
def repo(conn):
    return CommerciveRepository(conn)


def uid(prefix: str = "") -> str:
    return unique_id(prefix)


# -- builders -------------------------------------------------------------------------------------

def test_message_id_is_time_then_uuid():
    m = message_item(conversation_id="c1", created_at="2025-03-01T10:00:00Z", sender="user", sender_id="u1",
                     text="hello", message_uuid="550e8400-e29b-41d4-a716-446655440000")
    assert m["message_id"] == "2025-03-01T10:00:00Z#550e8400-e29b-41d4-a716-446655440000"
    assert m["read"] is False and m["created_at"] == "2025-03-01T10:00:00Z"
    random_id = message_item(conversation_id="c1", created_at="2025-03-01T10:00:00Z", sender="admin",
                             sender_id="a1", text="hi")["message_id"]
    assert random_id.startswith("2025-03-01T10:00:00Z#") and len(random_id.split("#", 1)[1]) == 36


def test_lead_and_conversation_items():
    lead = lead_item(lead_id="l1", affiliate_id="a1", link_id="ABC123XYZ", name="Ann", email="ann@example.com",
                     created_at="2025-03-01T10:00:00Z", status="approved", commission=25.5,
                     reviewed_at="2025-03-02T09:00:00Z")
    assert str(lead["commission"]) == "25.5" and "company" not in lead
    conv = conversation_item(conversation_id="c1", user_id="u1", created_at="2025-03-01T10:00:00Z",
                             subject="Billing")
    assert conv["updated_at"] == conv["created_at"] and conv["status"] == "open"


# -- conversations and messages ------------------------------------------------------------------

def test_conversations_by_user_and_status(conn, repo, year):
    Y = year
    U, U2 = uid("user-"), uid("user-")
    c4 = conversation_item(conversation_id=uid("c-"), user_id=U, status="closed",
                           created_at=f"{Y}-02-01T00:00:00Z", updated_at=f"{Y}-02-28T23:59:59Z")
    c1 = conversation_item(conversation_id=uid("c-"), user_id=U, status="open",
                           created_at=f"{Y}-02-01T00:00:00Z", updated_at=f"{Y}-03-01T00:00:00Z")
    c5 = conversation_item(conversation_id=uid("c-"), user_id=U2, status="open",
                           created_at=f"{Y}-03-10T08:00:00Z", updated_at=f"{Y}-03-10T08:30:00.5Z")
    c2 = conversation_item(conversation_id=uid("c-"), user_id=U, status="closed",
                           created_at=f"{Y}-03-02T00:00:00Z", updated_at=f"{Y}-03-31T23:59:59Z")
    c3 = conversation_item(conversation_id=uid("c-"), user_id=U, status="open",
                           created_at=f"{Y}-03-02T00:00:00Z", updated_at=f"{Y}-04-01T00:00:00Z")
    write(conn, CONVERSATIONS, c1, c2, c3, c4, c5)

    mark = conn.meter.mark()
    # U, updated in March: c1 (00:00:00Z on the 1st), c2 (23:59:59Z on the 31st); c4 Feb 28, c3 Apr 1
    assert repo.conversations_by_user(U, f"{Y}-03-01", f"{Y}-03-31") == [c1, c2]
    assert repo.conversations_by_user(U) == [c4, c1, c2, c3]
    assert repo.conversations_by_user(U2, dt.date(Y, 3, 10), dt.date(Y, 3, 10)) == [c5]
    assert ops(conn, mark) == [("Query", "UserConversationsIndex")] * 3

    mark = conn.meter.mark()
    # open, updated in March: c1 and c5 (another user); c3 is April
    assert repo.conversations_by_status("open", f"{Y}-03-01", f"{Y}-03-31") == [c1, c5]
    # closed in March: c2 only (c4 is Feb 28)
    assert repo.conversations_by_status("closed", f"{Y}-03-01", f"{Y}-03-31") == [c2]
    assert ops(conn, mark) == [("Query", "ConversationStatusIndex")] * 2
    assert repo.conversation(c1["conversation_id"]) == c1
    assert repo.conversation(uid()) is None


def test_messages_window(conn, repo, year):
    Y = year
    C = uid("conv-")
    m0 = message_item(conversation_id=C, created_at=f"{Y}-02-28T23:59:59Z", sender="user", sender_id="u", text="0")
    m1 = message_item(conversation_id=C, created_at=f"{Y}-03-01T00:00:00Z", sender="user", sender_id="u", text="1")
    m2 = message_item(conversation_id=C, created_at=f"{Y}-03-31T23:59:59Z", sender="admin", sender_id="a", text="2",
                      read=True)
    m3 = message_item(conversation_id=C, created_at=f"{Y}-04-01T00:00:00Z", sender="user", sender_id="u", text="3")
    other = message_item(conversation_id=uid("conv-"), created_at=f"{Y}-03-15T00:00:00Z", sender="user",
                         sender_id="u", text="elsewhere")
    write(conn, MESSAGES, m3, m1, other, m0, m2)

    mark = conn.meter.mark()
    # March: m1 (first instant) and m2 (last second); m0 and m3 one second / instant outside
    assert repo.messages(C, f"{Y}-03-01", f"{Y}-03-31") == [m1, m2]
    assert repo.messages(C) == [m0, m1, m2, m3]  # oldest first: message_id starts with created_at
    assert repo.messages(C, start=f"{Y}-04-01") == [m3]
    assert repo.messages(C, end=f"{Y}-02-28") == [m0]
    assert ops(conn, mark) == [("Query", None)] * 4
    assert commercive.messages_frame(repo.messages(C))["read"].tolist() == [False, False, True, False]


# -- leads ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def leads(dynamo, client, _years):
    """Affiliate A (link L) and affiliate A2 (link L2) around March of year Y; written once for the
    module (the tests that use them only read).

    l5  A/L    approved  Y-02-28T23:59:59Z   outside (day before)
    l1  A/L    pending   Y-03-01T00:00:00Z   inside (first instant)
    l2  A/L    approved  Y-03-15T10:00:00Z   inside
    l6  A2/L2  "Approved" (not a known status)  Y-03-20T00:00:00Z   inside, but in no status partition
    l3  A2/L2  rejected  Y-03-31T23:59:59Z   inside (last second)
    l4  A/L    pending   Y-04-01T00:00:00Z   outside (day after)
    """
    conn, Y = Connection(dynamo.settings, client=client), next(_years)
    A, A2, L, L2 = uid("aff-"), uid("aff-"), uid("LINK"), uid("LINK")

    def lead(aff, link, status, created, **kw):
        return lead_item(lead_id=uid("lead-"), affiliate_id=aff, link_id=link, name="Lead " + created[:10],
                         email="lead@example.com", created_at=created, status=status, **kw)

    out = dict(
        l5=lead(A, L, "approved", f"{Y}-02-28T23:59:59Z", commission=10, reviewed_at=f"{Y}-03-01T09:00:00Z"),
        l1=lead(A, L, "pending", f"{Y}-03-01T00:00:00Z", company="ACME"),
        l2=lead(A, L, "approved", f"{Y}-03-15T10:00:00Z", commission=50, reviewed_at=f"{Y}-03-16T10:00:00Z"),
        l6=lead(A2, L2, "Approved", f"{Y}-03-20T00:00:00Z"),
        l3=lead(A2, L2, "rejected", f"{Y}-03-31T23:59:59Z", reviewed_at=f"{Y}-04-02T10:00:00Z"),
        l4=lead(A, L, "pending", f"{Y}-04-01T00:00:00Z"),
    )
    write(conn, LEADS, *out.values())
    return dict(out, A=A, A2=A2, L=L, L2=L2, Y=Y)


def test_leads_by_affiliate_link_and_status(conn, repo, leads):
    x, Y = leads, leads["Y"]
    march = (f"{Y}-03-01", f"{Y}-03-31")
    mark = conn.meter.mark()
    assert repo.leads_by_affiliate(x["A"], *march) == [x["l1"], x["l2"]]
    assert repo.leads_by_affiliate(x["A2"], *march) == [x["l6"], x["l3"]]
    assert repo.leads_by_affiliate(x["A"]) == [x["l5"], x["l1"], x["l2"], x["l4"]]
    assert ops(conn, mark) == [("Query", "AffiliateLeadsIndex")] * 3

    mark = conn.meter.mark()
    assert repo.leads_by_link(x["L"], *march) == [x["l1"], x["l2"]]
    assert repo.leads_by_link(x["L2"], *march) == [x["l6"], x["l3"]]
    assert ops(conn, mark) == [("Query", "LinkLeadsIndex")] * 2

    mark = conn.meter.mark()
    assert repo.leads_by_status("pending", *march) == [x["l1"]]     # l4 is April 1st
    assert repo.leads_by_status("approved", *march) == [x["l2"]]    # l5 is Feb 28; l6 is "Approved"
    assert repo.leads_by_status("rejected", *march) == [x["l3"]]
    assert ops(conn, mark) == [("Query", "LeadStatusIndex")] * 3
    assert repo.lead(x["l2"]["lead_id"]) == x["l2"]


def test_leads_in_window_is_three_status_queries_and_misses_unknown_status(conn, repo, leads):
    x, Y = leads, leads["Y"]
    mark = conn.meter.mark()
    got = repo.leads_in_window(f"{Y}-03-01", f"{Y}-03-31")
    # l1, l2, l3 by created_at; l6 (status "Approved") is the documented blind spot
    assert got == [x["l1"], x["l2"], x["l3"]]
    assert ops(conn, mark) == [("Query", "LeadStatusIndex")] * 3  # no Scan

    mark = conn.meter.mark()
    everything = repo.all_leads()
    assert ops(conn, mark) and {op for op in ops(conn, mark)} == {("Scan", None)}
    mine = {i["lead_id"] for i in everything} & {x[k]["lead_id"] for k in ("l1", "l2", "l3", "l4", "l5", "l6")}
    assert len(mine) == 6  # the audit read finds l6 too
    frame = commercive.leads_frame(got)
    assert frame["commission"].fillna(0).tolist() == [0.0, 50.0, 0.0]
    assert str(frame["reviewed_at"].dtype) == "datetime64[ns, UTC]"


# -- affiliates -------------------------------------------------------------------------------------

def test_affiliate_links_and_stats(conn, repo, year):
    a1, a2, a3 = uid("aff-"), uid("aff-"), uid("aff-")
    link1 = affiliate_link_item(affiliate_id=a1, link_id=uid("L"), affiliate_url="https://x.test/?ref=1",
                                email="a1@example.com", created_at=f"{year}-01-01T00:00:00Z")
    link2 = affiliate_link_item(affiliate_id=a2, link_id=uid("L"), affiliate_url="https://x.test/?ref=2",
                                email="a2@example.com", created_at=f"{year}-01-02T00:00:00Z")
    s1 = affiliate_stats_item(affiliate_id=a1, total_leads=3, pending=1, approved=1, rejected=1,
                              total_commission=50, updated_at=f"{year}-03-31T00:00:00Z")
    s3 = affiliate_stats_item(affiliate_id=a3, total_leads=0, pending=0, approved=0, rejected=0,
                              total_commission=0, updated_at=f"{year}-03-31T00:00:00Z")
    write(conn, AFFILIATE_LINKS, link1, link2)
    write(conn, AFFILIATE_STATS, s1, s3)

    mark = conn.meter.mark()
    assert repo.affiliate_link(a1) == link1
    assert repo.affiliate_link(a3) is None
    assert repo.affiliate_stats(a3) == s3
    assert repo.affiliate_stats(a2) is None
    assert ops(conn, mark) == [("GetItem", None)] * 4

    mark = conn.meter.mark()
    # in the order asked, duplicates once, missing (a3 has no link; a2 no stats) skipped
    assert repo.affiliate_links_for([a2, a1, a3, a2]) == [link2, link1]
    assert repo.affiliate_stats_for((a3, a1, a2)) == [s3, s1]
    assert repo.affiliate_links_for([]) == []
    assert ops(conn, mark) == [("BatchGetItem", None)] * 2

    mark = conn.meter.mark()
    many = [a1] + [uid("nobody-") for _ in range(120)]
    assert repo.affiliate_stats_for(many) == [s1]
    assert ops(conn, mark) == [("BatchGetItem", None)] * 2  # 121 keys: chunks of 100 + 21

    mark = conn.meter.mark()
    links = repo.all_affiliate_links()
    stats = repo.all_affiliate_stats()
    assert link1 in links and link2 in links and s1 in stats and s3 in stats
    assert {op for op in ops(conn, mark)} == {("Scan", None)}
    assert commercive.affiliate_stats_frame([s1])["total_commission"].tolist() == [50.0]


def test_plain_reads_never_scan_without_asking(conn):
    with pytest.raises(ScanNotAllowedError):
        reads.scan(conn, conn.table_name("leads"))


# -- bad arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "method, args, parameter",
    [
        ("conversations_by_user", ("",), "user_id"),
        ("conversations_by_user", (None,), "user_id"),
        ("conversations_by_user", ("u1", "2025-03-31", "2025-03-01"), "end"),
        ("conversations_by_status", ("pending",), "status"),
        ("conversations_by_status", ("Open",), "status"),
        ("conversations_by_status", ("open", "March"), "start"),
        ("messages", ("c1", "2025-3-1"), "start"),
        ("messages", (" c1",), "conversation_id"),
        ("leads_by_affiliate", ("a1", None, "2025-02-29"), "end"),
        ("leads_by_status", ("open",), "status"),
        ("leads_by_status", ("APPROVED",), "status"),
        ("leads_by_link", ("",), "link_id"),
        ("leads_in_window", (None, "2025-03-31"), "start"),
        ("leads_in_window", ("2025-03-01", None), "end"),
        ("leads_in_window", ("2025-04-01", "2025-03-31"), "end"),
        ("affiliate_link", (5,), "affiliate_id"),
        ("affiliate_stats", ("",), "affiliate_id"),
        ("affiliate_links_for", ("a1",), "affiliate_ids"),
        ("affiliate_links_for", (["a1", ""],), "affiliate_ids[1]"),
        ("affiliate_stats_for", (None,), "affiliate_ids"),
        ("lead", (None,), "lead_id"),
    ],
)
def test_bad_arguments_raise_before_any_request(conn, repo, method, args, parameter):
    mark = conn.meter.mark()
    with pytest.raises(ParameterError) as info:
        getattr(repo, method)(*args)
    assert info.value.parameter == parameter
    assert conn.meter.since(mark) == []
