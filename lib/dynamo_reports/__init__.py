"""dynamo-reports: analysis and reporting over the DynamoDB tables of five serverless apps.

    from dynamo_reports import connect, reads
    conn = connect(endpoint_url="http://127.0.0.1:8000", read_only=True)

One repository per source document (000 ``ParticipantRepository``, 001
``ChannelConfigRepository``, 002 ``TradingRepository``, 003 ``CommerciveRepository``, 004
``FlavaflavRepository``) answers its document's access patterns through the caches it prescribes.
"""

__version__ = "0.1.0"

from .config import Settings, load_settings  # noqa: E402
from .connection import Connection, RequestMeter, connect  # noqa: E402
from .exceptions import DynamoReportsError  # noqa: E402
from .systems.commercive import CommerciveRepository  # noqa: E402
from .systems.discord_config import ChannelConfigRepository  # noqa: E402
from .systems.flavaflav import FlavaflavRepository  # noqa: E402
from .systems.solanashares import ParticipantRepository  # noqa: E402
from .systems.trading import TradingRepository  # noqa: E402

__all__ = [
    "ChannelConfigRepository", "CommerciveRepository", "Connection", "DynamoReportsError", "FlavaflavRepository",
    "ParticipantRepository", "RequestMeter", "Settings", "TradingRepository", "__version__", "connect",
    "load_settings",
]
