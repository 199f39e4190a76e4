"""dynamo-reports: analysis and reporting over the DynamoDB tables of five serverless apps.

    from dynamo_reports import connect, reads
    conn = connect(endpoint_url="http://127.0.0.1:8000", read_only=True)

Repositories per source document live in :mod:`dynamo_reports.systems`.
"""

__version__ = "0.1.0"

from .config import Settings, load_settings  # noqa: E402
from .connection import Connection, RequestMeter, connect  # noqa: E402
from .exceptions import DynamoReportsError  # noqa: E402

__all__ = ["Connection", "DynamoReportsError", "RequestMeter", "Settings", "__version__", "connect", "load_settings"]
