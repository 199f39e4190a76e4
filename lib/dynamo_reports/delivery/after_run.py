"""After one report run: publish it (``--publish``), then send its notice (``--notify``), and
record both in its run.json (``published``, ``notices``: how many were sent and how many could
not be delivered). Nothing here changes the report; a notice never changes the exit status.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..redaction import redact, redact_url
from ..reporting.registry import REPORTS, ReportDef
from ..reporting.summary import atomic_write_text
from .notify import Channel, Delivery, build_message, notify
from .publish import Publisher, PublishError

__all__ = ["Delivered", "deliver"]


@dataclass
class Delivered:
    """What happened after one run."""

    record: dict[str, Any]
    deliveries: list[Delivery] = field(default_factory=list)
    link: str | None = None
    publish_error: str | None = None

    @property
    def undelivered(self) -> int:
        return sum(1 for d in self.deliveries if not d.ok)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def deliver(
    report: str,
    output_dir: str | os.PathLike[str],
    run_dir: str | os.PathLike[str] | None,
    *,
    channels: Sequence[Channel] = (),
    publisher: Publisher | None = None,
    error: str | None = None,
    registry: Mapping[str, ReportDef] | None = None,
    send_options: Mapping[str, Any] | None = None,
    text_hook: Callable[[Channel, str], None] | None = None,
) -> Delivered:
    """Publish and notify for the run in ``run_dir`` (``None``: a run that left no directory;
    ``error`` is then its one-line error). Never raises for a notice; a failed upload is
    returned in ``publish_error`` (and recorded)."""
    registry = REPORTS if registry is None else registry
    rdef = registry.get(report)
    root = Path(output_dir).expanduser().resolve()
    run_path = Path(run_dir).resolve() if run_dir else None
    record = _read_json(run_path / "run.json") if run_path else None
    if record is None:
        record = {"report": report, "title": rdef.title if rdef else report, "status": "failed",
                  "error": {"message": error or "the run failed before it was recorded"}}
    summary = _read_json(run_path / "summary.json") if run_path and record.get("status") == "ok" else None
    relative = run_path.relative_to(root).as_posix() if run_path and run_path.is_relative_to(root) else None
    done = Delivered(record)

    if publisher is not None and relative is not None:
        try:
            publisher.publish(root, [relative])
            if (run_path / "report.html").is_file():  # type: ignore[operator]
                done.link = publisher.link(f"{relative}/report.html")
            record["published"] = {"ok": True, "target": publisher.url,
                                   "report": redact_url(done.link) if done.link else None}
        except PublishError as exc:
            done.publish_error = str(exc)
            record["published"] = {"ok": False, "target": publisher.url, "error": str(exc)}

    def text_for(channel: Channel) -> str:
        text = build_message(record, summary, headline_keys=rdef.headline_keys if rdef else (),
                             units=rdef.units if rdef else {}, link=done.link, limit=channel.limit)
        if text_hook is not None:
            text_hook(channel, text)
        return text

    if channels:
        done.deliveries = notify(channels, text_for, **(send_options or {}))
        record["notices"] = {"sent": sum(1 for d in done.deliveries if d.ok), "failed": done.undelivered,
                             "deliveries": [redact(d.to_dict()) for d in done.deliveries]}
    if run_path is not None and (channels or publisher is not None):
        atomic_write_text(run_path / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")
        if publisher is not None and relative is not None and done.publish_error is None:
            try:  # the record as it now is, with the notices counted
                publisher.put(root, f"{relative}/run.json")
            except PublishError as exc:
                done.publish_error = str(exc)
    return done
