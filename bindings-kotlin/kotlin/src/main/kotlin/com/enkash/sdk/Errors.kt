package com.enkash.sdk

/** The context every [EnkashException] carries: code, HTTP status, request id, retryable, field. */
val EnkashException.info: ErrorInfo
    get() = when (this) {
        is EnkashException.InvalidRequest -> info
        is EnkashException.Configuration -> info
        is EnkashException.Authentication -> info
        is EnkashException.TransactionNotRefundable -> info
        is EnkashException.RefundExceedsAvailable -> info
        is EnkashException.InsufficientBalance -> info
        is EnkashException.BeneficiaryAccount -> info
        is EnkashException.RateLimited -> info
        is EnkashException.NotFound -> info
        is EnkashException.Api -> info
        is EnkashException.Timeout -> info
        is EnkashException.Network -> info
        is EnkashException.OutcomeUnknown -> info
        is EnkashException.Decode -> info
        is EnkashException.Usage -> info
        is EnkashException.Internal -> info
    }
