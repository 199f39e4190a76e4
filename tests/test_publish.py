"""Publishing to S3 (moto's server on 127.0.0.1): bucket-name rules, content types and caching,
relative links that resolve on the bucket, presigned links, the publish IAM policy. In-process:
the run directories are made by hand and the index by ``write_index``; no kernel."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from dynamo_reports.delivery.after_run import deliver
from dynamo_reports.delivery.publish import (
    CACHE_IMMUTABLE,
    CACHE_SHORT,
    Publisher,
    parse_s3_url,
)
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.reporting.index import write_index
from fakes import moto_s3

POLICIES = Path(__file__).resolve().parents[1] / "docs" / "iam"


@pytest.fixture(autouse=True)
def _dummy_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "demo")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "demo")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="module")
def s3():
    with moto_s3("acme-reports", "other-bucket") as (endpoint, client):
        yield endpoint, client


@pytest.mark.parametrize(("url", "bucket", "prefix"), [
    ("s3://acme-reports/dynamo", "acme-reports", "dynamo"),
    ("s3://acme-reports/a/b/", "acme-reports", "a/b"),
    ("s3://acme.reports.2025", "acme.reports.2025", ""),
])
def test_s3_urls(url, bucket, prefix):
    assert parse_s3_url(url) == (bucket, prefix)


@pytest.mark.parametrize("url", [
    "acme-reports/x", "https://acme-reports/x", "s3://Acme-Reports/x", "s3://ab/x", "s3://" + "a" * 64,
    "s3://acme_reports", "s3://-acme", "s3://acme-", "s3://acme..reports", "s3://acme.-reports",
    "s3://192.168.1.10", "s3://xn--acme", "s3://acme-s3alias", "s3://acme--ol-s3", "s3://acme/../x",
])
def test_bad_s3_urls_are_refused(url):
    with pytest.raises(ParameterError) as err:
        parse_s3_url(url)
    assert err.value.parameter == "publish"


def _run(root: Path, report: str, run_id: str, started: str, *, status: str = "ok") -> str:
    run_dir = root / report / run_id
    run_dir.mkdir(parents=True)
    record = {"report": report, "run_id": run_id, "status": status, "started": started,
              "headlines": {"trade_count": 3}, "window": {"label": "all"}}
    (run_dir / "run.json").write_text(json.dumps(record), encoding="utf-8")
    (run_dir / "summary.json").write_text('{"trade_count": 3}', encoding="utf-8")
    (run_dir / "report.ipynb").write_text("{}", encoding="utf-8")
    (run_dir / "report.html").write_text(f"<!DOCTYPE html><title>{report} {run_id}</title>", encoding="utf-8")
    if status == "ok":
        (root / report / "latest.html").write_text(f"<!DOCTYPE html><title>{report} {run_id}</title>",
                                                   encoding="utf-8")
    return f"{report}/{run_id}"


def test_objects_have_content_types_caching_and_relative_links_that_work(tmp_path, s3):
    endpoint, client = s3
    old = _run(tmp_path, "pnl", "20250629T061500Z", "2025-06-29T06:15:00Z")
    new = _run(tmp_path, "pnl", "20250630T061500Z", "2025-06-30T06:15:00Z")
    _run(tmp_path, "leads", "20250630T062000Z", "2025-06-30T06:20:00Z", status="failed")
    write_index(tmp_path)
    publisher = Publisher("acme-reports", "dynamo", client=client)
    uploaded = publisher.publish(tmp_path, [new])
    # the new run first (4 files), then the older runs' files the index links (4 + 4), latest pages, index last
    assert uploaded[:4] == [f"dynamo/{new}/{n}" for n in ("report.html", "report.ipynb", "summary.json", "run.json")]
    assert uploaded[-3:] == ["dynamo/leads/latest.html", "dynamo/pnl/latest.html", "dynamo/index.html"] \
        or uploaded[-2:] == ["dynamo/pnl/latest.html", "dynamo/index.html"]
    listing = sorted(o["Key"] for o in client.list_objects_v2(Bucket="acme-reports")["Contents"])
    assert listing == sorted({*uploaded})
    assert f"dynamo/{old}/report.html" in listing and "dynamo/leads/20250630T062000Z/report.html" in listing

    expected = {"report.html": ("text/html; charset=utf-8", CACHE_IMMUTABLE),
                "latest.html": ("text/html; charset=utf-8", CACHE_SHORT),
                "index.html": ("text/html; charset=utf-8", CACHE_SHORT),
                "summary.json": ("application/json; charset=utf-8", CACHE_IMMUTABLE),
                "run.json": ("application/json; charset=utf-8", CACHE_SHORT),
                "report.ipynb": ("application/x-ipynb+json; charset=utf-8", CACHE_IMMUTABLE)}
    for key in listing:
        head = client.head_object(Bucket="acme-reports", Key=key)
        assert (head["ContentType"], head["CacheControl"]) == expected[key.rsplit("/", 1)[-1]], key

    # every link of the published index is relative and resolves to an object of the bucket
    body = client.get_object(Bucket="acme-reports", Key="dynamo/index.html")["Body"].read()
    index_url = f"{endpoint}/acme-reports/dynamo/index.html"
    hrefs = [a["href"] for a in BeautifulSoup(body, "html.parser").find_all("a", href=True)]
    assert hrefs and all(not urlsplit(h).scheme and not h.startswith("/") for h in hrefs)
    for href in hrefs:
        assert (tmp_path / href).is_file(), href  # locally
        key = urlsplit(urljoin(index_url, href)).path.removeprefix("/acme-reports/")
        assert key in listing, href  # and on the bucket


def test_a_second_publish_uploads_only_what_is_new(tmp_path, s3):
    _, client = s3
    first = _run(tmp_path, "pnl", "20250629T061500Z", "2025-06-29T06:15:00Z")
    write_index(tmp_path)
    Publisher("other-bucket", "r", client=client).publish(tmp_path, [first])
    second = _run(tmp_path, "pnl", "20250630T061500Z", "2025-06-30T06:15:00Z")
    write_index(tmp_path)
    again = Publisher("other-bucket", "r", client=client).publish(tmp_path, [second])
    assert again == [f"r/{second}/report.html", f"r/{second}/report.ipynb", f"r/{second}/summary.json",
                     f"r/{second}/run.json", "r/pnl/latest.html", "r/index.html"]


def test_links_for_notices_plain_or_presigned(tmp_path, s3):
    endpoint, client = s3
    run = _run(tmp_path, "pnl", "20250630T061500Z", "2025-06-30T06:15:00Z")
    write_index(tmp_path)
    plain = Publisher("acme-reports", "links", client=client)
    plain.publish(tmp_path, [run])
    assert plain.link(f"{run}/report.html") == f"{endpoint}/acme-reports/links/{run}/report.html"
    signed = Publisher("acme-reports", "links", client=client, presign_seconds=3600).link(f"{run}/report.html")
    assert "X-Amz-Expires=3600" in signed and "X-Amz-Signature=" in signed
    with urllib.request.urlopen(signed) as response:  # noqa: S310
        assert response.read().startswith(b"<!DOCTYPE html>")
    with pytest.raises(ParameterError):
        Publisher.from_url("s3://acme-reports/x", presign_seconds=8 * 24 * 3600)


def test_deliver_records_the_publication_and_a_failed_upload(tmp_path, s3):
    _, client = s3
    run = _run(tmp_path, "pnl", "20250630T061500Z", "2025-06-30T06:15:00Z")
    write_index(tmp_path)
    done = deliver("pnl", tmp_path, tmp_path / run, publisher=Publisher("acme-reports", "d", client=client))
    record = json.loads((tmp_path / run / "run.json").read_text())
    assert done.publish_error is None and record["published"]["ok"] is True
    assert record["published"]["target"] == "s3://acme-reports/d"
    missing = deliver("pnl", tmp_path, tmp_path / run, publisher=Publisher("no-such-bucket", "d", client=client))
    assert missing.publish_error and "NoSuchBucket" in missing.publish_error
    assert json.loads((tmp_path / run / "run.json").read_text())["published"]["ok"] is False


def test_publish_policy_is_put_object_on_the_prefix_only():
    policy = json.loads((POLICIES / "reports-publish-policy.json").read_text())
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == ["s3:PutObject"]
    assert all(r.startswith("arn:aws:s3:::") and r.endswith("/*") and r.count("/") >= 2
               for r in statement["Resource"])
    readonly = json.loads((POLICIES / "reports-readonly-policy.json").read_text())
    assert not any(str(a).startswith("s3:") for s in readonly["Statement"] for a in s["Action"])
