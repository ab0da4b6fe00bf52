// Public types of the `enkash` package: one line per field of the core's records and options
// (the parity test fails when one is missing). Amounts are exact decimal strings ('100.50').

/** A refund. */
export interface Refund {
  readonly requestId: string
  readonly transactionId: string
  readonly refundTransactionId: string | null
  readonly amount: string
  readonly status: 'pending' | 'succeeded' | 'failed' | 'unknown'
  readonly rawStatus: string
  /** True when the refund will not change any more (succeeded or failed). */
  readonly isFinal: boolean
  readonly message: string | null
  readonly txnDate: string | null
  readonly created: string | null
  readonly lastModified: string | null
  readonly uniqueTransactionId: string | null
  readonly bankTransactionId: string | null
  readonly paymentMode: string | null
  readonly currency: string | null
}

/** A payment (or refund) transaction; `status` is the gateway's value, e.g. 'SUCCESS'. */
export interface Transaction {
  readonly transactionId: string
  readonly status: string
  readonly amount: string | null
  readonly paymentMode: string | null
  readonly currency: string | null
  readonly bankCode: string | null
  readonly bankName: string | null
  readonly message: string | null
  readonly txnDate: string | null
  readonly created: string | null
  readonly lastModified: string | null
  readonly uniqueTransactionId: string | null
  readonly bankTransactionId: string | null
}

export interface Order {
  readonly orderId: string
  readonly status: string | null
  readonly amount: string | null
  readonly created: string | null
  readonly lastModified: string | null
}

/** The token's state: never the token itself. */
/** A token for the merchant's own apps (issueToken); `token` is hidden from inspection and JSON. */
export interface IssuedToken {
  readonly token: string
  readonly expiresAtMs: number | null
  /** The same expiry as RFC 3339 UTC text. */
  readonly expiresAt: string | null
}

/** What a tokenProvider gives: an issueToken() result from the merchant's backend, or the same shape. */
export type TokenAnswer = { token: string; expiresAtMs?: number | null }

export interface TokenInfo {
  readonly expiresAtMs: number | null
  /** The same expiry as RFC 3339 UTC text. */
  readonly expiresAt: string | null
  readonly cached: boolean
}

export interface PaymentNotification {
  readonly transactionId: string | null
  readonly orderId: string | null
  readonly status: string | null
  readonly orderStatus: string | null
  readonly amount: string | null
  readonly finalAmount: string | null
  readonly transactionAmount: string | null
  readonly surcharge: string | null
  readonly surchargeGst: string | null
  readonly mdr: string | null
  readonly mdrGst: string | null
  readonly paymentMode: string | null
  readonly currency: string | null
  readonly bankCode: string | null
  readonly bankName: string | null
  readonly cardScheme: string | null
  readonly maskedCardNumber: string | null
  readonly cardHolderName: string | null
  readonly bankTransactionId: string | null
  readonly uniqueTransactionId: string | null
  readonly message: string | null
  readonly txnDate: string | null
  readonly checksum: string | null
  /** A secret: not enumerable, so it stays out of inspection and JSON. */
  readonly paymentToken: string | null
}

/** Options of `new Client(...)`; durations in milliseconds. */
export interface ClientOptions {
  accessKey?: string
  /** Leave unset when `tokenProvider` is given. */
  secretKey?: string
  /**
   * For apps that must not hold the secret key: returns (a Promise of) a token, e.g. from the
   * merchant's backend. The client caches it, asks once for many callers, refreshes before
   * `expiresAtMs` and once after the gateway rejects it.
   */
  tokenProvider?: () => TokenAnswer | Promise<TokenAnswer>
  /** 'uat' (default) or 'production'. */
  environment?: 'uat' | 'production'
  /** Any base URL; plain http:// only for loopback hosts. */
  baseUrl?: string
  /** Time for one call including retries (default 60000). */
  timeoutMs?: number
  connectTimeoutMs?: number
  /** Time for one HTTP attempt (default 30000). */
  requestTimeoutMs?: number
  /** Retries after the first attempt (default 2). */
  maxRetries?: number
  initialBackoffMs?: number
  maxBackoffMs?: number
  maxRetryAfterMs?: number
  proxy?: string
  extraRootCaPem?: string
  userAgentSuffix?: string
  tokenRefreshSkewMs?: number
  refundLookup?: 'enquiry' | 'transaction_status_only'
  refundEnquiryPath?: string
  merchantAccessKey?: string
  amountEncoding?: 'number' | 'string'
  authScheme?: string
  maxResponseBytes?: number
  reconcileSettleDelayMs?: number
  gatewayDedupesRequestId?: boolean
  /** Share one token across a fleet: `'redis://host:6379/0'` (never printed); one token call per expiry window for every process. */
  /** 'platform' (default: the OS verifier) or 'bundled' (Mozilla's roots compiled into the addon). */
  tlsRoots?: 'platform' | 'bundled'
  tokenStoreUrl?: string
}

export interface RefundOptions {
  /** Idempotency key; generated when absent. Reuse it to retry the same refund safely. */
  requestId?: string
  remarks?: string
  /** Look the refund up first and send only if it provably does not exist. */
  reconcileFirst?: boolean
  /**
   * Stop waiting when it aborts: before sending, the call rejects with the signal's reason and
   * nothing is sent; afterwards it rejects with OutcomeUnknownError carrying the requestId while
   * the refund runs on to its end in the background (never sent twice).
   */
  signal?: AbortSignal
}

export interface LookupOptions {
  refundTransactionId?: string | null
  /** For waitForRefund (default 60000). */
  timeoutMs?: number
}

/** A decimal string like '100.50', or a number exactly representable with 2 decimals (100, 99.5). */
export type AmountInput = string | number

export class Client {
  constructor(options?: ClientOptions)
  static fromEnv(options?: ClientOptions): Client
  readonly baseUrl: string
  readonly closed: boolean
  /** Refunds `amount` of the successful payment `transactionId`, exactly once. */
  refund(transactionId: string, amount: AmountInput, options?: RefundOptions): Promise<Refund>
  getRefund(transactionId: string, requestId: string, options?: LookupOptions): Promise<Refund>
  /** The refund, or null only when the gateway proves it does not exist. */
  findRefund(transactionId: string, requestId: string, options?: LookupOptions): Promise<Refund | null>
  waitForRefund(transactionId: string, requestId: string, options?: LookupOptions): Promise<Refund>
  getTransaction(transactionId: string): Promise<Transaction>
  getOrder(orderId: string): Promise<Order>
  checkToken(): Promise<TokenInfo>
  /** A new token for the merchant's own apps (the server side of tokenProvider; never logged). */
  issueToken(): Promise<IssuedToken>
  close(): Promise<void>
  toJSON(): { baseUrl: string; closed: boolean }
}

export function parsePaymentNotification(body: Buffer | Uint8Array | string): PaymentNotification
/** Parses rupee text with the SDK's rules into its exact text ('100.5' → '100.50'). */
export function parseAmount(text: string): string
/** A new refund requestId: store it before refunding, then pass it as `requestId`. */
export function newRequestId(): string

export type ErrorCode =
  | 'invalid_request'
  | 'configuration'
  | 'authentication'
  | 'transaction_not_refundable'
  | 'refund_exceeds_available'
  | 'insufficient_balance'
  | 'beneficiary_account'
  | 'rate_limited'
  | 'not_found'
  | 'api_error'
  | 'timeout'
  | 'network'
  | 'outcome_unknown'
  | 'decode'
  | 'usage'
  | 'internal'

/** Base class of every SDK error; every field is present (null when not applicable). */
export class EnkashError extends Error {
  readonly code: ErrorCode
  readonly httpStatus: number | null
  readonly responseCode: number | null
  /** The refund's requestId (idempotency key) when the error concerns a refund. */
  readonly requestId: string | null
  readonly serverRequestId: string | null
  readonly retryable: boolean
  /** For InvalidRequestError: the field that broke a rule. */
  readonly field: string | null
  readonly retryAfterMs: number | null
  readonly cause: Error | null
}
export class InvalidRequestError extends EnkashError {}
export class ConfigurationError extends EnkashError {}
export class AuthenticationError extends EnkashError {}
export class TransactionNotRefundableError extends EnkashError {}
export class RefundExceedsAvailableError extends EnkashError {}
export class InsufficientBalanceError extends EnkashError {}
/** The customer's account is inactive or frozen: collect an alternate account. */
export class BeneficiaryAccountError extends EnkashError {}
export class RateLimitError extends EnkashError {}
export class NotFoundError extends EnkashError {}
export class ApiError extends EnkashError {}
export class TimeoutError extends EnkashError {}
export class NetworkError extends EnkashError {}
/** The refund may or may not have been applied: reconcile with `requestId`. */
export class OutcomeUnknownError extends EnkashError {}
export class DecodeError extends EnkashError {}
export class UsageError extends EnkashError {}
export class InternalError extends EnkashError {}
