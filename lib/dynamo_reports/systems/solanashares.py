"""000 — SolanaShares participant bot: table ``solanashares-logistic``.

Document: shared/seeds/000_4afb70f266d54823.txt. Single table holding participants
(``PK=USER#{userId}``, ``SK=WALLET#{walletAddress}``, ``Type=participant``) and one
``GLOBAL#STATS`` item. GSI ``WalletAddressIndex`` (``GSI_PK=WALLET#{wallet}``,
``GSI_SK=USER#{userId}``, projection ALL). Timestamps are epoch milliseconds (the document's
``number`` timestamps). A wallet address is base58, 32-44 characters.
"""

from __future__ import annotations

from .base import IndexSpec, TableSpec

SYSTEM = "000"
TITLE = "SolanaShares participant bot"

PARTICIPANTS = TableSpec(
    logical="solanashares",
    system=SYSTEM,
    description="participants (USER#/WALLET#) and the GLOBAL#STATS item",
    hash_key="PK",
    range_key="SK",
    indexes=(IndexSpec("WalletAddressIndex", "GSI_PK", "GSI_SK", "ALL"),),
)

TABLES = (PARTICIPANTS,)
