// ES module entry: the same objects as the CommonJS entry.
import cjs from './index.js'

export const {
  Client,
  parsePaymentNotification,
  parseAmount,
  EnkashError,
  InvalidRequestError,
  ConfigurationError,
  AuthenticationError,
  TransactionNotRefundableError,
  RefundExceedsAvailableError,
  InsufficientBalanceError,
  BeneficiaryAccountError,
  RateLimitError,
  NotFoundError,
  ApiError,
  TimeoutError,
  NetworkError,
  OutcomeUnknownError,
  DecodeError,
  UsageError,
  InternalError,
} = cjs
export default cjs
