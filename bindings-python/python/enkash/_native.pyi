"""Type stubs of the native extension (re-exported by ``enkash``)."""

from decimal import Decimal
from types import TracebackType
from typing import Any, Awaitable, Literal, Optional, Union

from typing_extensions import Self, final

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "Refund",
    "Transaction",
    "Order",
    "PaymentNotification",
    "TokenInfo",
    "parse_payment_notification",
    "error_kinds",
    "_trigger_internal_panic",
    "_shutdown",
]

__version__: str

_AmountLike = Union[Decimal, int, str]
_RefundStatus = Literal["pending", "succeeded", "failed", "unknown"]

@final
class Refund:
    @property
    def request_id(self) -> str: ...
    @property
    def transaction_id(self) -> str: ...
    @property
    def refund_transaction_id(self) -> Optional[str]: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def status(self) -> _RefundStatus: ...
    @property
    def raw_status(self) -> str: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def txn_date(self) -> Optional[str]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def last_modified(self) -> Optional[str]: ...
    @property
    def unique_transaction_id(self) -> Optional[str]: ...
    @property
    def bank_transaction_id(self) -> Optional[str]: ...
    @property
    def payment_mode(self) -> Optional[str]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def is_final(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Transaction:
    @property
    def transaction_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def payment_mode(self) -> Optional[str]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def bank_code(self) -> Optional[str]: ...
    @property
    def bank_name(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def txn_date(self) -> Optional[str]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def last_modified(self) -> Optional[str]: ...
    @property
    def unique_transaction_id(self) -> Optional[str]: ...
    @property
    def bank_transaction_id(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Order:
    @property
    def order_id(self) -> str: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def last_modified(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class TokenInfo:
    @property
    def expires_at_ms(self) -> Optional[int]: ...
    @property
    def cached(self) -> bool: ...

@final
class PaymentNotification:
    @property
    def transaction_id(self) -> Optional[str]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def order_status(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def final_amount(self) -> Optional[Decimal]: ...
    @property
    def transaction_amount(self) -> Optional[Decimal]: ...
    @property
    def surcharge(self) -> Optional[Decimal]: ...
    @property
    def surcharge_gst(self) -> Optional[Decimal]: ...
    @property
    def mdr(self) -> Optional[Decimal]: ...
    @property
    def mdr_gst(self) -> Optional[Decimal]: ...
    @property
    def payment_mode(self) -> Optional[str]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def bank_code(self) -> Optional[str]: ...
    @property
    def bank_name(self) -> Optional[str]: ...
    @property
    def card_scheme(self) -> Optional[str]: ...
    @property
    def masked_card_number(self) -> Optional[str]: ...
    @property
    def card_holder_name(self) -> Optional[str]: ...
    @property
    def bank_transaction_id(self) -> Optional[str]: ...
    @property
    def unique_transaction_id(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def txn_date(self) -> Optional[str]: ...
    @property
    def checksum(self) -> Optional[str]: ...
    @property
    def payment_token(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

def parse_payment_notification(body: bytes) -> PaymentNotification: ...
def error_kinds() -> list[tuple[str, str]]: ...
def _trigger_internal_panic() -> None: ...
def _shutdown() -> None: ...

@final
class Client:
    def __new__(
        cls,
        access_key: Optional[str] = None,
        secret_key: Optional[str] = None,
        *,
        environment: Optional[Literal["uat", "production"]] = ...,
        base_url: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        request_timeout: Optional[float] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
        max_retry_after: Optional[float] = ...,
        proxy: Optional[str] = ...,
        extra_root_ca_pem: Optional[bytes] = ...,
        user_agent_suffix: Optional[str] = ...,
        token_refresh_skew: Optional[float] = ...,
        refund_lookup: Optional[Literal["enquiry", "transaction_status_only"]] = ...,
        refund_enquiry_path: Optional[str] = ...,
        merchant_access_key: Optional[str] = ...,
    ) -> Self: ...
    @classmethod
    def from_env(
        cls,
        *,
        environment: Optional[Literal["uat", "production"]] = ...,
        base_url: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        request_timeout: Optional[float] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
        max_retry_after: Optional[float] = ...,
        proxy: Optional[str] = ...,
        extra_root_ca_pem: Optional[bytes] = ...,
        user_agent_suffix: Optional[str] = ...,
        token_refresh_skew: Optional[float] = ...,
        refund_lookup: Optional[Literal["enquiry", "transaction_status_only"]] = ...,
        refund_enquiry_path: Optional[str] = ...,
        merchant_access_key: Optional[str] = ...,
    ) -> Client: ...
    def refund(
        self,
        transaction_id: str,
        amount: _AmountLike,
        *,
        request_id: Optional[str] = None,
        remarks: Optional[str] = None,
        reconcile_first: bool = False,
    ) -> Refund: ...
    def get_refund(
        self, transaction_id: str, request_id: str, *, refund_transaction_id: Optional[str] = None
    ) -> Refund: ...
    def find_refund(
        self, transaction_id: str, request_id: str, *, refund_transaction_id: Optional[str] = None
    ) -> Optional[Refund]: ...
    def wait_for_refund(
        self,
        transaction_id: str,
        request_id: str,
        *,
        refund_transaction_id: Optional[str] = None,
        timeout: float = 60.0,
    ) -> Refund: ...
    def get_transaction(self, transaction_id: str) -> Transaction: ...
    def get_order(self, order_id: str) -> Order: ...
    def check_token(self) -> TokenInfo: ...
    @property
    def base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: object) -> Literal[False]: ...

@final
class AsyncClient:
    def __new__(
        cls,
        access_key: Optional[str] = None,
        secret_key: Optional[str] = None,
        *,
        environment: Optional[Literal["uat", "production"]] = ...,
        base_url: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        request_timeout: Optional[float] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
        max_retry_after: Optional[float] = ...,
        proxy: Optional[str] = ...,
        extra_root_ca_pem: Optional[bytes] = ...,
        user_agent_suffix: Optional[str] = ...,
        token_refresh_skew: Optional[float] = ...,
        refund_lookup: Optional[Literal["enquiry", "transaction_status_only"]] = ...,
        refund_enquiry_path: Optional[str] = ...,
        merchant_access_key: Optional[str] = ...,
    ) -> Self: ...
    @classmethod
    def from_env(
        cls,
        *,
        environment: Optional[Literal["uat", "production"]] = ...,
        base_url: Optional[str] = ...,
        timeout: Optional[float] = ...,
        connect_timeout: Optional[float] = ...,
        request_timeout: Optional[float] = ...,
        max_retries: Optional[int] = ...,
        initial_backoff: Optional[float] = ...,
        max_backoff: Optional[float] = ...,
        max_retry_after: Optional[float] = ...,
        proxy: Optional[str] = ...,
        extra_root_ca_pem: Optional[bytes] = ...,
        user_agent_suffix: Optional[str] = ...,
        token_refresh_skew: Optional[float] = ...,
        refund_lookup: Optional[Literal["enquiry", "transaction_status_only"]] = ...,
        refund_enquiry_path: Optional[str] = ...,
        merchant_access_key: Optional[str] = ...,
    ) -> AsyncClient: ...
    def refund(
        self,
        transaction_id: str,
        amount: _AmountLike,
        *,
        request_id: Optional[str] = None,
        remarks: Optional[str] = None,
        reconcile_first: bool = False,
    ) -> Awaitable[Refund]: ...
    def get_refund(
        self, transaction_id: str, request_id: str, *, refund_transaction_id: Optional[str] = None
    ) -> Awaitable[Refund]: ...
    def find_refund(
        self, transaction_id: str, request_id: str, *, refund_transaction_id: Optional[str] = None
    ) -> Awaitable[Optional[Refund]]: ...
    def wait_for_refund(
        self,
        transaction_id: str,
        request_id: str,
        *,
        refund_transaction_id: Optional[str] = None,
        timeout: float = 60.0,
    ) -> Awaitable[Refund]: ...
    def get_transaction(self, transaction_id: str) -> Awaitable[Transaction]: ...
    def get_order(self, order_id: str) -> Awaitable[Order]: ...
    def check_token(self) -> Awaitable[TokenInfo]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def aclose(self) -> Awaitable[None]: ...
    def __aenter__(self) -> Awaitable[Self]: ...
    def __aexit__(self, *_args: object) -> Awaitable[Literal[False]]: ...
