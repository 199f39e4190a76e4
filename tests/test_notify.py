"""Notices: secrets from the environment, the message (alerts first, units, masked e-mails, service
limits), delivery to a local fake webhook (429 + Retry-After, 500, a dead webhook), and what a
run records. In-process, no kernel; sleeping is recorded, never done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dynamo_reports.delivery.after_run import deliver
from dynamo_reports.delivery.notify import (
    Channel,
    build_message,
    channels_from_env,
    format_number,
    mask_emails,
    send,
)
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.redaction import redact_text
from dynamo_reports.reporting.registry import REPORTS
from fakes import FakeWebhook, dead_url

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
HOOK_SECRET = "s3cr3t-webhook-token_XYZ"


def _discord(base: str) -> Channel:
    [channel] = channels_from_env(["discord"], {"DYNAMO_REPORTS_DISCORD_WEBHOOK":
                                                f"{base}/api/webhooks/42/{HOOK_SECRET}"})
    return channel


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- secrets from the environment ------------------------------------------------------------------

@pytest.mark.parametrize(("services", "environ", "variable"), [
    (["discord"], {}, "DYNAMO_REPORTS_DISCORD_WEBHOOK"),
    (["discord"], {"DYNAMO_REPORTS_DISCORD_WEBHOOK": "discord.com/api/webhooks/1/x"}, "DYNAMO_REPORTS_DISCORD_WEBHOOK"),
    (["telegram"], {"DYNAMO_REPORTS_TELEGRAM_CHAT_ID": "-100"}, "DYNAMO_REPORTS_TELEGRAM_TOKEN"),
    (["telegram"], {"DYNAMO_REPORTS_TELEGRAM_TOKEN": TOKEN}, "DYNAMO_REPORTS_TELEGRAM_CHAT_ID"),
    (["telegram"], {"DYNAMO_REPORTS_TELEGRAM_TOKEN": "not-a-token", "DYNAMO_REPORTS_TELEGRAM_CHAT_ID": "1"},
     "DYNAMO_REPORTS_TELEGRAM_TOKEN"),
    (["telegram"], {"DYNAMO_REPORTS_TELEGRAM_TOKEN": TOKEN, "DYNAMO_REPORTS_TELEGRAM_CHAT_ID": "me"},
     "DYNAMO_REPORTS_TELEGRAM_CHAT_ID"),
])
def test_missing_or_malformed_secrets_name_the_variable_not_the_value(services, environ, variable):
    with pytest.raises(ParameterError) as err:
        channels_from_env(services, environ)
    assert err.value.parameter == variable
    assert TOKEN not in str(err.value) and "not-a-token" not in str(err.value)


def test_base_urls_redirect_both_services():
    environ = {"DYNAMO_REPORTS_DISCORD_WEBHOOK": f"https://discord.com/api/webhooks/42/{HOOK_SECRET}",
               "DYNAMO_REPORTS_DISCORD_BASE_URL": "http://127.0.0.1:9/proxy/",
               "DYNAMO_REPORTS_TELEGRAM_TOKEN": TOKEN, "DYNAMO_REPORTS_TELEGRAM_CHAT_ID": "-1001234",
               "DYNAMO_REPORTS_TELEGRAM_BASE_URL": "http://127.0.0.1:9"}
    discord, telegram = channels_from_env(["discord", "telegram", "discord"], environ)
    assert discord.url == f"http://127.0.0.1:9/proxy/api/webhooks/42/{HOOK_SECRET}"
    assert telegram.url == f"http://127.0.0.1:9/bot{TOKEN}/sendMessage"
    assert telegram.payload("hi") == {"chat_id": "-1001234", "text": "hi", "disable_web_page_preview": True}
    assert discord.payload("hi") == {"content": "hi", "allowed_mentions": {"parse": []}}
    assert HOOK_SECRET not in repr(discord) and TOKEN not in repr(telegram)
    assert discord.scrub(f"POST {discord.url} failed") == "POST <redacted> failed"
    assert discord.scrub("at https://discord.com/api/webhooks/42/other") == "at https://discord.com/api/webhooks/42/<redacted>"


# -- the message -------------------------------------------------------------------------------------

RECORD = {
    "report": "pnl", "title": "Trading bot P&L", "status": "ok",
    "window": {"start": "2025-06-29", "end": "2025-06-29", "label": "yesterday", "timezone": "UTC"},
    "parameters": {"source": "demo"},
    "alerts": [{"key": "pnl.win_rate", "status": "ok", "message": "pnl.win_rate = 0.6 (rule: < 0.5)"},
               {"key": "pnl.max_drawdown_pct", "status": "fired",
                "message": "pnl.max_drawdown_pct = 5.23668 (rule: > 5)"}],
}
SUMMARY = {"realized_pnl": 422.978207, "trade_count": 191, "win_rate": 0.6020942, "quote_asset": "USDT",
           "data_quality": {"missing_price": 1, "duplicate_order_id": 1, "bad_pnl": 0}}


def test_message_has_alerts_first_then_headlines_with_units_and_the_link():
    pnl = REPORTS["pnl"]
    text = build_message(RECORD, SUMMARY, headline_keys=pnl.headline_keys, units=pnl.units,
                         link="https://acme-reports.s3.amazonaws.com/dynamo/pnl/1/report.html")
    # realized_pnl 422.978207 -> 2 decimals in the quote asset; win_rate 0.6020942 is a share -> 60.2%
    # (one decimal, as the index and the findings box show it);
    # data quality 1 + 1 + 0 = 2
    assert text == (
        "[ALERT] Trading bot P&L (pnl) — DEMO DATA\n"
        "Window: yesterday: 2025-06-29 → 2025-06-29 (UTC)\n"
        "Alerts (1):\n"
        "- pnl.max_drawdown_pct = 5.23668 (rule: > 5)\n"
        "Headline numbers:\n"
        "- realized_pnl: 422.98 USDT\n"
        "- trade_count: 191\n"
        "- win_rate: 60.2%\n"
        "Data quality: 2 finding(s)\n"
        "Report: https://acme-reports.s3.amazonaws.com/dynamo/pnl/1/report.html")


def test_failed_run_sends_its_one_line_error_with_pii_masked_and_secrets_redacted():
    record = {"report": "leads", "title": "Commercive affiliate leads", "status": "failed",
              "window": {"label": "all", "timezone": "UTC"},
              "error": {"message": "KeyError: lead of john.doe@example.com at https://u:p@db.example/x?token=1"}}
    text = build_message(record, None)
    assert text.splitlines() == [
        "[FAILED] Commercive affiliate leads (leads)", "Window: all data (UTC)",
        "Error: KeyError: lead of j***@example.com at https://db.example/x"]


def test_numbers_and_emails():
    # 0.125 as a share -> 12.5%; 5.2367 already in percent -> 5.24%; money -> 2 decimals;
    # 0.0421 without a unit -> 2 decimals (0.04); 20.0 is a whole number -> 20
    assert [format_number(v, u) for v, u in [(1234, ""), (0.125, "share"), (5.2367, "%"), (None, ""),
                                             (False, ""), (2500.0, "USD"), (0.0421, ""), (20.0, "")]] == [
        "1,234", "12.5%", "5.24%", "–", "no", "2,500.00 USD", "0.04", "20"]
    assert mask_emails("a@b.co and Zoe.Q+x@mail.example.org") == "a***@b.co and Z***@mail.example.org"


@pytest.mark.parametrize("limit", [2000, 4096])
def test_long_messages_are_cut_to_the_limit_keeping_the_link(limit):
    record = {**RECORD, "alerts": [{"status": "fired", "message": f"rule {i} " + "x" * 80} for i in range(100)]}
    text = build_message(record, SUMMARY, link="https://example.org/r.html", limit=limit)
    assert len(text) == limit and text.endswith("…\nReport: https://example.org/r.html")
    assert text.index("rule 0 ") < 120  # the alerts come first


# -- delivery ----------------------------------------------------------------------------------------

def test_one_post_with_the_text():
    with FakeWebhook() as hook:
        result = send(_discord(hook.base_url), "hello", sleep=Sleeps())
    assert result.ok and result.attempts == 1 and result.status == 204
    [request] = hook.requests
    assert request.path == f"/api/webhooks/42/{HOOK_SECRET}"
    assert request.json == {"content": "hello", "allowed_mentions": {"parse": []}}
    assert request.headers["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(("answer", "waited"), [
    ((429, {"Retry-After": "7"}, b""), 7.0),                                     # header, seconds
    ((429, {"Content-Type": "application/json"}, b'{"retry_after": 2.5, "global": false}'), 2.5),  # Discord
    ((429, {}, b'{"ok": false, "error_code": 429, "parameters": {"retry_after": 3}}'), 3.0),   # Telegram
])
def test_429_waits_what_retry_after_says(answer, waited):
    sleeps = Sleeps()
    with FakeWebhook() as hook:
        hook.script = [answer]
        result = send(_discord(hook.base_url), "hello", sleep=sleeps)
    assert result.ok and result.attempts == 2 and sleeps == [waited] and result.waited_s == waited
    assert len(hook.requests) == 2


def test_500_is_retried_with_backoff_and_attempts_are_bounded():
    sleeps = Sleeps()
    with FakeWebhook(default=(500, {}, b"")) as hook:
        result = send(_discord(hook.base_url), "hello", sleep=sleeps, max_attempts=4, backoff=1.0)
    # 4 attempts, waits 1, 2, 4 between them (doubling from 1 s)
    assert not result.ok and result.attempts == 4 and len(hook.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0] and result.error == "HTTP 500"
    with FakeWebhook() as hook:
        hook.script = [(502, {}, b""), (503, {}, b"")]
        sleeps = Sleeps()
        assert send(_discord(hook.base_url), "x", sleep=sleeps).ok and sleeps == [1.0, 2.0]


def test_total_wait_is_bounded_and_client_errors_are_not_retried():
    sleeps = Sleeps()
    with FakeWebhook() as hook:
        hook.script = [(429, {"Retry-After": "120"}, b"")]
        result = send(_discord(hook.base_url), "x", sleep=sleeps, max_total_wait=60)
        assert not result.ok and result.attempts == 1 and sleeps == [] and "beyond 60 s" in result.error
        hook.script = [(404, {}, b'{"message": "Unknown Webhook", "code": 10015}')]
        result = send(_discord(hook.base_url), "x", sleep=sleeps)
    assert not result.ok and result.attempts == 1 and result.error == "HTTP 404: Unknown Webhook"


def test_telegram_posts_to_the_bot_path():
    with FakeWebhook(default=(200, {}, b'{"ok": true, "result": {"message_id": 7}}')) as hook:
        [channel] = channels_from_env(["telegram"], {"DYNAMO_REPORTS_TELEGRAM_TOKEN": TOKEN,
                                                     "DYNAMO_REPORTS_TELEGRAM_CHAT_ID": "-1001234",
                                                     "DYNAMO_REPORTS_TELEGRAM_BASE_URL": hook.base_url})
        assert send(channel, "hello", sleep=Sleeps()).ok
    [request] = hook.requests
    assert request.path == f"/bot{TOKEN}/sendMessage" and request.json["chat_id"] == "-1001234"


def test_a_dead_webhook_fails_quietly_without_leaking_the_secret():
    sleeps = Sleeps()
    result = send(_discord(dead_url()), "x", sleep=sleeps, max_attempts=3)
    assert not result.ok and result.attempts == 3 and result.status is None and sleeps == [1.0, 2.0]
    assert HOOK_SECRET not in result.error and ("ConnectionRefused" in result.error or "URLError" in result.error)


# -- after a run: recorded, the report untouched -----------------------------------------------------

def _hand_made_run(root: Path) -> Path:
    run_dir = root / "pnl" / "20250630T061500Z"
    run_dir.mkdir(parents=True)
    (run_dir / "run.json").write_text(json.dumps({**RECORD, "run_id": run_dir.name}), encoding="utf-8")
    (run_dir / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    (run_dir / "report.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")
    return run_dir


def test_one_notice_per_run_counted_in_run_json(tmp_path, caplog):
    run_dir = _hand_made_run(tmp_path)
    with FakeWebhook() as hook:
        done = deliver("pnl", tmp_path, run_dir, channels=[_discord(hook.base_url)],
                       send_options={"sleep": Sleeps()})
    [request] = hook.requests
    assert request.json["content"].startswith("[ALERT] Trading bot P&L (pnl)")
    assert "- realized_pnl: 422.98 USDT" in request.json["content"]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["notices"]["sent"] == 1 and record["notices"]["failed"] == 0
    assert done.undelivered == 0


def test_a_dead_webhook_leaves_the_report_alone_and_is_logged_and_counted(tmp_path, caplog):
    run_dir = _hand_made_run(tmp_path)
    before = {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != "run.json"}
    channel = _discord(dead_url())
    done = deliver("pnl", tmp_path, run_dir, channels=[channel], send_options={"sleep": Sleeps(), "max_attempts": 2})
    assert done.undelivered == 1 and done.publish_error is None
    assert {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != "run.json"} == before
    record = json.loads((run_dir / "run.json").read_text())
    assert record["notices"]["sent"] == 0 and record["notices"]["failed"] == 1
    assert record["status"] == "ok" and record["alerts"] == RECORD["alerts"]
    assert "notice to discord not delivered after 2 attempt(s)" in caplog.text
    for text in ((run_dir / "run.json").read_text(), caplog.text):
        assert HOOK_SECRET not in text
    assert redact_text(channel.url).endswith("/<redacted>")
