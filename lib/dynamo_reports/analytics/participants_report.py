"""The participant-investment report's own pieces, pure: parameter checks, amounts, default lookups.

The figures come from :mod:`dynamo_reports.analytics.participants`; the lookups through the
repository run in :func:`dynamo_reports.replay.lookup_twice`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..exceptions import ParameterError
from ..systems.discord_config_keys import is_snowflake
from ..systems.solanashares_keys import is_valid_wallet

__all__ = ["check_parameters", "default_lookups", "format_number", "format_share", "format_sol", "format_utc_time"]


def format_sol(value: float | None) -> str:
    """``1,234.500 SOL``; an em dash when there is no value."""
    return "—" if value is None else f"{value:,.3f} SOL"


def format_share(value: Any) -> str:
    """``37.5%``; an em dash when there is no value (None or NaN)."""
    return "—" if pd.isna(value) else f"{value:.1%}"


def format_number(value: Any, template: str = "{:.3f}") -> str:
    """``value`` through ``template``; an em dash when there is no value (None or NaN)."""
    return "—" if pd.isna(value) else template.format(value)


def format_utc_time(time: Any) -> str:
    """``2025-06-30 12:00 UTC``; an em dash when there is no time."""
    return "—" if pd.isna(time) else time.strftime("%Y-%m-%d %H:%M UTC")


def check_parameters(*, top_n: Any, lookup_wallet: Any, lookup_user: Any) -> None:
    """Check the report's own parameters: a positive ``top_n``, a Solana wallet, a Discord user id ("" allowed)."""
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ParameterError("top_n", f"must be a positive integer, got {top_n!r}")
    if lookup_wallet and not is_valid_wallet(lookup_wallet):
        raise ParameterError("lookup_wallet",
                             f"must be a base58 Solana address of 32-44 characters, got {lookup_wallet!r}")
    if lookup_user and not is_snowflake(lookup_user):
        raise ParameterError("lookup_user", f"must be a Discord user id (1-20 digits), got {lookup_user!r}")


def default_lookups(participants: pd.DataFrame, lookup_wallet: str = "",
                    lookup_user: str = "") -> list[tuple[str, str]]:
    """The ``(kind, value)`` lookups to show: the ones asked for, else the wallet of the largest
    investor whose wallet is a valid address, and the user id of the next largest whose id is a
    Discord id (participants with a valid amount, ties broken by key). Malformed wallets and ids
    are findings of the data-quality section, never a lookup that would fail the report."""
    asked = ([("wallet", lookup_wallet)] if lookup_wallet else []) + ([("user", lookup_user)] if lookup_user else [])
    if asked:
        return asked
    ranked = participants[participants["amount_valid"]].sort_values(["amount", "key"], ascending=[False, True])
    wallets = [(position, w) for position, w in enumerate(ranked["wallet"])
               if isinstance(w, str) and is_valid_wallet(w)]
    first = wallets[0][0] if wallets else -1
    users = [u for position, u in enumerate(ranked["user_id"])
             if position != first and isinstance(u, str) and is_snowflake(u)]
    demo_wallet = wallets[0][1] if wallets else ""
    demo_user = users[0] if users else ""
    return [(kind, value) for kind, value in (("wallet", demo_wallet), ("user", demo_user)) if value]
