"""Exceptions raised by the enkash SDK: one class per error kind of the Rust core."""

from __future__ import annotations

import builtins


class EnkashError(Exception):
    """Base class of every enkash error.

    Attributes: ``code`` (stable kind name such as ``"refund_exceeds_available"``), ``message``,
    ``http_status``, ``response_code`` (the gateway's code), ``request_id`` (the refund's
    idempotency key, when the error concerns a refund), ``server_request_id``, ``retryable``,
    ``field`` (for invalid input), ``retry_after`` (seconds, for rate limits; also
    ``retry_after_ms``), ``name`` (the class name) and ``cause`` (the flattened cause chain).
    """

    code: str = "enkash_error"
    message: str = ""
    http_status: int | None = None
    response_code: int | None = None
    request_id: str | None = None
    server_request_id: str | None = None
    retryable: bool = False
    field: str | None = None
    retry_after: float | None = None
    retry_after_ms: int | None = None
    name: str = "EnkashError"
    cause: str | None = None


class InvalidRequestError(EnkashError, ValueError):
    """Input broke a rule; nothing was sent. ``field`` names the field."""


class ConfigurationError(EnkashError, ValueError):
    """The client configuration is unusable."""


class AuthenticationError(EnkashError):
    """Credentials or token rejected."""


class TransactionNotRefundableError(EnkashError):
    """The payment is not in a refundable (SUCCESS) state."""


class RefundExceedsAvailableError(EnkashError):
    """The refund exceeds what is left to refund on the payment."""


class InsufficientBalanceError(EnkashError):
    """The merchant's EnKash recharge balance is too low."""


class BeneficiaryAccountError(EnkashError):
    """The customer's account is inactive or frozen: collect an alternate account."""


class RateLimitError(EnkashError):
    """Too many requests; ``retry_after`` says how long to wait."""


class NotFoundError(EnkashError):
    """The transaction, order or refund does not exist."""


class ApiError(EnkashError):
    """Any other refusal by the API."""


class TimeoutError(EnkashError, builtins.TimeoutError):  # noqa: A001 - mirrors the core kind
    """The configured timeout passed."""


class NetworkError(EnkashError, ConnectionError):
    """The request could not be sent or the connection failed."""


class OutcomeUnknownError(EnkashError):
    """A refund may or may not have been applied: reconcile with ``request_id``."""


class DecodeError(EnkashError):
    """The response could not be decoded."""


class UsageError(EnkashError):
    """The SDK was used in a way it cannot serve (e.g. a closed client)."""


class InternalError(EnkashError):
    """A bug inside the SDK (for example a caught panic); the process is unharmed."""
