"""EnKash payment gateway SDK: exact-money refunds that happen once.

>>> import enkash
>>> from decimal import Decimal
>>> client = enkash.Client(access_key="ak_test", secret_key="sk_test", base_url="http://127.0.0.1:8787")
>>> client.base_url
'http://127.0.0.1:8787/'

Amounts are ``Decimal``, ``int`` (rupees) or ``str`` — never ``float``. Every refund carries one
``request_id`` (yours or generated) reused on every retry; after an ambiguous failure the SDK looks
the refund up before sending again, and raises ``OutcomeUnknownError`` (with ``request_id``) if that
cannot be settled. Logs go to the standard ``logging`` module under the ``enkash`` logger.
"""

from __future__ import annotations

import atexit as _atexit

from ._errors import (
    ApiError,
    AuthenticationError,
    BeneficiaryAccountError,
    ConfigurationError,
    DecodeError,
    EnkashError,
    InsufficientBalanceError,
    InternalError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitError,
    RefundExceedsAvailableError,
    TimeoutError,
    TransactionNotRefundableError,
    UsageError,
)
from ._native import _shutdown as _native_shutdown
from ._native import (
    AsyncClient,
    Client,
    IssuedToken,
    Order,
    PaymentNotification,
    Refund,
    TokenInfo,
    Transaction,
    __version__,
    new_request_id,
    parse_amount,
    parse_payment_notification,
)

# Stop the native runtime before the interpreter finalizes (see runtime.rs: _shutdown).
_atexit.register(_native_shutdown)

# Logging is set up with the first client (importing `logging` costs more than the rest of
# `import enkash`): the "enkash" logger gets a NullHandler then, as a library's should.

__all__ = [
    "ApiError",
    "AsyncClient",
    "AuthenticationError",
    "BeneficiaryAccountError",
    "Client",
    "ConfigurationError",
    "DecodeError",
    "EnkashError",
    "InsufficientBalanceError",
    "InternalError",
    "InvalidRequestError",
    "IssuedToken",
    "NetworkError",
    "NotFoundError",
    "Order",
    "OutcomeUnknownError",
    "PaymentNotification",
    "RateLimitError",
    "Refund",
    "RefundExceedsAvailableError",
    "TimeoutError",
    "TokenInfo",
    "Transaction",
    "TransactionNotRefundableError",
    "UsageError",
    "__version__",
    "parse_amount",
    "new_request_id",
    "parse_payment_notification",
]
