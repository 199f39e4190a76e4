"""One base class, structured subclasses.

Every error raised on purpose by dynamo-reports derives from :class:`DynamoReportsError`.
Subclasses carry the fields callers branch on (``parameter``, ``table``, ``operation`` ...),
so code never has to parse message text. The original botocore error, when there is one, is
kept as ``__cause__`` (``raise ... from e``).
"""

from __future__ import annotations

from collections.abc import Iterable


class DynamoReportsError(Exception):
    """Base class of every error raised on purpose by dynamo-reports."""


class DynamoDBRequestError(DynamoReportsError):
    """DynamoDB answered a request with an error that no more specific class describes.

    ``code`` is the AWS error code (``ConditionalCheckFailedException``,
    ``ResourceInUseException``, ``TransactionCanceledException``...); ``cancellation_reasons``
    holds, for a cancelled transaction, one reason code per action in request order
    (``"None"`` for an action that was not the cause). Callers branch on these fields, never on
    the message. Raised by :meth:`dynamo_reports.connection.Connection.call`, with the botocore
    error as ``__cause__``.
    """

    def __init__(self, operation: str, table: str | None, code: str, message: str,
                 cancellation_reasons: Iterable[str] = ()):
        self.operation = operation
        self.table = table
        self.code = code
        self.message = message
        self.cancellation_reasons: tuple[str, ...] = tuple(cancellation_reasons)
        super().__init__(f"{operation} on {table or '?'} failed: {code}: {message}")


class ThrottlingError(DynamoDBRequestError):
    """DynamoDB kept throttling a request after the client's retries (``code`` says which limit).

    ``attempts`` is how many times the request was sent (0 when unknown).
    """

    def __init__(self, operation: str, table: str | None, code: str, message: str,
                 cancellation_reasons: Iterable[str] = (), *, attempts: int = 0):
        super().__init__(operation, table, code, message, cancellation_reasons)
        self.attempts = attempts
        if attempts:
            self.args = (f"{self.args[0]} (throttled: still throttled after {attempts} attempts; "
                         "raise the table's capacity or run the report later)",)


class DataError(DynamoReportsError, ValueError):
    """Values handed to a pure function (analytics, capacity, codec) cannot be used as asked.

    Also a :class:`ValueError`, so callers that caught the bare ``ValueError`` these functions
    used to raise keep working.
    """


class UnknownNameError(DynamoReportsError, KeyError):
    """A name (an index of a table, ...) is not among the known ones; ``name`` is the name asked for.

    Also a :class:`KeyError`, so callers that caught the bare ``KeyError`` keep working.
    """

    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(message)


class ParameterError(DynamoReportsError, ValueError):
    """A parameter has a wrong type or value. Raised before any network call."""

    def __init__(self, parameter: str, problem: str):
        self.parameter = parameter
        self.problem = problem
        super().__init__(f"parameter {parameter!r}: {problem}")


class ConfigError(DynamoReportsError):
    """The configuration (settings, TOML table map, environment) is unusable."""

    def __init__(self, message: str, *, key: str | None = None):
        self.key = key
        super().__init__(message)


class TableNotFoundError(DynamoReportsError):
    """A logical table is unknown, or its physical table does not exist on the endpoint."""

    def __init__(self, logical: str, physical: str | None = None, *, reason: str = "missing"):
        self.logical = logical
        self.physical = physical
        self.reason = reason
        if physical is None:
            msg = f"unknown logical table {logical!r}"
        else:
            msg = (
                f"table {physical!r} (logical table {logical!r}) does not exist on this endpoint; "
                f"set [tables] {logical} = \"<physical name>\" in the TOML config (--config), "
                f"or --env/--project for the name placeholders"
            )
        super().__init__(msg)


class ReadOnlyError(DynamoReportsError):
    """A write operation was attempted through a read-only connection."""

    def __init__(self, operation: str):
        self.operation = operation
        super().__init__(
            f"{operation} refused: this connection is read-only (report runs never write)"
        )


class ScanNotAllowedError(DynamoReportsError):
    """A full-table scan was attempted without asking for it by name."""

    def __init__(self, table: str):
        self.table = table
        super().__init__(
            f"a full scan of {table!r} reads (and bills) every item; "
            f"call it with allow_full_scan=True if that is what you want"
        )


class EndpointError(DynamoReportsError):
    """The DynamoDB endpoint cannot be reached, or refused our credentials."""

    def __init__(self, message: str, *, endpoint: str | None = None):
        self.endpoint = endpoint
        super().__init__(message)


class CredentialsError(EndpointError):
    """No AWS credentials were found, or they were rejected."""


class AccessDeniedError(EndpointError):
    """The credentials lack a permission; ``action`` names the denied API action."""

    def __init__(self, action: str, message: str = ""):
        self.action = action
        super().__init__(message or f"access denied for dynamodb:{action}")


class IncompleteReadError(DynamoReportsError):
    """A paginated read could not be completed; no partial result is returned."""

    def __init__(self, table: str, message: str):
        self.table = table
        super().__init__(f"{table}: {message}")


class ReportError(DynamoReportsError):
    """A report run failed (the notebook raised, or export failed)."""

    def __init__(self, report: str, message: str, *, run_dir: str | None = None):
        self.report = report
        self.run_dir = run_dir
        super().__init__(f"report {report!r}: {message}")
