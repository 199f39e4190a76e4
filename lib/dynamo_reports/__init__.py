"""dynamo-reports: analysis and reporting over the DynamoDB tables of five serverless apps.

    from dynamo_reports import connect, reads
    conn = connect(endpoint_url="http://127.0.0.1:8000", read_only=True)

One repository per source document (000 ``ParticipantRepository``, 001
``ChannelConfigRepository``, 002 ``TradingRepository``, 003 ``CommerciveRepository``, 004
``FlavaflavRepository``) answers its document's access patterns through the caches it prescribes.

Names are imported on first use, so ``import dynamo_reports`` (and the ``dynamo-reports``
command's ``list`` and ``--help``) load neither boto3 nor the systems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_getattr

__version__ = "0.1.0"

#: public name -> module that defines it
_LAZY = {
    "Settings": ".config",
    "load_settings": ".config",
    "Connection": ".connection",
    "RequestMeter": ".connection",
    "connect": ".connection",
    "DynamoReportsError": ".exceptions",
    "CommerciveRepository": ".systems.commercive",
    "ChannelConfigRepository": ".systems.discord_config",
    "FlavaflavRepository": ".systems.flavaflav",
    "ParticipantRepository": ".systems.solanashares",
    "TradingRepository": ".systems.trading",
}

__all__ = [
    "ChannelConfigRepository",
    "CommerciveRepository",
    "Connection",
    "DynamoReportsError",
    "FlavaflavRepository",
    "ParticipantRepository",
    "RequestMeter",
    "Settings",
    "TradingRepository",
    "__version__",
    "connect",
    "load_settings",
]

if TYPE_CHECKING:
    from .config import Settings, load_settings
    from .connection import Connection, RequestMeter, connect
    from .exceptions import DynamoReportsError
    from .systems.commercive import CommerciveRepository
    from .systems.discord_config import ChannelConfigRepository
    from .systems.flavaflav import FlavaflavRepository
    from .systems.solanashares import ParticipantRepository
    from .systems.trading import TradingRepository


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
