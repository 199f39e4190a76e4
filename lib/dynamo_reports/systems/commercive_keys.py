"""003 Commercive: the names of its indexes and the message id format (pure: no boto3).

The repository (:mod:`.commercive`) and the capacity model ask it. Keys are plain attribute
ids (``conversation_id``, ``lead_id``, ...) except a message's sort key,
``message_id = f"{created_at}#{uuid}"``, so a conversation's messages sort by time.
"""

from __future__ import annotations

USER_CONVERSATIONS_INDEX = "UserConversationsIndex"
CONVERSATION_STATUS_INDEX = "ConversationStatusIndex"
AFFILIATE_LEADS_INDEX = "AffiliateLeadsIndex"
LEAD_STATUS_INDEX = "LeadStatusIndex"
LINK_LEADS_INDEX = "LinkLeadsIndex"


def message_id(created_at: str, message_uuid: str) -> str:
    """``{created_at}#{uuid}``: time-sortable within a conversation."""
    return f"{created_at}#{message_uuid}"


__all__ = [
    "AFFILIATE_LEADS_INDEX", "CONVERSATION_STATUS_INDEX", "LEAD_STATUS_INDEX", "LINK_LEADS_INDEX",
    "USER_CONVERSATIONS_INDEX", "message_id",
]
