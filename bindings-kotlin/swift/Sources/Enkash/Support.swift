import Foundation

/// A credential that never shows its value when printed or logged.
public struct SecretValue: CustomStringConvertible, CustomDebugStringConvertible, Sendable, Hashable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "Secret(***)" }
    public var debugDescription: String { "Secret(***)" }
}

extension Decimal {
    /// Plain decimal text with "." as separator, whatever the locale (how money crosses the FFI).
    var enkashPlainString: String {
        var value = self
        return NSDecimalString(&value, Locale(identifier: "en_US_POSIX"))
    }
}

extension EnkashError {
    /// The context every case carries: code, HTTP status, request id, retryable, field.
    public var info: ErrorInfo {
        switch self {
        case .InvalidRequest(let info), .Configuration(let info), .Authentication(let info),
             .TransactionNotRefundable(let info), .RefundExceedsAvailable(let info),
             .InsufficientBalance(let info), .BeneficiaryAccount(let info), .RateLimited(let info),
             .NotFound(let info), .Api(let info), .Timeout(let info), .Network(let info),
             .OutcomeUnknown(let info), .Decode(let info), .Usage(let info), .Internal(let info):
            return info
        }
    }
}
