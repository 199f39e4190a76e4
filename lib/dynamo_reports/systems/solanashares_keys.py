"""000 SolanaShares: the keys of its items, its index, and the wallet check (pure: no boto3).

The one place that writes or parses the 000 key formats; the repository
(:mod:`.solanashares`), the demo dataset and :mod:`dynamo_reports.analytics.participants`
ask it::

    participant   PK=USER#{userId}  SK=WALLET#{wallet}  GSI_PK=WALLET#{wallet}  GSI_SK=USER#{userId}
    global stats  PK=SK=GLOBAL#STATS

GSI ``WalletAddressIndex`` (``GSI_PK`` / ``GSI_SK``). A wallet address is base58, 32-44 characters.
"""

from __future__ import annotations

import re
from typing import Any

from .base import KeyPrefix

WALLET_INDEX = "WalletAddressIndex"
PARTICIPANT_TYPE = "participant"
GLOBAL_STATS_TYPE = "global_stats"
STATS_PK = "GLOBAL#STATS"
STATS_KEY = {"PK": STATS_PK, "SK": STATS_PK}
USER_PREFIX = "USER#"
WALLET_PREFIX = "WALLET#"

#: Bitcoin's base58 alphabet, used by Solana: no 0, O, I or l.
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
WALLET_LENGTHS = (32, 44)
_WALLET_RE = re.compile(f"[{BASE58_ALPHABET}]{{{WALLET_LENGTHS[0]},{WALLET_LENGTHS[1]}}}")


user_pk = KeyPrefix(USER_PREFIX)
#: ``WALLET#{wallet}``: the participant's ``SK`` and ``GSI_PK``.
wallet_pk = KeyPrefix(WALLET_PREFIX)


def participant_key(user_id: str, wallet: str) -> dict[str, str]:
    """The primary key of a participant item."""
    return {"PK": user_pk(user_id), "SK": wallet_pk(wallet)}


def participant_keys(user_id: str, wallet: str) -> dict[str, str]:
    """Every key attribute of a participant item: ``PK``, ``SK``, ``GSI_PK``, ``GSI_SK``."""
    return {**participant_key(user_id, wallet), "GSI_PK": wallet_pk(wallet), "GSI_SK": user_pk(user_id)}


#: The user id of ``USER#{id}``; ``None`` for anything else.
user_id_from_pk = user_pk.parse
#: The wallet of ``WALLET#{wallet}``; ``None`` for anything else.
wallet_from_sk = wallet_pk.parse


def is_stats_key(pk: Any, sk: Any) -> bool:
    """The key of the one ``GLOBAL#STATS`` item."""
    return pk == STATS_PK and sk == STATS_PK


def is_valid_wallet(address: Any) -> bool:
    """True for a base58 string of 32-44 characters (a Solana address)."""
    return isinstance(address, str) and _WALLET_RE.fullmatch(address) is not None


def non_base58_characters(wallet: str) -> list[str]:
    """The characters of ``wallet`` outside the base58 alphabet, sorted, each once."""
    return sorted({ch for ch in wallet if ch not in BASE58_ALPHABET})


__all__ = [
    "BASE58_ALPHABET", "GLOBAL_STATS_TYPE", "PARTICIPANT_TYPE", "STATS_KEY", "STATS_PK", "USER_PREFIX",
    "WALLET_INDEX", "WALLET_LENGTHS", "WALLET_PREFIX", "is_stats_key", "is_valid_wallet", "non_base58_characters",
    "participant_key", "participant_keys", "user_id_from_pk", "user_pk", "wallet_from_sk", "wallet_pk",
]
