"""000 — SolanaShares participant bot: table ``solanashares-logistic``.

Document: shared/seeds/000_4afb70f266d54823.txt. Single table holding participants
(``PK=USER#{userId}``, ``SK=WALLET#{walletAddress}``, ``Type=participant``) and one
``GLOBAL#STATS`` item. GSI ``WalletAddressIndex`` (``GSI_PK=WALLET#{wallet}``,
``GSI_SK=USER#{userId}``, projection ALL). Timestamps are epoch milliseconds (the document's
``number`` timestamps). A wallet address is base58, 32-44 characters.

Item layout (DESIGN.md, "Data model")::

    participant   PK=USER#{userId}  SK=WALLET#{wallet}  GSI_PK=WALLET#{wallet}  GSI_SK=USER#{userId}
                  Type="participant", userId, walletAddress, investedAmount (SOL),
                  createdAt, updatedAt (epoch ms)
    global stats  PK=SK=GLOBAL#STATS, Type="global_stats", totalInvested, participantCount,
                  activeParticipants (investedAmount > 0), updatedAt (epoch ms)

:class:`ParticipantRepository` answers the document's access patterns through its caches:

======================================  ====================================================
find_participant_by_wallet(wallet)      cache, then Query ``WalletAddressIndex``
find_participant_by_user(user_id)       cache, then Query ``PK`` + ``begins_with(SK, WALLET#)``
find_wallets_of_user(user_id)           Query (always; the document assumes one wallet)
global_stats()                          30 s cache, then one GetItem of ``GLOBAL#STATS``
create_participant, update_investment,  one TransactWriteItems: participant + GLOBAL#STATS
delete_participant                      (ADD of the delta), conditioned, retried on conflict
scan_all_items(), list_participants()   the rare full read (a Scan asked for by name)
======================================  ====================================================
"""

from __future__ import annotations

import decimal
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Key

from .. import reads
from ..cache import TTLCache, get_or_load
from ..codec import item_to_wire, to_wire
from ..connection import Connection
from ..exceptions import DynamoDBRequestError, DynamoReportsError, ParameterError
from . import solanashares_keys as keys
from .base import IndexSpec, TableSpec
from .discord_config_keys import is_snowflake
from .solanashares_keys import (
    BASE58_ALPHABET,
    GLOBAL_STATS_TYPE,
    PARTICIPANT_TYPE,
    STATS_KEY,
    WALLET_INDEX,
    is_valid_wallet,
    participant_key,
)

log = logging.getLogger(__name__)

SYSTEM = "000"
TITLE = "SolanaShares participant bot"

PARTICIPANTS = TableSpec(
    logical="solanashares",
    system=SYSTEM,
    description="participants (USER#/WALLET#) and the GLOBAL#STATS item",
    hash_key="PK",
    range_key="SK",
    indexes=(IndexSpec(WALLET_INDEX, "GSI_PK", "GSI_SK", "ALL"),),
)

TABLES = (PARTICIPANTS,)

# DynamoDB numbers: up to 38 significant digits.
_DYNAMO_CONTEXT = decimal.Context(prec=38)


# -- errors ------------------------------------------------------------------------------------

class ParticipantExistsError(DynamoReportsError):
    """``create_participant`` for a (user, wallet) pair that is already stored."""

    def __init__(self, user_id: str, wallet: str):
        self.user_id = user_id
        self.wallet = wallet
        super().__init__(f"participant USER#{user_id} / WALLET#{wallet} already exists")


class ParticipantNotFoundError(DynamoReportsError, LookupError):
    """``update_investment`` / ``delete_participant`` for a pair that is not stored."""

    def __init__(self, user_id: str, wallet: str):
        self.user_id = user_id
        self.wallet = wallet
        super().__init__(f"no participant USER#{user_id} / WALLET#{wallet}")


class WalletInUseError(DynamoReportsError):
    """The wallet already belongs to another Discord user."""

    def __init__(self, wallet: str, owner: str):
        self.wallet = wallet
        self.owner = owner
        super().__init__(f"wallet {wallet} already belongs to user {owner}")


class WriteConflictError(DynamoReportsError):
    """A participant write kept conflicting with concurrent writers; nothing was written."""

    def __init__(self, operation: str, attempts: int, last_reasons: list[str]):
        self.operation = operation
        self.attempts = attempts
        self.last_reasons = last_reasons
        super().__init__(f"{operation}: gave up after {attempts} conflicting attempts "
                         f"(last cancellation reasons: {', '.join(last_reasons) or 'unknown'}); nothing was written")


# -- validation --------------------------------------------------------------------------------

def _check_wallet(name: str, wallet: Any) -> str:
    if not is_valid_wallet(wallet):
        raise ParameterError(name, f"must be a base58 Solana address of 32-44 characters, got {wallet!r}")
    return wallet


def _check_user_id(name: str, user_id: Any) -> str:
    if not is_snowflake(user_id):
        raise ParameterError(name, f"must be a Discord user id (a string of 1-20 digits), got {user_id!r}")
    return user_id


def _check_amount(name: str, amount: Any) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
        raise ParameterError(name, f"must be a number of SOL, got {type(amount).__name__} {amount!r}")
    value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    if not value.is_finite():
        raise ParameterError(name, f"must be a finite number, got {amount!r}")
    if value < 0:
        raise ParameterError(name, f"must be >= 0, got {amount!r}")
    if len("".join(map(str, value.as_tuple().digits)).strip("0")) > 38:
        raise ParameterError(name, f"has more than the 38 significant digits DynamoDB stores: {amount!r}")
    return value


def _check_now_ms(now_ms: Any) -> int:
    if now_ms is None:
        return int(time.time() * 1000)
    if isinstance(now_ms, bool) or not isinstance(now_ms, int) or now_ms < 0:
        raise ParameterError("now_ms", f"must be epoch milliseconds (a non-negative int), got {now_ms!r}")
    return now_ms


def _check_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ParameterError(name, f"must be a positive number, got {value!r}")


# -- entities ----------------------------------------------------------------------------------

def _number(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) and value.is_finite() else None


def _epoch_ms(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


@dataclass(frozen=True)
class Participant:
    """A participant as the document's ``Participant`` interface (amount in SOL, exact)."""

    user_id: str
    wallet_address: str
    invested_amount: Decimal | None  # None when the stored value is not a number
    created_at: int | None           # epoch milliseconds
    updated_at: int | None

    @property
    def active(self) -> bool:
        """Counted in ``activeParticipants``: invested more than 0 SOL."""
        return self.invested_amount is not None and self.invested_amount > 0

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Participant:
        """Map a stored item; keys fill in attributes the item lacks (never raises)."""
        user = item.get("userId")
        wallet = item.get("walletAddress")
        return cls(
            user_id=user if isinstance(user, str) else (keys.user_id_from_pk(item.get("PK")) or ""),
            wallet_address=wallet if isinstance(wallet, str) else (keys.wallet_from_sk(item.get("SK")) or ""),
            invested_amount=_number(item.get("investedAmount")),
            created_at=_epoch_ms(item.get("createdAt")),
            updated_at=_epoch_ms(item.get("updatedAt")),
        )


@dataclass(frozen=True)
class GlobalStats:
    """The ``GLOBAL#STATS`` item (document's ``GlobalStats``)."""

    total_invested: Decimal | None
    participant_count: int | None
    active_participants: int | None
    updated_at: int | None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> GlobalStats:
        count = _number(item.get("participantCount"))
        active = _number(item.get("activeParticipants"))
        return cls(
            total_invested=_number(item.get("totalInvested")),
            participant_count=int(count) if count is not None else None,
            active_participants=int(active) if active is not None else None,
            updated_at=_epoch_ms(item.get("updatedAt")),
        )


def participant_item(user_id: str, wallet: str, invested_amount: Decimal, created_at: int,
                     updated_at: int) -> dict[str, Any]:
    """The full participant item, exactly the attributes of DESIGN.md."""
    return {
        **keys.participant_keys(user_id, wallet),
        "Type": PARTICIPANT_TYPE,
        "userId": user_id,
        "walletAddress": wallet,
        "investedAmount": invested_amount,
        "createdAt": created_at,
        "updatedAt": updated_at,
    }


def _first_by_wallet(participants: list[Participant]) -> Participant | None:
    return min(participants, key=lambda p: p.wallet_address) if participants else None


# -- repository --------------------------------------------------------------------------------

class ParticipantRepository:
    """The document's access patterns over ``solanashares-logistic``, through its caches.

    Caches (``TTLCache``; counters in :meth:`cache_stats`):

    * ``by_wallet`` / ``by_user``: participants, no expiry (the document's two ``Map`` s).
      A miss goes to the table (GSI or user partition) and repairs the cache; "not found" is
      cached only for ``negative_ttl`` seconds (default 0: not at all).
    * ``stats``: the ``GLOBAL#STATS`` item for ``stats_ttl`` seconds (document: 30 s), per-entry
      expiry measured with ``clock``.

    Writes are write-through: the table first (one transaction that also updates
    ``GLOBAL#STATS``), the caches only after it succeeded; the stats cache is then invalidated.
    A failed write leaves every cache as it was.

    A user may hold several wallets (the document assumes one): :meth:`find_participant_by_user`
    returns one of them — from the table, the first in wallet order; if a wallet lookup filled
    the user cache first, that participant — and :meth:`find_wallets_of_user` returns all.
    """

    def __init__(self, conn: Connection, *, clock: Callable[[], float] = time.monotonic,
                 stats_ttl: float = 30.0, negative_ttl: float = 0.0, max_attempts: int = 25,
                 retry_delay: float = 0.005, sleep: Callable[[float], None] = time.sleep) -> None:
        if not isinstance(conn, Connection):
            raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(conn).__name__}")
        _check_positive("stats_ttl", stats_ttl)
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ParameterError("max_attempts", f"must be a positive integer, got {max_attempts!r}")
        if isinstance(retry_delay, bool) or not isinstance(retry_delay, (int, float)) or retry_delay < 0:
            raise ParameterError("retry_delay", f"must be >= 0 seconds, got {retry_delay!r}")
        self.conn = conn
        self.table = conn.table_name(PARTICIPANTS.logical)
        self.clock = clock
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self._sleep = sleep
        self.by_wallet: TTLCache[Participant] = TTLCache(
            "solanashares.participant_by_wallet", negative_ttl=negative_ttl, clock=clock)
        self.by_user: TTLCache[Participant] = TTLCache(
            "solanashares.participant_by_user", negative_ttl=negative_ttl, clock=clock)
        self.stats: TTLCache[GlobalStats] = TTLCache(
            "solanashares.global_stats", ttl=stats_ttl, negative_ttl=stats_ttl, clock=clock)
        # Writes to one user are serialized in this process (read -> transact -> cache), so two
        # threads cannot put their results into the cache in the wrong order. Writers in other
        # processes are handled by the transaction's conditions.
        self._user_locks = [threading.Lock() for _ in range(64)]
        # Bumped by every successful write: a cache repair from a read that overlapped a write
        # is dropped rather than risk caching what the write replaced.
        self._generation = 0
        self._cache_lock = threading.Lock()

    @property
    def meter(self):
        return self.conn.meter

    @property
    def caches(self) -> tuple[TTLCache, ...]:
        return (self.by_wallet, self.by_user, self.stats)

    def cache_stats(self) -> list[dict[str, Any]]:
        """Hits, misses, expirations, table reads and size of each cache."""
        return [cache.stats.as_dict() for cache in self.caches]

    def invalidate_all(self) -> None:
        for cache in self.caches:
            cache.clear()

    # -- lookups ----------------------------------------------------------------------------

    def find_participant_by_wallet(self, wallet: str) -> Participant | None:
        """Pattern 1: the cache, then a Query of ``WalletAddressIndex`` (``GSI_PK = WALLET#{wallet}``).

        Caches the result under the wallet and, when the user has no cached participant yet
        (or the same one), under the user. ``None`` when no participant has this wallet.
        """
        _check_wallet("wallet", wallet)

        def load() -> Participant | None:
            items = self._wallet_items(wallet)
            return Participant.from_item(items[0]) if items else None

        def store(found: Participant) -> None:
            self.by_wallet.put(wallet, found)
            current = self.by_user.peek(found.user_id)
            if not current or current.wallet_address == found.wallet_address:
                self.by_user.put(found.user_id, found)

        return get_or_load(self.by_wallet, wallet, load, lock=self._cache_lock, generation=self._cache_generation,
                           store=store)

    def find_participant_by_user(self, user_id: str) -> Participant | None:
        """Pattern 2: the cache, then a Query of ``PK = USER#{id} AND begins_with(SK, 'WALLET#')``.

        Returns the user's participant (with several wallets: see the class docstring).
        """
        _check_user_id("user_id", user_id)
        participants: list[Participant] = []

        def load() -> Participant | None:
            participants.extend(self._read_user_partition(user_id, consistent=False, repair=False))
            return participants[0] if participants else None

        return get_or_load(self.by_user, user_id, load, lock=self._cache_lock, generation=self._cache_generation,
                           store=lambda _: self._repair_user(user_id, participants))

    def find_wallets_of_user(self, user_id: str) -> list[Participant]:
        """Every participant (wallet) of a user, in wallet order: always one Query; repairs the caches."""
        _check_user_id("user_id", user_id)
        return self._read_user_partition(user_id, consistent=False, repair=True)

    def global_stats(self) -> GlobalStats | None:
        """Pattern 3: ``GLOBAL#STATS`` from a ``stats_ttl`` (30 s) cache, else one GetItem.

        ``None`` when the item does not exist (remembered for ``stats_ttl`` too, and forgotten
        at the next successful write).
        """

        def load() -> GlobalStats | None:
            item = reads.get_item(self.conn, self.table, STATS_KEY)
            return GlobalStats.from_item(item) if item else None

        return get_or_load(self.stats, keys.STATS_PK, load, lock=self._cache_lock, generation=self._cache_generation)

    def _cache_generation(self) -> int:
        return self._generation

    def _wallet_items(self, wallet: str) -> list[dict[str, Any]]:
        """The participant items whose ``GSI_PK`` is the wallet's: one ``WalletAddressIndex`` Query."""
        items = reads.query(self.conn, self.table, Key("GSI_PK").eq(keys.wallet_pk(wallet)),
                            index=WALLET_INDEX, progress=False)
        return [i for i in items if i.get("Type") == PARTICIPANT_TYPE]

    def _repair_user(self, user_id: str, participants: list[Participant]) -> None:
        """Cache a user's participants (wallet order) after a read; the caller holds ``_cache_lock``."""
        for p in participants:
            self.by_wallet.put(p.wallet_address, p)
        if participants:
            self.by_user.put(user_id, participants[0])
        else:
            self.by_user.put_not_found(user_id)

    def _read_user_partition(self, user_id: str, *, consistent: bool, repair: bool) -> list[Participant]:
        generation = self._generation
        items = reads.query(self.conn, self.table,
                            Key("PK").eq(keys.user_pk(user_id)) & Key("SK").begins_with(keys.WALLET_PREFIX),
                            consistent=consistent, progress=False)
        participants = [Participant.from_item(i) for i in items if i.get("Type") == PARTICIPANT_TYPE]
        participants.sort(key=lambda p: p.wallet_address)
        if repair:
            with self._cache_lock:
                if generation == self._generation:
                    self._repair_user(user_id, participants)
        return participants

    # -- the rare full read -------------------------------------------------------------------

    def scan_all_items(self, *, segments: int = 1, page_size: int | None = None,
                       progress: bool | None = None) -> list[dict[str, Any]]:
        """Pattern 4, raw: every item of the table (participants, ``GLOBAL#STATS``, anything else).

        A full Scan, paginated to the end: it reads and bills *every* item — eventually
        consistent, 0.5 read unit per 4 KB examined, so about ``table bytes / 8 KB`` units
        (e.g. 10,000 participants of ~250 bytes: ~2.4 MB -> ~310 RCU). Reports classify the
        items themselves, so nothing unexpected vanishes. The caches are not touched.
        """
        return reads.read_table(self.conn, self.table, segments=segments, page_size=page_size, progress=progress)

    def list_participants(self, *, segments: int = 1, page_size: int | None = None,
                          progress: bool | None = None) -> list[Participant]:
        """Pattern 4: every ``Type == participant`` item, ordered by (user, wallet).

        Same cost as :meth:`scan_all_items` (it is that scan, filtered here, not by DynamoDB:
        a filter would not reduce the read units anyway).
        """
        items = self.scan_all_items(segments=segments, page_size=page_size, progress=progress)
        participants = [Participant.from_item(i) for i in items if i.get("Type") == PARTICIPANT_TYPE]
        return sorted(participants, key=lambda p: (p.user_id, p.wallet_address))

    # -- writes -------------------------------------------------------------------------------

    def create_participant(self, user_id: str, wallet: str, invested_amount: Any, *,
                           now_ms: int | None = None) -> Participant:
        """Pattern 5 (create): the participant and ``GLOBAL#STATS`` in one transaction.

        Raises :class:`ParticipantExistsError` if the pair is stored, :class:`WalletInUseError`
        if another user has the wallet (checked through the GSI: best effort, the index is
        eventually consistent).
        """
        _check_user_id("user_id", user_id)
        _check_wallet("wallet", wallet)
        amount = _check_amount("invested_amount", invested_amount)
        now = _check_now_ms(now_ms)
        return self._write("create", user_id, wallet, amount, now)

    def update_investment(self, user_id: str, wallet: str, invested_amount: Any, *,
                          now_ms: int | None = None) -> Participant:
        """Pattern 5 (update): set the participant's amount; ``GLOBAL#STATS`` gets the delta.

        The delta is computed from the stored amount (consistent read) and the write is
        conditioned on that amount, so a concurrent writer makes the transaction fail and the
        read-compute-write loop starts again (at most ``max_attempts`` times).
        """
        _check_user_id("user_id", user_id)
        _check_wallet("wallet", wallet)
        amount = _check_amount("invested_amount", invested_amount)
        now = _check_now_ms(now_ms)
        return self._write("update", user_id, wallet, amount, now)

    def delete_participant(self, user_id: str, wallet: str, *, now_ms: int | None = None) -> Participant:
        """Pattern 5 (delete): remove the participant; ``GLOBAL#STATS`` loses its amount and counts.

        Returns the participant as it was.
        """
        _check_user_id("user_id", user_id)
        _check_wallet("wallet", wallet)
        now = _check_now_ms(now_ms)
        return self._write("delete", user_id, wallet, None, now)

    def _write(self, operation: str, user_id: str, wallet: str, amount: Decimal | None, now: int) -> Participant:
        lock = self._user_locks[hash(user_id) % len(self._user_locks)]
        with lock:
            if operation == "create":
                self._check_wallet_owner(user_id, wallet)
            reasons: list[str] = []
            for attempt in range(self.max_attempts):
                if attempt:
                    cap = self.retry_delay * (2 ** min(attempt, 6))
                    self._sleep(random.uniform(0, cap))
                wallets = self._read_user_partition(user_id, consistent=True, repair=False)
                stored = next((p for p in wallets if p.wallet_address == wallet), None)
                others = [p for p in wallets if p.wallet_address != wallet]
                transaction, result = self._plan(operation, user_id, wallet, amount, now, stored)
                try:
                    self.conn.call("TransactWriteItems", TransactItems=transaction)
                except DynamoDBRequestError as error:
                    if error.code != "TransactionCanceledException" or not _retryable(error.cancellation_reasons):
                        raise
                    reasons = list(error.cancellation_reasons)
                    log.debug("%s %s/%s: transaction cancelled (%s), attempt %d", operation, user_id,
                              wallet, ", ".join(reasons), attempt + 1)
                    continue
                self._after_write(user_id, wallet, result, others, deleted=operation == "delete")
                return result
        raise WriteConflictError(f"{operation} participant USER#{user_id}/WALLET#{wallet}", self.max_attempts,
                                 reasons)

    def _check_wallet_owner(self, user_id: str, wallet: str) -> None:
        cached = self.by_wallet.peek(wallet)
        if cached and cached.user_id != user_id:
            raise WalletInUseError(wallet, cached.user_id)
        if cached:
            return
        for item in self._wallet_items(wallet):
            owner = Participant.from_item(item).user_id
            if owner != user_id:
                raise WalletInUseError(wallet, owner)

    def _plan(self, operation: str, user_id: str, wallet: str, amount: Decimal | None, now: int,
              stored: Participant | None) -> tuple[list[dict], Participant]:
        """The transaction for one attempt, and the participant it leaves (or removes)."""
        key = item_to_wire(participant_key(user_id, wallet))
        if operation == "create":
            if stored is not None:
                raise ParticipantExistsError(user_id, wallet)
            assert amount is not None
            result = Participant(user_id, wallet, amount, now, now)
            write = {"Put": {
                "TableName": self.table,
                "Item": item_to_wire(participant_item(user_id, wallet, amount, now, now)),
                "ConditionExpression": "attribute_not_exists(PK)",
            }}
            delta, count_delta, active_delta = amount, 1, int(amount > 0)
        else:
            if stored is None:
                raise ParticipantNotFoundError(user_id, wallet)
            previous = stored.invested_amount
            if previous is None:
                raise DynamoReportsError(
                    f"participant USER#{user_id}/WALLET#{wallet} has an investedAmount that is not a number; "
                    "GLOBAL#STATS cannot be adjusted by a delta — repair the item first")
            condition_values = {":previous": to_wire(previous)}
            if operation == "update":
                assert amount is not None
                result = Participant(user_id, wallet, amount, stored.created_at, now)
                write = {"Update": {
                    "TableName": self.table,
                    "Key": key,
                    "UpdateExpression": "SET investedAmount = :amount, updatedAt = :now",
                    "ConditionExpression": "investedAmount = :previous",
                    "ExpressionAttributeValues": {":amount": to_wire(amount), ":now": to_wire(now),
                                                  **condition_values},
                }}
                delta = _DYNAMO_CONTEXT.subtract(amount, previous)
                count_delta, active_delta = 0, int(amount > 0) - int(previous > 0)
            else:
                result = stored
                write = {"Delete": {
                    "TableName": self.table,
                    "Key": key,
                    "ConditionExpression": "investedAmount = :previous",
                    "ExpressionAttributeValues": condition_values,
                }}
                delta, count_delta, active_delta = _DYNAMO_CONTEXT.minus(previous), -1, -int(previous > 0)
        stats = {"Update": {
            "TableName": self.table,
            "Key": item_to_wire(STATS_KEY),
            "UpdateExpression": ("ADD totalInvested :delta, participantCount :dc, activeParticipants :da "
                                 "SET updatedAt = :now, #type = if_not_exists(#type, :stype)"),
            "ExpressionAttributeNames": {"#type": "Type"},
            "ExpressionAttributeValues": {":delta": to_wire(delta), ":dc": to_wire(count_delta),
                                          ":da": to_wire(active_delta), ":now": to_wire(now),
                                          ":stype": to_wire(GLOBAL_STATS_TYPE)},
        }}
        return [write, stats], result

    def _after_write(self, user_id: str, wallet: str, result: Participant, others: list[Participant],
                     *, deleted: bool) -> None:
        """Write-through, only after the transaction succeeded."""
        with self._cache_lock:
            self._generation += 1
            if deleted:
                self.by_wallet.invalidate(wallet)
            else:
                self.by_wallet.put(wallet, result)
            first = _first_by_wallet(others + ([] if deleted else [result]))
            if first is None:
                self.by_user.invalidate(user_id)
            else:
                self.by_user.put(user_id, first)
            self.stats.invalidate(keys.STATS_PK)


_RETRYABLE_REASONS = {"ConditionalCheckFailed", "TransactionConflict", "ThrottlingError",
                      "ProvisionedThroughputExceeded", "RequestLimitExceeded"}


def _retryable(reasons: Iterable[str]) -> bool:
    codes = {r for r in reasons if r and r != "None"}
    return bool(codes) and codes <= _RETRYABLE_REASONS


__all__ = [
    "BASE58_ALPHABET", "GLOBAL_STATS_TYPE", "GlobalStats", "PARTICIPANTS", "PARTICIPANT_TYPE", "Participant",
    "ParticipantExistsError", "ParticipantNotFoundError", "ParticipantRepository", "STATS_KEY", "TABLES",
    "WALLET_INDEX", "WalletInUseError", "WriteConflictError", "is_valid_wallet", "participant_item", "participant_key",
]
