"""End to end, once: the README's cron line (alerts on Discord, publishing to S3) pointed at the
demo data, a local fake webhook that first answers 429, and moto's S3 server. One kernel run.

The alert rules are chosen so that the outcome is known without the data: a count is never
negative (``trade_count >= 0`` fires) and a ratio never exceeds one (``win_rate > 1`` does not).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.delivery.notify import format_number
from fakes import FakeWebhook, moto_s3
from harness import cli

README = Path(__file__).resolve().parents[1] / "README.md"
HOOK_SECRET = "cron-webhook-secret_0123456789"


def _cron_command() -> list[str]:
    """The README's cron line that notifies and publishes, as an argument list (after ``cd``)."""
    [line] = [ln for ln in README.read_text(encoding="utf-8").splitlines()
              if "--notify discord" in ln and "--publish" in ln and not ln.startswith("#")]
    command = line.split("&& .venv/bin/dynamo-reports ", 1)[1].split(" >>", 1)[0]
    return shlex.split(command)


@pytest.fixture(scope="module")
def cron_run(tmp_path_factory, demo_endpoint):
    args = _cron_command()
    assert args[:2] == ["run", "pnl"] and "--source" in args
    args[args.index("--source") + 1] = "demo"  # pointed at the demo data (the session's demo server)
    args += ["--endpoint-url", demo_endpoint]
    bucket, prefix = re.match(r"s3://([^/]+)/(.+)", args[args.index("--publish") + 1]).groups()
    home = tmp_path_factory.mktemp("opt-dynamo-reports")
    config = home / args[args.index("--config") + 1]
    config.write_text('[alerts]\n"pnl.trade_count" = ">= 0"\n"pnl.win_rate" = "> 1"\n', encoding="utf-8")
    with FakeWebhook() as hook, moto_s3(bucket) as (endpoint, client):
        hook.script = [(429, {"Retry-After": "0"}, b"")]  # rate limited once: the notice goes on the retry
        env = {"DYNAMO_REPORTS_DISCORD_WEBHOOK": f"{hook.base_url}/api/webhooks/4242/{HOOK_SECRET}",
               "AWS_ENDPOINT_URL_S3": endpoint}
        # the S3 client needs no region; the demo tables live in eu-west-3
        proc = cli(*args, env=env, unset=("AWS_DEFAULT_REGION",), cwd=home)
        objects = {o["Key"]: client.head_object(Bucket=bucket, Key=o["Key"])
                   for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])}
        index = client.get_object(Bucket=bucket, Key=f"{prefix}/index.html")["Body"].read().decode()
    out = home / "reports"
    [run_dir] = [p for p in (out / "pnl").iterdir() if p.is_dir() and not p.name.startswith(".")]
    return {"proc": proc, "requests": hook.requests, "objects": objects, "index": index, "out": out,
            "run_dir": run_dir, "bucket": bucket, "prefix": prefix, "endpoint": endpoint,
            "summary": json.loads((run_dir / "summary.json").read_text()),
            "record": json.loads((run_dir / "run.json").read_text())}


def test_exit_4_and_one_line_per_fired_rule(cron_run):
    proc, summary = cron_run["proc"], cron_run["summary"]
    assert proc.code == 4, proc.err[-3000:]
    alerts = [ln for ln in proc.err.splitlines() if " ALERT " in ln]
    assert alerts == [f"dynamo-reports: pnl: ALERT pnl.trade_count = {summary['trade_count']} (rule: >= 0)"]
    assert "Traceback" not in proc.err
    statuses = {a["key"]: a["status"] for a in cron_run["record"]["alerts"]}
    assert statuses == {"pnl.trade_count": "fired", "pnl.win_rate": "ok"}


def test_one_notice_with_the_numbers_after_a_429(cron_run):
    requests, summary, run_dir = cron_run["requests"], cron_run["summary"], cron_run["run_dir"]
    # the 429 (Retry-After: 0) and the retry: the same one message, twice sent, once delivered
    assert len(requests) == 2 and requests[0].body == requests[1].body
    text = requests[1].json["content"]
    link = f"{cron_run['endpoint']}/{cron_run['bucket']}/{cron_run['prefix']}/pnl/{run_dir.name}/report.html"
    quote = summary["quote_asset"]
    assert text.splitlines() == [
        "[ALERT] Trading bot P&L (pnl) — DEMO DATA",
        f"Window: yesterday: {summary['window']['start']} → {summary['window']['end']} (UTC)",
        "Alerts (1):",
        f"- pnl.trade_count = {summary['trade_count']} (rule: >= 0)",
        "Headline numbers:",
        f"- realized_pnl: {format_number(summary['realized_pnl'], quote)}",
        f"- trade_count: {summary['trade_count']}",
        f"- win_rate: {format_number(summary['win_rate'], 'share')}",
        f"Data quality: {sum(summary['data_quality'].values())} finding(s)",
        f"Report: {link}",
    ]
    assert summary["window"]["start"] == summary["window"]["end"] == "2025-06-29"  # the demo as-of's yesterday
    notices = cron_run["record"]["notices"]
    assert (notices["sent"], notices["failed"], notices["deliveries"][0]["attempts"]) == (1, 0, 2)


def test_published_objects_and_the_index_alert_mark(cron_run):
    objects, prefix, run_id = cron_run["objects"], cron_run["prefix"], cron_run["run_dir"].name
    run = f"{prefix}/pnl/{run_id}"
    assert sorted(objects) == sorted([f"{prefix}/index.html", f"{prefix}/pnl/latest.html", f"{run}/report.html",
                                      f"{run}/report.ipynb", f"{run}/summary.json", f"{run}/run.json"])
    for key in (f"{prefix}/index.html", f"{prefix}/pnl/latest.html", f"{run}/report.html"):
        assert objects[key]["ContentType"] == "text/html; charset=utf-8"
    assert objects[f"{run}/report.html"]["CacheControl"].endswith("immutable")
    assert objects[f"{prefix}/index.html"]["CacheControl"].startswith("no-cache")
    soup = BeautifulSoup(cron_run["index"], "html.parser")
    [row] = soup.select("table.runs tbody tr")
    assert "run-alert" in row["class"] and row.select_one(".status-alert").get_text() == "ALERT"
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert f"pnl/{run_id}/report.html" in hrefs  # the dashboard links the latest good run by its name
    assert all(f"{prefix}/{h}" in objects for h in hrefs)  # every link of the index is on the bucket
    assert cron_run["record"]["published"]["ok"] is True
    # a run whose rule fired is still the latest report
    latest = (cron_run["out"] / "pnl" / "latest.html").read_bytes()
    report = (cron_run["run_dir"] / "report.html").read_bytes()
    # the same report; its link back to the index is one directory shorter from <report>/latest.html
    assert latest == report.replace(b'href="../../index.html"', b'href="../index.html"', 1)


def test_secrets_are_nowhere_under_reports_nor_on_stderr(cron_run):
    proc = cron_run["proc"]
    for text in (proc.err, proc.out):
        assert HOOK_SECRET not in text and "api/webhooks/4242" not in text
    for path in cron_run["out"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert HOOK_SECRET.encode() not in data and b"webhooks/4242" not in data, path
