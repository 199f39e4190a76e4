"""The deterministic demo dataset: every table of the five systems, with planted anomalies.

What it holds (as of ``AS_OF`` = 2025-06-30T18:00:00Z; history from ``START`` = 2025-01-01)
-----------------------------------------------------------------------------------------------
* **000 SolanaShares** (``solanashares``): ~240 participants (``PK=USER#{userId}``,
  ``SK=WALLET#{wallet}``, ``GSI_PK=WALLET#{wallet}``, ``GSI_SK=USER#{userId}``,
  ``Type=participant``, ``investedAmount`` in SOL, ``createdAt``/``updatedAt`` epoch ms),
  joining from 2024-11 on at a growing rate, ~12 % with nothing invested; one ``GLOBAL#STATS``.
* **001 Discord config** (``discord_config``): 20 guilds with ``SETTINGS`` (time zones such as
  Europe/Paris, America/New_York...), 1-5 channels each (mean about 3).
* **002 Trading bot**: ``trades`` — about 1-6 orders a day (some days none) on BTCUSDT, ETHUSDT
  and BNBUSDT from START to AS_OF; prices random-walk (BTC 40-70k, ETH 2-4k, BNB 300-700);
  BUYs of about 55-190 USDT, SELLs of 60-380 USDT that close FIFO lots (often two lots and part
  of a third). Strategy in force: ``rsi`` (Jan-Feb), ``ma`` (Mar-Apr), ``combined`` (May-Jun).
  LIMIT orders and non-FILLED orders carry ``UPDATE#{ISO timestamp}`` history rows (attributes
  ``pk, sk, status, previous_status, updated_at``; **no gsi keys**, so GSI reads never see them).
  The bot's own ``pnl`` on a SELL is FIFO in USDT: proceeds - cost of the matched quantity - the
  SELL's fee - the matched share of the BUYs' fees, BNB fees converted at ``BNB_RATE`` = 600
  USDT/BNB; stored rounded to 4 decimals; ``pnl_percent`` = pnl / (matched cost + matched buy
  fees) x 100, 2 decimals; ``related_trade_id`` = the first BUY lot it closed. Fees: 0.1 % of
  the quote amount in USDT, or 0.075 % paid in BNB (at the market BNB price).
  ``bot-config`` — ``CONFIG#bot`` and ``CONFIG#limits`` (``SETTINGS``) and ``HISTORY#{ts}`` rows
  (``changes`` map ``{attribute: {old, new}}``, ``changed_by``, ``created_at``).
  **Demo limits: max_trades_per_day = 12** (lowered from the documented default 50 on
  2025-02-01, see its HISTORY row), max_amount_per_trade = 1000, cooldown_minutes = 5,
  max_drawdown_percent = 10. Outside the planted breaches, FILLED trades are at least 6 minutes
  apart (all symbols together), at most 6 a day, and at most 380 USDT.
  ``reports`` — one ``REPORT#{date}``/``DAILY`` item per day from START to the day before AS_OF,
  created the next day at 00:05Z, ``ttl`` = created + 90 days (epoch seconds),
  ``gsi1pk=MONTH#YYYY-MM``, ``gsi1sk=date``; values from that day's FILLED trades, each order
  counted once: ``trades_count``/``buy_count``/``sell_count``, ``total_volume`` = sum of
  ``quote_quantity``, ``total_fees`` in USDT (BNB fees x 600), ``pnl_absolute`` = sum of the
  SELLs' true FIFO pnl (a SELL with nothing to match contributes 0), ``pnl_percent`` =
  pnl_absolute / portfolio value at the start of the day x 100, ``total_balance_usdt`` and
  ``balances`` at the end of the day (start: 10,000 USDT and 0.8 BNB).
* **003 Commercive**: 12 affiliates with a tracking link (``link_id`` like ``ABC123XYZ``) and an
  Affiliate Stats row, ~250 leads (pending / approved / rejected; commission in USD on approved
  leads only; ``reviewed_at`` after ``created_at``), ~60 support conversations (open / closed)
  with ~4 messages each (``message_id = f"{created_at}#{uuid}"``). Affiliate Stats rows are the
  Lambda's all-time counters: ``total_leads`` = every lead of the affiliate (whatever its status),
  ``pending``/``approved``/``rejected`` = leads with that status, ``total_commission`` = sum of
  ``commission`` over *approved* leads.
* **004 Flavaflav**: 40 members (some inactive), ~150 inventory links (gold / silver / bronze x
  eight link types, ``link_id = f"{quality}_{sanitized type}_{6 digits}"`` with the document's
  rules: space, ``/``, ``-`` -> ``_``, ``%`` -> ``pct``, via ``systems.flavaflav.sanitize_link_id``),
  weekly distributions (Saturdays 20:00Z)
  from four lists (three active, one retired on 2025-02-01), each distributed link marked
  ``availability=distributed``.

Planted anomalies (``ANOMALIES``; each names its table and the key of a planted item)
---------------------------------------------------------------------------------------
002: ``trade_missing_price``, ``duplicate_order_id``, ``unmatched_sell``, ``fee_in_bnb``,
``cancelled_order``, ``error_order``, ``bot_pnl_mismatch``, ``daily_report_mismatch``,
``day_over_trade_limit``, ``trade_over_amount_limit``, ``cooldown_violation``,
``daily_report_past_ttl``.
000: ``global_stats_drift``, ``wallet_not_base58``, ``wallet_wrong_length``,
``wallet_shared_by_users``, ``user_with_two_wallets``, ``negative_investment``,
``non_numeric_investment``, ``missing_created_at``, ``timestamp_in_future``,
``timestamp_before_2020``, ``gsi_pk_mismatch``, ``unknown_type``.
001: ``channel_without_guild_settings``, ``channel_gsi_mismatch``, ``invalid_tag_type``,
``unknown_timezone``.
003: ``lead_name_html``, ``lead_company_html``, ``stale_affiliate_stats``,
``affiliate_without_stats``, ``lead_affiliate_without_link``, ``lead_unknown_link``,
``lead_unknown_status``, ``approved_without_commission``, ``commission_on_rejected``,
``reviewed_before_created``, ``likely_duplicate_lead``, ``conversation_without_admin_reply``,
``message_html``.
004: ``legacy_inventory_id``, ``distribution_missing_link``, ``distribution_missing_member``,
``available_but_distributed``, ``member_never_served``.
Each anomaly's ``description`` says exactly what is wrong; ``other_keys`` lists the other items
involved (the first of a duplicated pair, ...).

Determinism
-----------
One seed (``random.Random(20250630)``) from which each system gets its own stream, a fixed
as-of date, no clock, no set or dict-order dependence, and only uniform draws and arithmetic
(no libm transcendental functions), so every run on every machine builds identical items.
Numbers are :class:`~decimal.Decimal`, string sets are ``set``.
"""

from __future__ import annotations

import functools
import random
import time
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

from ..systems import discord_config_keys, solanashares_keys, trading_keys

UTC = UTC
AS_OF = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
START = datetime(2025, 1, 1, tzinfo=UTC)
SEED = 20250630
BNB_RATE = Decimal("600")            # USDT per BNB, the rate the bot used for its own pnl/fees
DAILY_REPORT_TTL_DAYS = 90
BATCH_SIZE = 25                      # BatchWriteItem's maximum

#: Logical tables in load order (every table of the five systems).
TABLE_ORDER: tuple[str, ...] = (
    "solanashares",
    "discord_config",
    "trades", "bot_config", "reports",
    "conversations", "messages", "leads", "affiliate_links", "affiliate_stats",
    "members", "inventory", "distributions", "lists",
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DISCORD_EPOCH_MS = 1420070400000


@dataclass(frozen=True)
class Anomaly:
    """One planted defect: the table (logical name) and key of the item that carries it."""

    name: str
    system: str                       # "000" .. "004"
    table: str                        # logical table name
    key: Mapping[str, Any]            # primary key of the planted item
    description: str
    other_keys: tuple[Mapping[str, Any], ...] = ()   # other items involved, same table

    def __hash__(self) -> int:        # key is a dict: hash by name (names are unique)
        return hash(self.name)


# -- small helpers -------------------------------------------------------------------------------

def iso(ts: datetime) -> str:
    """``2025-03-01T10:00:00Z`` (seconds, UTC)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(ts: datetime) -> int:
    return (ts - _EPOCH) // timedelta(milliseconds=1)


def epoch_s(ts: datetime) -> int:
    return (ts - _EPOCH) // timedelta(seconds=1)


def dec(value: Any, places: int) -> Decimal:
    """Round half-even to ``places`` decimals, then drop trailing zeros (never exponent form)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    if d == 0:
        return Decimal(0)
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return Decimal(s)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _snowflake(rng: random.Random, when: datetime) -> str:
    """A Discord id (snowflake) minted at ``when``."""
    return str(((epoch_ms(when) - _DISCORD_EPOCH_MS) << 22) | rng.getrandbits(22))


def _b58encode(raw: bytes) -> str:
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = solanashares_keys.BASE58_ALPHABET[r] + out
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + out


def _wallet(rng: random.Random) -> str:
    """A Solana address: base58 of 32 random bytes (43-44 characters)."""
    return _b58encode(bytes(rng.getrandbits(8) for _ in range(32)))


def _between(rng: random.Random, start: datetime, end: datetime, *, growth: float = 0.0) -> datetime:
    """A whole-second time in [start, end). With probability ``growth`` the time is the later of
    two uniform draws (density rising linearly), so ``growth`` > 0 favours late times."""
    u = rng.random()
    if growth and rng.random() < growth:
        u = max(u, rng.random())
    seconds = int((end - start).total_seconds() * u)
    return start + timedelta(seconds=seconds)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


class _Planter:
    def __init__(self) -> None:
        self.anomalies: list[Anomaly] = []

    def add(self, name: str, system: str, table: str, key: Mapping[str, Any], description: str,
            other_keys: tuple[Mapping[str, Any], ...] = ()) -> None:
        self.anomalies.append(Anomaly(name, system, table, dict(key), description,
                                      tuple(dict(k) for k in other_keys)))


# == 000 SolanaShares ============================================================================

_SOL_START = datetime(2024, 11, 1, tzinfo=UTC)


def _sol_amount(rng: random.Random) -> Decimal:
    """Heavy-tailed SOL amounts: many small, a few whales."""
    bucket = rng.choices([(0.1, 2), (2, 10), (10, 50), (50, 250), (250, 900)],
                         weights=[30, 38, 22, 8, 2])[0]
    return dec(rng.uniform(*bucket), 3)


def _build_solanashares(rng: random.Random, plant: _Planter) -> dict[str, list[dict]]:
    items: list[dict] = []
    used_users: list[str] = []

    def participant(user: str, wallet: str, amount: Any, created: datetime | None,
                    updated: datetime | None, **overrides: Any) -> dict:
        item: dict[str, Any] = {
            **solanashares_keys.participant_keys(user, wallet),
            "Type": solanashares_keys.PARTICIPANT_TYPE, "userId": user, "walletAddress": wallet,
            "investedAmount": amount,
        }
        if created is not None:
            item["createdAt"] = epoch_ms(created)
        if updated is not None:
            item["updatedAt"] = epoch_ms(updated)
        item.update(overrides)
        items.append(item)
        return item

    def new_user() -> str:
        joined_discord = _between(rng, datetime(2017, 1, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))
        user = _snowflake(rng, joined_discord)
        used_users.append(user)
        return user

    def times() -> tuple[datetime, datetime]:
        created = _between(rng, _SOL_START, AS_OF, growth=0.8)
        updated = _between(rng, created, AS_OF) if rng.random() < 0.4 else created
        return created, updated

    clean: list[dict] = []
    for _ in range(240):
        created, updated = times()
        amount = Decimal(0) if rng.random() < 0.12 else _sol_amount(rng)
        clean.append(participant(new_user(), _wallet(rng), amount, created, updated))

    def key(item: dict) -> dict:
        return {"PK": item["PK"], "SK": item["SK"]}

    def normal(amount: Any = None, **kw: Any) -> dict:
        created, updated = times()
        return participant(new_user(), kw.pop("wallet", None) or _wallet(rng),
                           _sol_amount(rng) if amount is None else amount,
                           kw.pop("created", created), kw.pop("updated", updated), **kw)

    w = _wallet(rng)
    bad = w[:10] + "0OIl" + w[14:]
    it = normal(wallet=bad)
    plant.add("wallet_not_base58", "000", "solanashares", key(it),
              f"walletAddress {bad!r} contains 0, O, I and l, which are not base58 characters")
    short = _wallet(rng)[:24]
    it = normal(wallet=short)
    plant.add("wallet_wrong_length", "000", "solanashares", key(it),
              f"walletAddress {short!r} is {len(short)} characters long (a Solana address is 32-44)")
    shared = _wallet(rng)
    first = normal(wallet=shared)
    second = normal(wallet=shared)
    plant.add("wallet_shared_by_users", "000", "solanashares", key(second),
              f"wallet {shared} is claimed by two Discord users ({first['userId']} and {second['userId']})",
              (key(first),))
    two = new_user()
    c1, u1 = times()
    a = participant(two, _wallet(rng), _sol_amount(rng), c1, u1)
    c2 = _between(rng, c1, AS_OF)
    b = participant(two, _wallet(rng), _sol_amount(rng), c2, c2)
    plant.add("user_with_two_wallets", "000", "solanashares", key(b),
              f"Discord user {two} has two participant items (two wallets)", (key(a),))
    it = normal(amount=Decimal("-3.5"))
    plant.add("negative_investment", "000", "solanashares", key(it), "investedAmount is -3.5 (negative)")
    it = normal(amount="abc")
    plant.add("non_numeric_investment", "000", "solanashares", key(it),
              'investedAmount is the string "abc", not a number')
    it = normal(created=None)
    plant.add("missing_created_at", "000", "solanashares", key(it), "the item has no createdAt")
    future = datetime(2091, 3, 14, 9, 26, 53, tzinfo=UTC)
    it = normal(created=future, updated=future)
    plant.add("timestamp_in_future", "000", "solanashares", key(it),
              f"createdAt and updatedAt are {epoch_ms(future)} (year 2091), after AS_OF")
    past = datetime(2015, 6, 1, 12, 0, tzinfo=UTC)
    it = normal(created=past)
    plant.add("timestamp_before_2020", "000", "solanashares", key(it),
              f"createdAt is {epoch_ms(past)} (2015-06-01), before the bot (or Solana) existed")
    it = normal()
    old_wallet = _wallet(rng)
    it["GSI_PK"] = solanashares_keys.wallet_pk(old_wallet)
    plant.add("gsi_pk_mismatch", "000", "solanashares", key(it),
              "GSI_PK is WALLET# of another (older) wallet, not WALLET#{walletAddress}: "
              "a lookup by walletAddress through WalletAddressIndex misses it")
    it = normal(Type="participant_legacy")
    plant.add("unknown_type", "000", "solanashares", key(it),
              'Type is "participant_legacy" (known types: participant, global_stats)')

    # GLOBAL#STATS drifted: larger/smaller than any recomputation, whatever the report excludes.
    planted_participants = len(items) - len(clean)
    total = sum(i["investedAmount"] for i in clean)
    active = sum(1 for i in clean if i["investedAmount"] > 0)
    stored_total = total - Decimal("150.25")
    stored_count = len(clean) + planted_participants + 7
    stored_active = active - 6
    stats_updated = AS_OF - timedelta(days=2, hours=3)
    items.insert(0, {
        **solanashares_keys.STATS_KEY, "Type": solanashares_keys.GLOBAL_STATS_TYPE,
        "totalInvested": stored_total, "participantCount": stored_count,
        "activeParticipants": stored_active, "updatedAt": epoch_ms(stats_updated),
    })
    plant.add("global_stats_drift", "000", "solanashares", dict(solanashares_keys.STATS_KEY),
              f"GLOBAL#STATS drifted from the participants: totalInvested {stored_total} is 150.25 below "
              f"the {len(clean)} well-formed participants' sum ({total}); participantCount {stored_count} "
              f"exceeds every recount ({len(clean)} well-formed participants, "
              f"{len(clean) + planted_participants} with the planted items); "
              f"activeParticipants {stored_active} is 6 below their "
              f"active count ({active}); its updatedAt ({iso(stats_updated)}) is older than the newest "
              f"participant change")
    return {"solanashares": items}


# == 001 Discord config ==========================================================================

_TIMEZONES = ["Europe/Paris", "America/New_York", "Europe/London", "America/Los_Angeles",
              "Asia/Tokyo", "Australia/Sydney", "Europe/Berlin", "America/Sao_Paulo",
              "Asia/Singapore", "UTC", "America/Chicago", "Europe/Madrid"]


def _build_discord(rng: random.Random, plant: _Planter) -> dict[str, list[dict]]:
    items: list[dict] = []
    counts = [3, 3, 2, 4, 3, 1, 5, 3, 2, 4, 3, 3, 2, 4, 1, 5, 3, 2, 4, 3]   # mean 3.0, range 1-5
    rng.shuffle(counts)
    channels: list[dict] = []

    def channel(guild: str, tag_type: str | None = None) -> dict:
        cid = _snowflake(rng, _between(rng, datetime(2019, 1, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)))
        tt = tag_type or rng.choice(["USER", "ROLE"])
        item = {
            **discord_config_keys.channel_keys(guild, cid),
            "Type": discord_config_keys.CHANNEL_TYPE, "channelId": cid, "guildId": guild,
            "image": rng.random() < 0.5, "notifyOnClose": rng.random() < 0.6, "pin": rng.random() < 0.3,
            "tagType": tt,
            "tagId": int(_snowflake(rng, _between(rng, datetime(2018, 1, 1, tzinfo=UTC),
                                                   datetime(2025, 1, 1, tzinfo=UTC)))),
            "threshold": rng.randint(1, 10),
        }
        items.append(item)
        channels.append(item)
        return item

    guilds: list[str] = []
    for n in counts:
        guild = _snowflake(rng, _between(rng, datetime(2018, 1, 1, tzinfo=UTC), datetime(2024, 12, 1, tzinfo=UTC)))
        guilds.append(guild)
        items.append({
            **discord_config_keys.settings_key(guild), "Type": discord_config_keys.SETTINGS_TYPE, "guildId": guild,
            "timezone": rng.choice(_TIMEZONES),
            "positionDisplayEnabled": rng.random() < 0.5,
            "summaryPreferences": {"dailySummary": rng.random() < 0.7,
                                   "weeklySummary": rng.random() < 0.5,
                                   "monthlySummary": rng.random() < 0.3},
        })
        for _ in range(n):
            channel(guild)

    def key(item: dict) -> dict:
        return {"PK": item["PK"], "SK": item["SK"]}

    settings = [i for i in items if discord_config_keys.is_settings_sk(i["SK"])]
    mars = settings[7]
    mars["timezone"] = "Mars/Olympus"
    plant.add("unknown_timezone", "001", "discord_config", key(mars),
              'guild settings with timezone "Mars/Olympus", which is not an IANA time zone')
    group = channels[11]
    group["tagType"] = "GROUP"
    plant.add("invalid_tag_type", "001", "discord_config", key(group),
              'channel config with tagType "GROUP" (allowed: USER, ROLE)')
    moved = channels[23]
    other = _snowflake(rng, datetime(2024, 2, 2, tzinfo=UTC))
    moved["GSI_PK"] = discord_config_keys.channel_sk(other)
    plant.add("channel_gsi_mismatch", "001", "discord_config", key(moved),
              f"GSI_PK is {moved['GSI_PK']} but SK is {moved['SK']}: a ChannelIndex lookup by its "
              f"channelId misses it (and the other id finds it)")
    orphan_guild = _snowflake(rng, datetime(2023, 8, 8, tzinfo=UTC))
    orphan = channel(orphan_guild)
    plant.add("channel_without_guild_settings", "001", "discord_config", key(orphan),
              f"channel of guild {orphan_guild}, which has no GUILD#/SETTINGS item "
              f"(the 20 configured guilds all have one)")
    return {"discord_config": items}


# == 002 Trading bot =============================================================================

@dataclass(frozen=True)
class _Sym:
    base: str
    start: float
    lo: float
    hi: float
    step: Decimal
    order_id0: int


_SYMBOLS: dict[str, _Sym] = {
    "BTCUSDT": _Sym("BTC", 43150.0, 40000.0, 70000.0, Decimal("0.00001"), 36_100_000_000),
    "ETHUSDT": _Sym("ETH", 2310.0, 2000.0, 4000.0, Decimal("0.0001"), 24_800_000_000),
    "BNBUSDT": _Sym("BNB", 318.0, 300.0, 700.0, Decimal("0.001"), 5_900_000_000),
}
_SYMBOL_NAMES = list(_SYMBOLS)

LIMITS = {"max_trades_per_day": 12, "max_amount_per_trade": 1000, "cooldown_minutes": 5,
          "max_drawdown_percent": 10}
_OVER_AMOUNT_DAY = date(2025, 3, 12)
_COOLDOWN_DAY = date(2025, 4, 9)
_BUSY_DAY = date(2025, 5, 20)
_MISSING_PRICE_FROM = date(2025, 2, 17)
_DUPLICATE_FROM = date(2025, 3, 3)
_PNL_MISMATCH_FROM = date(2025, 5, 6)
_DAILY_MISMATCH_FROM = date(2025, 5, 14)
_PNL_MISMATCH_DELTA = Decimal("25")


def _strategy(day: date) -> str:
    if day < date(2025, 3, 1):
        return "rsi"
    if day < date(2025, 5, 1):
        return "ma"
    return "combined"


@dataclass
class _Lot:
    trade_id: str
    qty: Decimal
    remaining: Decimal
    price: Decimal
    fee: Decimal            # USDT value of the BUY's whole fee (BNB at BNB_RATE)


@dataclass
class _Order:
    id: str
    symbol: str
    side: str
    type: str
    status: str
    created: datetime
    updated: datetime
    quantity: Decimal
    price: Decimal
    quote: Decimal
    commission: Decimal
    commission_asset: str
    fee_usdt: Decimal
    strategy: str
    indicators: dict
    order_id: int
    client_order_id: str
    pnl: Decimal | None = None          # the bot's stored pnl
    true_pnl: Decimal | None = None     # FIFO pnl (what the bot should have stored)
    pnl_percent: Decimal | None = None
    cost_basis: Decimal | None = None   # matched cost + matched share of the BUYs' fees
    related: str | None = None
    lots_touched: int = 0
    last_lot_partial: bool = False
    tags: set = field(default_factory=set)


def _client_order_id(rng: random.Random, when: datetime) -> str:
    suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
    return f"bot_{epoch_s(when)}_{suffix}"


def _build_trading(rng: random.Random, plant: _Planter) -> dict[str, list[dict]]:
    days = _days(START.date(), AS_OF.date())
    # Daily closes: closes[sym][i] is the open of days[i], closes[sym][i + 1] its close.
    closes: dict[str, list[float]] = {}
    for sym, spec in _SYMBOLS.items():
        p = spec.start
        series = [p]
        for _ in days:
            p = p * (1 + rng.uniform(-0.045, 0.047))
            if p < spec.lo:
                p = 2 * spec.lo - p
            if p > spec.hi:
                p = 2 * spec.hi - p
            series.append(p)
        closes[sym] = series

    def price_at(sym: str, i: int, when: datetime) -> Decimal:
        frac = (when - datetime(days[i].year, days[i].month, days[i].day, tzinfo=UTC)) / timedelta(days=1)
        o, c = closes[sym][i], closes[sym][i + 1]
        return dec((o + (c - o) * frac) * (1 + rng.uniform(-0.002, 0.002)), 2).quantize(Decimal("0.01"))

    next_order_id = {sym: spec.order_id0 for sym, spec in _SYMBOLS.items()}
    lots: dict[str, list[_Lot]] = {sym: [] for sym in _SYMBOLS}
    balances = {"USDT": Decimal("10000"), "BTC": Decimal(0), "ETH": Decimal(0), "BNB": Decimal("0.8")}
    orders: list[_Order] = []
    eod_balances: dict[date, dict[str, Decimal]] = {}
    bnb_first_done = False

    def fee_for(sym: str, quote: Decimal, i: int) -> tuple[Decimal, str, Decimal]:
        """(commission, asset, its USDT value for the bot): 0.1 % in USDT, or 0.075 % paid in BNB."""
        if sym != "BNBUSDT" and rng.random() < 0.07:
            bnb_price = Decimal(str(closes["BNBUSDT"][i + 1]))
            commission = (quote * Decimal("0.00075") / bnb_price).quantize(Decimal("0.00000001"))
            return commission, "BNB", commission * BNB_RATE
        commission = (quote * Decimal("0.001")).quantize(Decimal("0.00000001"))
        return commission, "USDT", commission

    def indicators(sym: str, side: str, price: Decimal) -> dict:
        rsi = rng.uniform(18, 34) if side == "BUY" else rng.uniform(64, 82)
        p = float(price)
        return {"rsi": dec(rsi, 2), "ma50": dec(p * rng.uniform(0.97, 1.03), 2),
                "ma200": dec(p * rng.uniform(0.9, 1.08), 2)}

    def open_qty(sym: str) -> Decimal:
        return sum((lot.remaining for lot in lots[sym]), Decimal(0))

    weights = [7, 17, 20, 20, 16, 12, 8]     # 0..6 orders a day
    for i, day in enumerate(days):
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        n = rng.choices(range(7), weights=weights)[0]
        if day == _BUSY_DAY:
            n = 13
        elif day in (_OVER_AMOUNT_DAY, _COOLDOWN_DAY):
            n = max(n, 3)
        n_slots = 106 if day == AS_OF.date() else 144          # 10-minute slots; AS_OF day ends 17:43
        slots = sorted(rng.sample(range(n_slots), n))
        times = [midnight + timedelta(minutes=10 * s, seconds=rng.randint(0, 239)) for s in slots]
        if day == _COOLDOWN_DAY:
            times[1] = times[0] + timedelta(seconds=130)
        for j, when in enumerate(times):
            sym = rng.choice(_SYMBOL_NAMES)
            status = rng.choices(["FILLED", "CANCELLED", "ERROR"], weights=[93, 4.5, 2.5])[0]
            forced_over = day == _OVER_AMOUNT_DAY and j == 0
            if day == _BUSY_DAY or (day == _COOLDOWN_DAY and j < 2) or forced_over:
                status = "FILLED"
            if forced_over:
                sym = "ETHUSDT"
            otype = "LIMIT" if status == "CANCELLED" or rng.random() < 0.25 else "MARKET"
            price = price_at(sym, i, when)
            spec = _SYMBOLS[sym]
            tags: set[str] = set()
            unmatched = False
            if status == "FILLED" and sym == "BNBUSDT" and not bnb_first_done:
                side, unmatched = "SELL", True
                bnb_first_done = True
                tags.add("unmatched_sell")
            elif status == "FILLED":
                held = open_qty(sym)
                if forced_over or held == 0:
                    side = "BUY"
                else:
                    p_sell = 0.75 if held * price > 450 else 0.4
                    side = "SELL" if rng.random() < p_sell else "BUY"
            else:
                side = "BUY" if open_qty(sym) == 0 else rng.choice(["BUY", "SELL"])
            if forced_over:
                tags.add("over_amount")
            if day == _COOLDOWN_DAY and j < 2:
                tags.add("cooldown")
            delay = timedelta(minutes=rng.randint(1, 40)) if otype == "LIMIT" else timedelta(seconds=1)
            updated = min(when + delay, AS_OF)
            oid = next_order_id[sym] = next_order_id[sym] + rng.randint(2_000, 90_000)
            tid = _uuid(rng)
            o = _Order(id=tid, symbol=sym, side=side, type=otype, status=status, created=when,
                       updated=updated, quantity=Decimal(0), price=price, quote=Decimal(0),
                       commission=Decimal(0), commission_asset="USDT", fee_usdt=Decimal(0),
                       strategy=_strategy(day), indicators=indicators(sym, side, price),
                       order_id=oid, client_order_id=_client_order_id(rng, when), tags=tags)
            orders.append(o)
            if status != "FILLED":
                continue
            if side == "BUY":
                amount = Decimal("1250") if forced_over else Decimal(str(100 * rng.uniform(0.55, 1.9)))
                qty = (amount / price).quantize(spec.step, rounding=ROUND_DOWN)
                quote = qty * price
                commission, asset, fee = fee_for(sym, quote, i)
                lots[sym].append(_Lot(tid, qty, qty, price, fee))
                balances["USDT"] -= quote
                balances[spec.base] += qty
            else:
                if unmatched:
                    qty = Decimal("0.25")
                else:
                    held = open_qty(sym)
                    target = Decimal(str(rng.uniform(60, 380)))
                    qty = min(held, (target / price).quantize(spec.step, rounding=ROUND_DOWN))
                    if qty <= 0 or (held - qty) * price < 15:
                        qty = held
                quote = qty * price
                commission, asset, fee = fee_for(sym, quote, i)
                balances["USDT"] += quote
                balances[spec.base] -= qty
                if not unmatched:
                    remaining, cost, fee_share, touched = qty, Decimal(0), Decimal(0), 0
                    first_lot = lots[sym][0].trade_id
                    while remaining > 0:
                        lot = lots[sym][0]
                        m = min(lot.remaining, remaining)
                        cost += m * lot.price
                        fee_share += lot.fee * m / lot.qty
                        lot.remaining -= m
                        remaining -= m
                        touched += 1
                        o.last_lot_partial = lot.remaining > 0
                        if lot.remaining == 0:
                            lots[sym].pop(0)
                    pnl = dec(quote - cost - fee - fee_share, 4)
                    o.true_pnl = o.pnl = pnl
                    o.cost_basis = cost + fee_share
                    o.pnl_percent = dec(pnl / o.cost_basis * 100, 2)
                    o.related = first_lot
                    o.lots_touched = touched
            if asset == "USDT":
                balances["USDT"] -= commission
            else:
                balances["BNB"] -= commission
            o.quantity, o.quote, o.commission, o.commission_asset, o.fee_usdt = qty, quote, commission, asset, fee
        eod_balances[day] = dict(balances)

    filled = [o for o in orders if o.status == "FILLED"]

    def first(pred) -> _Order:
        return next(o for o in orders if pred(o))

    special_days = {_OVER_AMOUNT_DAY, _COOLDOWN_DAY, _BUSY_DAY}

    def plain(o: _Order) -> bool:
        return not o.tags and o.created.date() not in special_days

    missing = first(lambda o: plain(o) and o.status == "FILLED" and o.side == "BUY" and o.symbol == "BTCUSDT"
                    and o.type == "MARKET" and o.commission_asset == "USDT"
                    and o.created.date() >= _MISSING_PRICE_FROM)
    missing.tags.add("missing_price")
    dup = first(lambda o: plain(o) and o.status == "FILLED" and o.side == "BUY" and o.symbol == "ETHUSDT"
                and o.type == "MARKET" and o.created.date() >= _DUPLICATE_FROM)
    dup.tags.add("duplicate")
    wrong = first(lambda o: plain(o) and o.status == "FILLED" and o.side == "SELL" and o.pnl is not None
                  and o.created.date() >= _PNL_MISMATCH_FROM)
    wrong.tags.add("pnl_mismatch")
    assert wrong.true_pnl is not None and wrong.cost_basis is not None  # a filled SELL: both known
    wrong.pnl = wrong.true_pnl + _PNL_MISMATCH_DELTA
    wrong.pnl_percent = dec(wrong.pnl / wrong.cost_basis * 100, 2)
    filled_days: dict[date, list[Any]] = {}
    for o in filled:
        filled_days.setdefault(o.created.date(), []).append(o)
    mismatch_day = next(d for d in days if d >= _DAILY_MISMATCH_FROM and d not in special_days
                        and len(filled_days.get(d, [])) >= 2
                        and not any(o.tags for o in filled_days[d]))

    # -- items: trades ------------------------------------------------------------------------
    trades: list[dict] = []
    for o in orders:
        ts = iso(o.created)
        item: dict[str, Any] = {
            **trading_keys.trade_key(o.id), "id": o.id, "order_id": o.order_id,
            "client_order_id": o.client_order_id, "symbol": o.symbol, "side": o.side, "type": o.type,
            "status": o.status, "quantity": o.quantity, "price": o.price, "quote_quantity": o.quote,
            "commission": o.commission, "commission_asset": o.commission_asset,
            "strategy": o.strategy, "indicators": o.indicators,
        }
        if o.pnl is not None:
            item["pnl"] = o.pnl
            item["pnl_percent"] = o.pnl_percent
        if o.related:
            item["related_trade_id"] = o.related
        item.update({
            "created_at": ts, "updated_at": iso(o.updated),
            **trading_keys.trade_index_keys(o.symbol, o.status, ts),
        })
        if "missing_price" in o.tags:
            del item["price"]
        trades.append(item)
        # status history rows (no gsi keys: they are not trades)
        if o.status == "ERROR":
            trades.append({**trading_keys.update_key(o.id, ts), "status": "ERROR",
                           "previous_status": "NEW", "updated_at": ts})
        elif o.type == "LIMIT":
            trades.append({**trading_keys.update_key(o.id, ts), "status": "NEW", "updated_at": ts})
            up = iso(o.updated)
            if up == ts:
                up = iso(o.updated + timedelta(seconds=1))
            trades.append({**trading_keys.update_key(o.id, up), "status": o.status,
                           "previous_status": "NEW", "updated_at": up})
        if "duplicate" in o.tags:
            copy_id = _uuid(rng)
            copy = dict(item, pk=trading_keys.trade_pk(copy_id), id=copy_id, indicators=dict(o.indicators))
            trades.append(copy)

    def tkey(o_or_id: Any) -> dict:
        tid = o_or_id if isinstance(o_or_id, str) else o_or_id.id
        return trading_keys.trade_key(tid)

    dup_copy = next(t for t in trades
                    if trading_keys.is_trade(t) and t["order_id"] == dup.order_id and t["id"] != dup.id)
    unmatched_o = first(lambda o: "unmatched_sell" in o.tags)
    bnb = [o for o in filled if o.commission_asset == "BNB"]
    cancelled = first(lambda o: o.status == "CANCELLED")
    error = first(lambda o: o.status == "ERROR")
    over = first(lambda o: "over_amount" in o.tags)
    cool = [o for o in orders if "cooldown" in o.tags]
    busy = [o for o in filled if o.created.date() == _BUSY_DAY]

    plant.add("trade_missing_price", "002", "trades", tkey(missing),
              f"FILLED BUY {missing.symbol} of {iso(missing.created)} has no price attribute "
              f"(quantity {missing.quantity} and quote_quantity {missing.quote} are present: "
              f"price = quote_quantity / quantity = {missing.price})")
    plant.add("duplicate_order_id", "002", "trades", tkey(dup_copy["id"]),
              f"order_id {dup.order_id} is stored twice: two METADATA items (two trade ids) with the same "
              f"order, time and amounts — the FILLED BUY {dup.symbol} of {iso(dup.created)}; count it once",
              (tkey(dup),))
    plant.add("unmatched_sell", "002", "trades", tkey(unmatched_o),
              f"the first BNBUSDT trade ({iso(unmatched_o.created)}) is a SELL of {unmatched_o.quantity} BNB "
              f"with no earlier BUY to match (held before START); the bot stored no pnl for it and its "
              f"DAILY pnl_absolute counts it as 0")
    plant.add("fee_in_bnb", "002", "trades", tkey(bnb[0]),
              f"{len(bnb)} FILLED trades paid their fee in BNB (commission_asset = \"BNB\"); the bot converted "
              f"them at {BNB_RATE} USDT/BNB in its pnl and DAILY total_fees",
              tuple(tkey(o) for o in bnb[1:]))
    plant.add("cancelled_order", "002", "trades", tkey(cancelled),
              f"status CANCELLED (quantity 0): an order outcome, not a trade; "
              f"{sum(1 for o in orders if o.status == 'CANCELLED')} such orders in all")
    plant.add("error_order", "002", "trades", tkey(error),
              f"status ERROR (quantity 0): an order outcome, not a trade; "
              f"{sum(1 for o in orders if o.status == 'ERROR')} such orders in all")
    plant.add("bot_pnl_mismatch", "002", "trades", tkey(wrong),
              f"the bot's pnl {wrong.pnl} on this SELL {wrong.symbol} ({iso(wrong.created)}) is "
              f"{_PNL_MISMATCH_DELTA} above its FIFO recomputation ({wrong.true_pnl}, BNB fees at "
              f"{BNB_RATE}); that day's DAILY report carries the correct figure")
    plant.add("daily_report_mismatch", "002", "reports", trading_keys.report_key(mismatch_day.isoformat()),
              f"DAILY report of {mismatch_day.isoformat()} says trades_count "
              f"{len(filled_days[mismatch_day]) + 1}, the trades say {len(filled_days[mismatch_day])} "
              f"(every other field agrees)")
    plant.add("day_over_trade_limit", "002", "trades", tkey(busy[-1]),
              f"{_BUSY_DAY.isoformat()} has {len(busy)} FILLED trades, over CONFIG#limits "
              f"max_trades_per_day = {LIMITS['max_trades_per_day']} (the demo's limit, lowered from the "
              f"documented 50); the key is the trade that broke the limit",
              tuple(tkey(o) for o in busy[:-1]))
    plant.add("trade_over_amount_limit", "002", "trades", tkey(over),
              f"BUY {over.symbol} of {over.quote} USDT, over max_amount_per_trade = "
              f"{LIMITS['max_amount_per_trade']}")
    plant.add("cooldown_violation", "002", "trades", tkey(cool[1]),
              f"FILLED {iso(cool[1].created)}, {int((cool[1].created - cool[0].created).total_seconds())} s "
              f"after the previous FILLED trade ({iso(cool[0].created)}): closer than cooldown_minutes = "
              f"{LIMITS['cooldown_minutes']}", (tkey(cool[0]),))

    # -- items: reports ----------------------------------------------------------------------------
    reports: list[dict] = []
    prev_total: Decimal | None = None
    start_value = Decimal("10000") + Decimal("0.8") * Decimal(str(closes["BNBUSDT"][0]))
    past_ttl: list[dict] = []
    for i, day in enumerate(days[:-1]):
        day_orders = filled_days.get(day, [])
        bal = eod_balances[day]
        total = bal["USDT"] + sum(bal[_SYMBOLS[s].base] * Decimal(str(closes[s][i + 1])) for s in _SYMBOLS)
        opening = prev_total if prev_total is not None else start_value
        pnl_abs = sum((o.true_pnl or Decimal(0) for o in day_orders if o.side == "SELL"), Decimal(0))
        created = datetime(day.year, day.month, day.day, 0, 5, tzinfo=UTC) + timedelta(days=1)
        status = "failed" if rng.random() < 0.04 else "sent"
        item = {
            **trading_keys.report_key(day.isoformat()), "date": day.isoformat(),
            "trades_count": len(day_orders) + (1 if day == mismatch_day else 0),
            "buy_count": sum(1 for o in day_orders if o.side == "BUY"),
            "sell_count": sum(1 for o in day_orders if o.side == "SELL"),
            "pnl_absolute": pnl_abs,
            "pnl_percent": dec(pnl_abs / opening * 100, 4),
            "total_volume": sum((o.quote for o in day_orders), Decimal(0)),
            "total_fees": sum((o.fee_usdt for o in day_orders), Decimal(0)),
            "total_balance_usdt": dec(total, 2),
            "balances": {k: dec(v, 8) for k, v in bal.items()},
            "status": status,
            "created_at": iso(created),
            "ttl": epoch_s(created + timedelta(days=DAILY_REPORT_TTL_DAYS)),
            **trading_keys.report_index_keys(day.isoformat()),
        }
        if status == "sent":
            item["telegram_message_id"] = 4100 + i
        reports.append(item)
        prev_total = total
        if item["ttl"] < epoch_s(AS_OF):
            past_ttl.append(item)
    plant.add("daily_report_past_ttl", "002", "reports", trading_keys.report_key(past_ttl[0]["date"]),
              f"{len(past_ttl)} DAILY items ({past_ttl[0]['date']} .. {past_ttl[-1]['date']}) have a ttl "
              f"already past at AS_OF but are still stored (TTL deletion is lazy; emulators never delete)",
              tuple(trading_keys.report_key(r["date"]) for r in past_ttl[1:]))

    # -- items: bot-config ------------------------------------------------------------------------
    created_cfg = "2024-12-30T09:00:00Z"
    bot_config: list[dict[str, Any]] = [
        {**trading_keys.config_key("bot"), "enabled": True, "strategy": "combined", "symbol": "BTCUSDT",
         "amount": 100, "rsi_period": 14, "rsi_oversold": 30, "rsi_overbought": 70, "ma_short": 50,
         "ma_long": 200, "last_execution": "2025-06-30T17:55:00Z", "last_signal": "HOLD",
         "created_at": created_cfg, "updated_at": "2025-05-01T08:00:00Z"},
        {**trading_keys.config_key("limits"), **LIMITS,
         "created_at": created_cfg, "updated_at": "2025-02-01T09:00:00Z"},
        {**trading_keys.config_history_key("bot", created_cfg), "created_at": created_cfg, "changed_by": "terraform",
         "changes": {"enabled": {"new": True}, "strategy": {"new": "rsi"}, "symbol": {"new": "BTCUSDT"},
                     "amount": {"new": 100}}},
        {**trading_keys.config_history_key("bot", "2025-03-01T08:00:00Z"), "created_at": "2025-03-01T08:00:00Z",
         "changed_by": "telegram:admin", "changes": {"strategy": {"old": "rsi", "new": "ma"}}},
        {**trading_keys.config_history_key("bot", "2025-05-01T08:00:00Z"), "created_at": "2025-05-01T08:00:00Z",
         "changed_by": "telegram:admin", "changes": {"strategy": {"old": "ma", "new": "combined"}}},
        {**trading_keys.config_history_key("limits", created_cfg), "created_at": created_cfg, "changed_by": "terraform",
         "changes": {"max_trades_per_day": {"new": 50}, "max_amount_per_trade": {"new": 1000},
                     "cooldown_minutes": {"new": 5}, "max_drawdown_percent": {"new": 10}}},
        {**trading_keys.config_history_key("limits", "2025-02-01T09:00:00Z"), "created_at": "2025-02-01T09:00:00Z",
         "changed_by": "telegram:admin", "changes": {"max_trades_per_day": {"old": 50, "new": 12}}},
    ]
    return {"trades": trades, "bot_config": bot_config, "reports": reports}


# == 003 Commercive ==============================================================================

_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Chloe", "Hugo", "Léa",
          "Mateo", "Sofia", "Jules", "Zoé", "Arthur", "Nina", "Omar", "Yuki", "Priya", "Karim", "Ines"]
_LAST = ["Martin", "Bernard", "Dubois", "Smith", "Johnson", "Garcia", "Müller", "Rossi", "Nguyen",
         "Kowalski", "Silva", "Lefèvre", "O'Brien", "Tanaka", "Haddad", "Moreau", "Lopez", "Patel"]
_COMPANIES = ["Acme Supply Co", "Blue Harbor Goods", "Northwind Outfitters", "Pixel & Thread", "Maison Lune",
              "Greenleaf Organics", "Urban Nest", "Tidewater Apparel", "Copper Kettle", "Atlas Pet Co",
              "Nordic Glow", "Sunset Sneakers", "Kiwi Kids", "Velvet Room", "Brightside Labs"]
_DOMAINS = ["example.com", "example.org", "example.net"]
_SUBJECTS = ["Order not received", "Inventory sync issue", "Billing question", "Shopify integration",
             "Tracking link broken", "Payout request", "Refund request", "Account access",
             "Affiliate commission", "Shipping delay"]
_USER_LINES = ["Hi, I have a problem with my last order.", "The dashboard shows the wrong stock level.",
               "Can you check my invoice for May?", "My tracking link returns a 404.",
               "When will the payout arrive?", "Thanks, that fixed it.", "Still not working on my side.",
               "Could you give me an update?", "I attached the order number: #48213."]
_ADMIN_LINES = ["Hi! Thanks for reaching out, we're looking into it.", "Could you send the order number?",
                "This is fixed now, can you confirm?", "The payout is scheduled for Friday.",
                "I've escalated this to our logistics team.", "Closing this conversation, feel free to reopen."]
_COMMISSIONS = [Decimal(v) for v in ("25", "50", "75", "100", "150", "250")]


def _cube(r: float, scale: int) -> int:
    return int(scale * r * r * r)


def _ascii(name: str) -> str:
    """``Lefèvre`` -> ``lefevre``, ``O'Brien`` -> ``obrien`` (e-mail local parts)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii() and c.isalnum())


def _link_code(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))


def _build_commercive(rng: random.Random, plant: _Planter) -> dict[str, list[dict]]:
    # -- affiliates and links -------------------------------------------------------------------
    affiliates: list[str] = []
    links: list[dict] = []
    link_of: dict[str, str] = {}
    for _ in range(12):
        aff = _uuid(rng)
        affiliates.append(aff)
        code = _link_code(rng)
        link_of[aff] = code
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        links.append({
            "affiliate_id": aff, "link_id": code,
            "affiliate_url": f"https://dashboard.commercive.co/affiliate-form?ref={code}",
            "email": f"{_ascii(first)}.{_ascii(last)}@{rng.choice(_DOMAINS)}",
            "created_at": iso(_between(rng, datetime(2024, 9, 1, tzinfo=UTC), datetime(2024, 12, 20, tzinfo=UTC))),
        })
    ghost = _uuid(rng)                 # an affiliate whose link record is gone
    ghost_code = _link_code(rng)
    weights = [18, 14, 12, 11, 10, 9, 8, 7, 5, 3, 2, 6]

    # -- leads ----------------------------------------------------------------------------------
    leads: list[dict] = []

    def lead(aff: str, code: str, created: datetime, *, review: bool = True, **overrides: Any) -> dict:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        item: dict[str, Any] = {
            "lead_id": _uuid(rng), "affiliate_id": aff, "link_id": code,
            "name": f"{first} {last}",
            "email": f"{_ascii(first)}.{_ascii(last)}{rng.randint(1, 999)}@{rng.choice(_DOMAINS)}",
            "company": rng.choice(_COMPANIES), "status": "pending", "created_at": iso(created),
        }
        r = rng.random()
        delay = timedelta(hours=2 + 160 * r * r, seconds=rng.randint(0, 3599))
        if review and created + delay <= AS_OF and rng.random() > 0.04:
            item["reviewed_at"] = iso(created + delay)
            if rng.random() < 0.58:
                item["status"] = "approved"
                item["commission"] = rng.choice(_COMMISSIONS)
            else:
                item["status"] = "rejected"
        item.update(overrides)
        leads.append(item)
        return item

    for _ in range(236):
        aff = rng.choices(affiliates, weights=weights)[0]
        lead(aff, link_of[aff], _between(rng, START, AS_OF, growth=0.4))

    def lkey(item: dict) -> dict:
        return {"lead_id": item["lead_id"]}

    def when(month: int, day: int, hour: int = 10) -> datetime:
        return datetime(2025, month, day, hour, rng.randint(0, 59), rng.randint(0, 59), tzinfo=UTC)

    a = affiliates
    it = lead(a[0], link_of[a[0]], when(4, 3), name="<img src=x onerror=alert(1)>")
    plant.add("lead_name_html", "003", "leads", lkey(it),
              "the lead's name is the HTML <img src=x onerror=alert(1)> (user-submitted): must show as text")
    it = lead(a[1], link_of[a[1]], when(5, 19), company='<script>alert("x")</script>')
    plant.add("lead_company_html", "003", "leads", lkey(it),
              'the lead\'s company is <script>alert("x")</script> (user-submitted): must show as text')
    g1 = lead(ghost, ghost_code, when(2, 10))
    g2 = lead(ghost, ghost_code, when(4, 22))
    plant.add("lead_affiliate_without_link", "003", "leads", lkey(g2),
              f"2 leads of affiliate {ghost}, which has no Affiliate Links record (so their link_id "
              f"{ghost_code} is unknown too); it does have a consistent Affiliate Stats row", (lkey(g1),))
    it = lead(a[2], "ZZQ9X4TYP", when(3, 27))
    plant.add("lead_unknown_link", "003", "leads", lkey(it),
              f"link_id ZZQ9X4TYP matches no Affiliate Links record (the lead's affiliate {a[2]} has link "
              f"{link_of[a[2]]})")
    it = lead(a[3], link_of[a[3]], when(5, 2), review=False)
    it["status"] = "spam"
    it["reviewed_at"] = iso(datetime.fromisoformat(it["created_at"].replace("Z", "+00:00")) + timedelta(hours=5))
    plant.add("lead_unknown_status", "003", "leads", lkey(it), 'status is "spam" (known: pending, approved, rejected)')
    it = lead(a[4], link_of[a[4]], when(3, 5), review=False)
    it.update(status="approved", reviewed_at=iso(datetime(2025, 3, 6, 15, 30, tzinfo=UTC)))
    plant.add("approved_without_commission", "003", "leads", lkey(it), "status approved but no commission attribute")
    it = lead(a[5], link_of[a[5]], when(2, 14), review=False)
    it.update(status="rejected", commission=Decimal("75"), reviewed_at=iso(datetime(2025, 2, 15, 9, 0, tzinfo=UTC)))
    plant.add("commission_on_rejected", "003", "leads", lkey(it), "status rejected but commission 75")
    created = when(4, 16, 14)
    it = lead(a[6], link_of[a[6]], created, review=False)
    it.update(status="approved", commission=Decimal("100"), reviewed_at=iso(created - timedelta(hours=3)))
    plant.add("reviewed_before_created", "003", "leads", lkey(it), "reviewed_at is 3 hours before created_at")
    d1 = when(5, 27, 9)
    x = lead(a[7], link_of[a[7]], d1)
    y = lead(a[7], link_of[a[7]], d1 + timedelta(days=2, hours=1), email=x["email"])
    plant.add("likely_duplicate_lead", "003", "leads", lkey(y),
              f"same e-mail ({x['email']}) and same affiliate as a lead 2 days earlier", (lkey(x),))

    # -- stats -----------------------------------------------------------------------------------
    stats: list[dict] = []
    for aff in affiliates + [ghost]:
        mine = [lead_ for lead_ in leads if lead_["affiliate_id"] == aff]
        row = {
            "affiliate_id": aff, "total_leads": len(mine),
            "pending": sum(1 for x_ in mine if x_["status"] == "pending"),
            "approved": sum(1 for x_ in mine if x_["status"] == "approved"),
            "rejected": sum(1 for x_ in mine if x_["status"] == "rejected"),
            "total_commission": sum((x_.get("commission", Decimal(0)) for x_ in mine if x_["status"] == "approved"),
                                    Decimal(0)),
            "updated_at": iso(AS_OF - timedelta(minutes=rng.randint(1, 50))),
        }
        stats.append(row)
    no_stats = affiliates[11]
    stats = [s for s in stats if s["affiliate_id"] != no_stats]
    plant.add("affiliate_without_stats", "003", "affiliate_links", {"affiliate_id": no_stats},
              f"affiliate {no_stats} has {sum(1 for x_ in leads if x_['affiliate_id'] == no_stats)} leads and a "
              f"link record but no Affiliate Stats row")
    stale = next(s for s in stats if s["affiliate_id"] == affiliates[2])
    true = dict(stale)
    stale.update(total_leads=true["total_leads"] - 3, approved=true["approved"] - 2, rejected=true["rejected"] - 1,
                 total_commission=true["total_commission"] - Decimal("175"), updated_at="2025-05-02T06:12:40Z")
    plant.add("stale_affiliate_stats", "003", "affiliate_stats", {"affiliate_id": stale["affiliate_id"]},
              f"stale row (updated_at 2025-05-02): total_leads {stale['total_leads']} vs {true['total_leads']}, "
              f"approved {stale['approved']} vs {true['approved']}, rejected {stale['rejected']} vs "
              f"{true['rejected']}, total_commission {stale['total_commission']} vs {true['total_commission']} "
              f"recomputed from Leads")

    # -- conversations and messages --------------------------------------------------------------------
    users = [_uuid(rng) for _ in range(30)]
    admins = [_uuid(rng) for _ in range(3)]
    conversations: list[dict] = []
    messages: list[dict] = []
    no_reply: list[dict] = []
    html_message: dict | None = None
    n_conv = 60
    for k in range(n_conv):
        user = rng.choice(users)
        recent = k >= n_conv - 12           # the last 12 are in the last 5 days
        created = (_between(rng, AS_OF - timedelta(days=5), AS_OF - timedelta(hours=1)) if recent
                   else _between(rng, START, AS_OF - timedelta(days=5)))
        status = "open" if (recent and rng.random() < 0.8) or rng.random() < 0.06 else "closed"
        unanswered = k in (n_conv - 1, n_conv - 3, n_conv - 6, n_conv - 9)
        if unanswered:
            status = "open"
        cid = _uuid(rng)
        thread: list[tuple[str, datetime, str]] = []   # (sender, time, text)
        t = created
        n_msgs = rng.randint(1, 2) if unanswered else rng.randint(2, 8)
        sender = "user"
        for m in range(n_msgs):
            if t > AS_OF:
                break
            lines = _USER_LINES if sender == "user" else _ADMIN_LINES
            thread.append((sender, t, rng.choice(lines)))
            # the first reply comes within the hour (the thread starts at least 1 h before AS_OF)
            gap = timedelta(minutes=5 + (int(50 * rng.random()) if m == 0 else _cube(rng.random(), 600)))
            t = t + gap
            if not unanswered and (m == 0 or rng.random() < 0.75):
                sender = "admin" if sender == "user" else "user"
        if status == "closed":
            closed_at = min(thread[-1][1] + timedelta(minutes=rng.randint(10, 300)), AS_OF)
            updated = closed_at
        else:
            updated = thread[-1][1]
        conversations.append({"conversation_id": cid, "user_id": user, "status": status,
                              "subject": rng.choice(_SUBJECTS), "created_at": iso(created),
                              "updated_at": iso(updated)})
        for idx, (snd, ts_, text) in enumerate(thread):
            later_other = any(s2 != snd for s2, _, _ in thread[idx + 1:])
            read = status == "closed" or later_other
            if k == 17 and idx == 0:
                text = 'My <a href="javascript:alert(1)">invoice</a> is <b>wrong</b>'
            msg = {"conversation_id": cid, "message_id": f"{iso(ts_)}#{_uuid(rng)}", "sender": snd,
                   "sender_id": user if snd == "user" else rng.choice(admins), "text": text,
                   "created_at": iso(ts_), "read": read}
            messages.append(msg)
            if k == 17 and idx == 0:
                html_message = msg
        if status == "open" and all(snd != "admin" for snd, _, _ in thread):
            no_reply.append(conversations[-1])
    assert html_message is not None and len(no_reply) == 4
    plant.add("conversation_without_admin_reply", "003", "conversations",
              {"conversation_id": no_reply[0]["conversation_id"]},
              f"{len(no_reply)} open conversations have only user messages (no admin reply yet)",
              tuple({"conversation_id": c["conversation_id"]} for c in no_reply[1:]))
    plant.add("message_html", "003", "messages",
              {"conversation_id": html_message["conversation_id"], "message_id": html_message["message_id"]},
              "user-written message text containing HTML (<a href=\"javascript:...\">, <b>): must never render")

    return {"conversations": conversations, "messages": messages, "leads": leads,
            "affiliate_links": links, "affiliate_stats": stats}


# == 004 Flavaflav ===============================================================================

_QUALITIES = ["gold", "silver", "bronze"]
_LINK_TYPES = ["Melee Damage", "Ranged Damage", "Crit Chance %", "Crit Damage %", "Attack-Speed",
               "Heal/Shield", "Max HP", "Move Speed"]
_ADJ = ["Swift", "Iron", "Shadow", "Crimson", "Lucky", "Silent", "Frost", "Storm", "Golden", "Wild"]
_NOUN = ["Wolf", "Blade", "Raven", "Fox", "Golem", "Archer", "Druid", "Knight", "Viper", "Bard"]


def _build_flavaflav(rng: random.Random, plant: _Planter) -> dict[str, list[dict]]:
    from ..systems.flavaflav import sanitize_link_id  # the document's rules, one implementation

    members: list[dict] = []
    names: list[str] = []
    while len(members) < 40:
        name = f"{rng.choice(_ADJ)}{rng.choice(_NOUN)}{rng.randint(1, 99)}"
        if name in names:
            continue
        names.append(name)
        joined = _between(rng, datetime(2024, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
        members.append({"discord_id": _snowflake(rng, joined - timedelta(days=rng.randint(30, 2000))),
                        "username": name, "joined_at": iso(joined), "active": rng.random() > 0.15})
    members.sort(key=lambda m: m["joined_at"])
    # the five newest members are in no list: never served
    never = members[-5:]
    for m in never:
        m["active"] = True
    pool = [m["discord_id"] for m in members[:-5]]

    # -- inventory -------------------------------------------------------------------------------------
    inventory: list[dict] = []
    numbers: set[int] = set()
    while len(inventory) < 149:
        number = rng.randint(100000, 999999)
        if number in numbers:
            continue
        numbers.add(number)
        quality = rng.choices(_QUALITIES, weights=[27, 35, 38])[0]
        link_type = rng.choice(_LINK_TYPES)
        inventory.append({
            "link_id": sanitize_link_id(quality, link_type, number), "quality": quality,
            "link_type": link_type, "availability": "available",
            "added_at": iso(_between(rng, datetime(2024, 12, 15, tzinfo=UTC), AS_OF - timedelta(days=1))),
        })
    inventory.sort(key=lambda x: x["added_at"])
    legacy = {"link_id": "gold_Melee Damage_123456", "quality": "gold", "link_type": "Melee Damage",
              "availability": "available", "added_at": "2024-12-18T21:04:11Z"}
    inventory.insert(0, legacy)
    plant.add("legacy_inventory_id", "004", "inventory", {"link_id": legacy["link_id"]},
              "legacy link_id with a space (from the single-table era): the sanitized form is "
              "gold_Melee_Damage_123456")

    # -- lists ------------------------------------------------------------------------------------------
    def subset(k: int) -> list[str]:
        return sorted(rng.sample(pool, k))

    lists: list[dict[str, Any]] = [
        {"list_id": _uuid(rng), "name": "Gold raid core", "quality": "gold", "active": "true",
         "member_ids": subset(12), "created_at": "2024-12-20T18:00:00Z"},
        {"list_id": _uuid(rng), "name": "Silver weekly", "quality": "silver", "active": "true",
         "member_ids": subset(18), "created_at": "2024-12-20T18:05:00Z"},
        {"list_id": _uuid(rng), "name": "Bronze newcomers", "quality": "bronze", "active": "true",
         "member_ids": subset(15), "created_at": "2024-12-21T10:00:00Z"},
        {"list_id": _uuid(rng), "name": "Gold 2024 season", "quality": "gold", "active": "false",
         "member_ids": subset(10), "created_at": "2024-09-01T12:00:00Z"},
    ]
    retired = datetime(2025, 2, 1, tzinfo=UTC)
    active_by_id = {m["discord_id"]: m["active"] for m in members}

    # -- weekly distributions ------------------------------------------------------------------------
    distributions: list[dict] = []
    received: dict[str, int] = {}
    session = datetime(2025, 1, 4, 20, 0, tzinfo=UTC)
    while session < AS_OF:
        minute = 0
        for lst in lists:
            if lst["active"] == "false" and session >= retired:
                continue
            for _ in range(1 if lst["quality"] == "gold" else rng.randint(1, 2)):
                avail = [x for x in inventory if x["quality"] == lst["quality"] and x["availability"] == "available"
                         and x["added_at"] < iso(session) and " " not in x["link_id"]]
                eligible = [m for m in lst["member_ids"] if active_by_id[m]]
                if not avail or not eligible:
                    break
                least = min(received.get(m, 0) for m in eligible)
                member = rng.choice([m for m in eligible if received.get(m, 0) == least])
                link = avail[rng.randrange(len(avail))]
                link["availability"] = "distributed"
                received[member] = received.get(member, 0) + 1
                minute += rng.randint(1, 4)
                at = session + timedelta(minutes=minute, seconds=rng.randint(0, 59))
                distributions.append({
                    "distribution_id": _uuid(rng), "member_id": member, "link_id": link["link_id"],
                    "quality": link["quality"], "link_type": link["link_type"], "distributed_at": iso(at),
                    "distribution_date": iso(at)[:10], "list_id": lst["list_id"],
                })
        session += timedelta(days=7)

    def dkey(d: dict) -> dict:
        return {"distribution_id": d["distribution_id"]}

    # a distribution whose link is gone, one whose member left, a link marked available again
    silver = [d for d in distributions if d["quality"] == "silver"]
    gone = silver[len(silver) // 3]
    gone_link = sanitize_link_id("silver", gone["link_type"], 404404)
    gone["link_id"] = gone_link
    plant.add("distribution_missing_link", "004", "distributions", dkey(gone),
              f"distribution of link {gone_link}, which is not in the inventory")
    left = next(d for d in distributions[len(distributions) // 2:] if d is not gone)
    left_member = _snowflake(rng, datetime(2023, 3, 3, tzinfo=UTC))
    left["member_id"] = left_member
    plant.add("distribution_missing_member", "004", "distributions", dkey(left),
              f"distribution to member {left_member}, who is not in the members table")
    again = next(d for d in distributions[(2 * len(distributions)) // 3:] if d is not gone and d is not left)
    inv = next(x for x in inventory if x["link_id"] == again["link_id"])
    inv["availability"] = "available"
    plant.add("available_but_distributed", "004", "inventory", {"link_id": inv["link_id"]},
              f"availability is \"available\" but distribution {again['distribution_id']} already gave "
              f"it away ({again['distributed_at']})")
    # the inventory link `gone` used to point at goes back to the pool (no distribution left for it)
    served = {d["link_id"] for d in distributions}
    for x in inventory:
        if x["availability"] == "distributed" and x["link_id"] not in served:
            x["availability"] = "available"
    served_members = {d["member_id"] for d in distributions}
    unserved = [m for m in members if m["active"] and m["discord_id"] not in served_members]
    assert all(m in unserved for m in never)
    in_lists = {mid for lst in lists for mid in lst["member_ids"]}
    plant.add("member_never_served", "004", "members", {"discord_id": never[0]["discord_id"]},
              f"{len(unserved)} active members never received a link: "
              f"{sum(1 for m in unserved if m['discord_id'] not in in_lists)} are in no list (the "
              f"{len(never)} newest among them), the others are only in lists that never reached them",
              tuple({"discord_id": m["discord_id"]} for m in unserved if m is not never[0]))
    for lst in lists:
        lst["member_ids"] = set(lst["member_ids"])
    return {"members": members, "inventory": inventory, "distributions": distributions, "lists": lists}


# == assembly ======================================================================================

def _build() -> tuple[dict[str, list[dict]], list[Anomaly]]:
    master = random.Random(SEED)
    plant = _Planter()
    streams = {system: random.Random(master.getrandbits(64)) for system in ("000", "001", "002", "003", "004")}
    data: dict[str, list[dict]] = {}
    data.update(_build_solanashares(streams["000"], plant))
    data.update(_build_discord(streams["001"], plant))
    data.update(_build_trading(streams["002"], plant))
    data.update(_build_commercive(streams["003"], plant))
    data.update(_build_flavaflav(streams["004"], plant))
    return {name: [_clean(item) for item in data[name]] for name in TABLE_ORDER}, plant.anomalies


def _clean(value: Any) -> Any:
    """Decimals without trailing zeros (``99.6767310`` -> ``99.676731``), never in exponent form."""
    if isinstance(value, Decimal):
        s = format(value, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return Decimal(s) if s not in ("-0", "") else Decimal(0)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def build_demo_dataset() -> dict[str, list[dict]]:
    """Logical table name -> items (Python form: Decimal numbers, sets for string sets).

    A new build at each call: the caller may change it."""
    return _build()[0]


@functools.cache
def _shared_build() -> tuple[dict[str, list[dict]], list[Anomaly], dict[str, Anomaly]]:
    """The one build behind ``ANOMALIES``, ``ANOMALIES_BY_NAME`` and what load_demo_dataset writes
    (never changed), made on first use: importing the module for ``AS_OF`` (every report kernel on
    the demo data does, through the run plan) builds nothing."""
    data, anomalies = _build()
    return data, anomalies, {a.name: a for a in anomalies}


#: module attribute -> its place in _shared_build(); read as ``dataset.ANOMALIES`` or imported by name
_SHARED = {"_IMPORT_BUILD": 0, "ANOMALIES": 1, "ANOMALIES_BY_NAME": 2}

if TYPE_CHECKING:
    _IMPORT_BUILD: dict[str, list[dict]]
    ANOMALIES: list[Anomaly]
    ANOMALIES_BY_NAME: dict[str, Anomaly]


def __getattr__(name: str) -> Any:
    if name in _SHARED:
        return _shared_build()[_SHARED[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def anomaly(name: str) -> Anomaly:
    """The planted anomaly called ``name`` (KeyError listing the names otherwise)."""
    by_name = _shared_build()[2]
    try:
        return by_name[name]
    except KeyError:
        raise KeyError(f"no planted anomaly {name!r}; known: {', '.join(sorted(by_name))}") from None


def load_demo_dataset(conn: Any, *, tables: Any = None, max_attempts: int = 8,
                      items: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> dict[str, int]:
    """Write the demo dataset with BatchWriteItem (25 puts a request, unprocessed items retried
    with exponential backoff). Returns the number of items written per logical table.

    ``items`` (logical table -> items, Python form) is written instead of the demo dataset: a
    larger history for a benchmark (bench/scale.py), say."""
    from ..codec import item_to_wire
    from ..exceptions import DynamoReportsError

    # read only: a second build would cost as much as the whole in-process seed
    data = _shared_build()[0] if items is None else items
    wanted = TABLE_ORDER if tables is None else tuple(tables)
    counts: dict[str, int] = {}
    for logical in wanted:
        rows = data.get(logical, ())
        physical = conn.table_name(logical)
        for start in range(0, len(rows), BATCH_SIZE):
            pending = {physical: [{"PutRequest": {"Item": item_to_wire(item)}}
                                  for item in rows[start:start + BATCH_SIZE]]}
            for attempt in range(max_attempts):
                response = conn.call("BatchWriteItem", RequestItems=pending)
                pending = {t: reqs for t, reqs in (response.get("UnprocessedItems") or {}).items() if reqs}
                if not pending:
                    break
                time.sleep(min(0.05 * 2 ** attempt, 2.0))
            else:
                left = sum(len(v) for v in pending.values())
                raise DynamoReportsError(f"BatchWriteItem on {physical!r}: {left} items still unprocessed "
                                         f"after {max_attempts} attempts")
        counts[logical] = len(rows)
    return counts
