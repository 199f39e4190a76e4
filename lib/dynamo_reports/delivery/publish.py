"""Publishing to S3: ``--publish s3://BUCKET/PREFIX``.

The local layout is mirrored under the prefix, so the index's relative links work on the
bucket as they do on disk::

    PREFIX/index.html                          Cache-Control: no-cache
    PREFIX/<report>/latest.html                Cache-Control: no-cache
    PREFIX/<report>/<run-id>/report.html       Cache-Control: max-age=31536000, immutable
    PREFIX/<report>/<run-id>/report.ipynb      (immutable too)
    PREFIX/<report>/<run-id>/summary.json      (immutable too)
    PREFIX/<report>/<run-id>/run.json          Cache-Control: no-cache (notices are added to it)

The index links every run's files, so a publish uploads, besides the run just made, every
run file it links to that this output directory has not yet uploaded to that bucket and
prefix (a manifest in ``<output_dir>/.published/``; only ``s3:PutObject`` is needed, see
``docs/iam/reports-publish-policy.json``). Credentials: boto3's standard chain; an
``AWS_ENDPOINT_URL_S3`` (or ``AWS_ENDPOINT_URL``) is honoured by boto3 itself.

:meth:`Publisher.link` is the URL a notice carries: the object's plain URL, or with
``presign_seconds`` a presigned GET link that expires (for private buckets).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ..exceptions import ParameterError
from ..reporting.summary import atomic_write_text

__all__ = [
    "CACHE_IMMUTABLE",
    "CACHE_SHORT",
    "MAX_PRESIGN_SECONDS",
    "PublishError",
    "Publisher",
    "content_type",
    "parse_s3_url",
]

CACHE_IMMUTABLE = "max-age=31536000, immutable"
CACHE_SHORT = "no-cache, max-age=0"
#: SigV4 presigned URLs live at most 7 days
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
RUN_FILES = ("report.html", "report.ipynb", "summary.json", "run.json")
_MUTABLE = ("index.html", "latest.html", "run.json")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".ipynb": "application/x-ipynb+json; charset=utf-8",
}
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


class PublishError(Exception):
    """An upload failed (message redacted); the local report is complete regardless."""


def content_type(name: str) -> str:
    return _TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")


def cache_control(name: str) -> str:
    return CACHE_SHORT if PurePosixPath(name).name in _MUTABLE else CACHE_IMMUTABLE


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> ``("bucket", "some/prefix")``, by S3's bucket naming rules.

    Raises ``ParameterError('publish')``.
    """
    text = str(url).strip()
    if not text.startswith("s3://"):
        raise ParameterError("publish", f"{text!r} is not an s3://BUCKET/PREFIX URL")
    bucket, _, prefix = text[len("s3://"):].partition("/")
    why = None
    if not _BUCKET.match(bucket):
        why = "3-63 characters: lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"
    elif ".." in bucket or ".-" in bucket or "-." in bucket:
        why = "no two adjacent periods, and no period next to a hyphen"
    elif bucket.startswith(_BAD_PREFIXES) or bucket.endswith(_BAD_SUFFIXES):
        why = "a reserved prefix or suffix (xn--, sthree-, -s3alias, --ol-s3, .mrap ...)"
    else:
        try:
            ipaddress.ip_address(bucket)
            why = "not formatted like an IP address"
        except ValueError:
            pass
    if why:
        raise ParameterError("publish", f"{bucket!r} is not a valid S3 bucket name: {why}")
    parts = [p for p in prefix.split("/") if p]
    if any(p in (".", "..") for p in parts) or any(ord(c) < 32 for c in prefix):
        raise ParameterError("publish", f"prefix {prefix!r} may not contain '.', '..' or control characters")
    return bucket, "/".join(parts)


@dataclass
class Publisher:
    """Uploads an output directory's pages to ``s3://bucket/prefix``."""

    bucket: str
    prefix: str = ""
    presign_seconds: int | None = None
    client: Any = field(default=None, repr=False)
    region: str | None = None
    uploaded: list[str] = field(default_factory=list)

    @classmethod
    def from_url(cls, url: str, *, presign_seconds: int | None = None, region: str | None = None) -> Publisher:
        bucket, prefix = parse_s3_url(url)
        if presign_seconds is not None and not 1 <= presign_seconds <= MAX_PRESIGN_SECONDS:
            raise ParameterError("presign", f"must be between 1 and {MAX_PRESIGN_SECONDS} seconds (7 days)")
        return cls(bucket, prefix, presign_seconds, region=region)

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"

    def _client(self) -> Any:
        if self.client is None:
            import boto3

            self.client = boto3.session.Session().client("s3", region_name=self.region or None)
        return self.client

    def key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def put(self, root: Path, relative: str) -> str:
        """Upload ``root/relative`` to its key; the key."""
        import botocore.exceptions

        from ..redaction import redact_text

        key = self.key(relative)
        try:
            self._client().put_object(Bucket=self.bucket, Key=key, Body=(root / relative).read_bytes(),
                                      ContentType=content_type(relative), CacheControl=cache_control(relative))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError) as exc:
            raise PublishError(redact_text(f"upload of {key} to s3://{self.bucket} failed: {exc}")) from None
        self.uploaded.append(key)
        return key

    def link(self, relative: str) -> str:
        """The URL of an uploaded file for a notice: presigned when ``presign_seconds`` is set."""
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config

        params = {"Bucket": self.bucket, "Key": self.key(relative)}
        client = self._client()
        # the same endpoint and region: signed with SigV4 (X-Amz-Expires), or unsigned for a plain URL
        endpoint = client.meta.endpoint_url
        aws = (urlsplit(endpoint).hostname or "").endswith((".amazonaws.com", ".amazonaws.com.cn"))
        signer = boto3.session.Session().client(
            "s3", region_name=client.meta.region_name, endpoint_url=None if aws else endpoint,
            config=Config(signature_version="s3v4" if self.presign_seconds else UNSIGNED))
        if self.presign_seconds:
            return str(signer.generate_presigned_url("get_object", Params=params, ExpiresIn=self.presign_seconds))
        return str(signer.generate_presigned_url("get_object", Params=params)).split("?", 1)[0]

    # -- what to upload -----------------------------------------------------------------------

    def _manifest_path(self, root: Path) -> Path:
        digest = hashlib.sha256(self.url.encode("utf-8")).hexdigest()[:16]
        return root / ".published" / f"{digest}.json"

    def _load_manifest(self, root: Path) -> set[str]:
        try:
            data = json.loads(self._manifest_path(root).read_text(encoding="utf-8"))
            return set(data.get("immutable", [])) if isinstance(data, dict) else set()
        except (OSError, ValueError):
            return set()

    def _save_manifest(self, root: Path, done: Iterable[str]) -> None:
        path = self._manifest_path(root)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({"target": self.url, "immutable": sorted(done)}, indent=1) + "\n")

    def publish(self, output_dir: str | os.PathLike[str], run_dirs: Iterable[str] = ()) -> list[str]:
        """Upload ``run_dirs`` (``<report>/<run-id>``, relative to ``output_dir``) with every run
        file, then every other run's immutable files not uploaded before, every ``latest.html`` and
        ``index.html`` last (so its links lead somewhere). Returns the keys uploaded."""
        from ..reporting.index import load_runs

        root = Path(output_dir).expanduser().resolve()
        done = self._load_manifest(root)
        before = len(self.uploaded)
        ordered = list(dict.fromkeys([*run_dirs, *(r["_dir"] for r in load_runs(root))]))
        try:
            for run_dir in ordered:
                for name in RUN_FILES:
                    relative = f"{run_dir}/{name}"
                    fresh = run_dir in run_dirs
                    if (root / relative).is_file() and (fresh or relative not in done):
                        self.put(root, relative)
                        done.add(relative)
            for latest in sorted(root.glob("*/latest.html")):
                if not latest.parent.name.startswith("."):
                    self.put(root, latest.relative_to(root).as_posix())
            if (root / "index.html").is_file():
                self.put(root, "index.html")
        finally:
            self._save_manifest(root, done)
        return self.uploaded[before:]
