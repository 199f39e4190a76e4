"""004 Flavaflav: the names of its indexes (pure: no boto3).

The repository (:mod:`.flavaflav`) and the capacity model ask it. Keys are plain attribute
ids (``discord_id``, ``link_id``, ...); the sanitized ``link_id`` is built by
:func:`dynamo_reports.systems.flavaflav.sanitize_link_id`.
"""

from __future__ import annotations

AVAILABILITY_QUALITY_INDEX = "availability-quality-index"
TYPE_QUALITY_INDEX = "type-quality-index"
MEMBER_DATE_INDEX = "member-date-index"
DATE_INDEX = "date-index"
ACTIVE_QUALITY_INDEX = "active-quality-index"

__all__ = ["ACTIVE_QUALITY_INDEX", "AVAILABILITY_QUALITY_INDEX", "DATE_INDEX", "MEMBER_DATE_INDEX",
           "TYPE_QUALITY_INDEX"]
