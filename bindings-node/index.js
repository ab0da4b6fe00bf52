'use strict'
// The public `enkash` module: a thin wrapper over the napi addon (native.js). It converts native
// error records into real Error subclasses (one per core error kind) and checks argument types.
// Every business rule lives in the Rust core.

const util = require('node:util')
const native = require('./native.js')

/** Base class of every error the SDK raises. */
class EnkashError extends Error {
  constructor(info) {
    super(info.message, { cause: info.cause ? new Error(info.cause) : null })
    this.name = new.target.name
    this.code = info.code
    this.httpStatus = info.httpStatus ?? null
    this.responseCode = info.responseCode ?? null
    this.requestId = info.requestId ?? null
    this.serverRequestId = info.serverRequestId ?? null
    this.retryable = Boolean(info.retryable)
    this.field = info.field ?? null
    this.retryAfterMs = info.retryAfterMs ?? null
  }
}

// What the core offers (options, error classes), so this file lists none of it by hand.
const SURFACE = JSON.parse(native.surface())

const errorClasses = { EnkashError }
for (const name of SURFACE.error_classes) {
  // A named class per kind, so `instanceof` and `err.name` work.
  errorClasses[name] = { [name]: class extends EnkashError {} }[name]
}

function toError(info) {
  const Cls = errorClasses[info.name] || errorClasses.InternalError
  return new Cls(info)
}

function unwrap(outcome) {
  if (outcome.error) throw toError(outcome.error)
  return outcome.value == null ? null : Object.freeze(outcome.value)
}

function requireString(name, value) {
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string, got ${value === null ? 'null' : typeof value}`)
  }
}

function checkAmount(amount) {
  if (typeof amount === 'string' || typeof amount === 'number') return
  if (typeof amount === 'bigint') {
    throw new TypeError(
      "amount must be a decimal string like '100.50' or a number; a bigint is ambiguous (rupees or paise?)",
    )
  }
  throw new TypeError(`amount must be a decimal string like '100.50' or a number, got ${amount === null ? 'null' : typeof amount}`)
}

// The core spells each option the JavaScript way: camelCase, durations with `Ms` (timeoutMs).
const CLIENT_OPTIONS = new Set(SURFACE.options.map((spec) => spec.js_name))

function checkOptions(kind, options, allowed) {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError(`${kind} must be an object`)
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) throw new TypeError(`unknown ${kind} key '${key}'; expected one of ${[...allowed].join(', ')}`)
  }
  const clean = {}
  for (const [k, v] of Object.entries(options)) if (v !== undefined && v !== null) clean[k] = v
  return clean
}

const REFUND_OPTIONS = new Set(['requestId', 'remarks', 'reconcileFirst', 'signal'])
const LOOKUP_OPTIONS = new Set(['refundTransactionId', 'timeoutMs'])

/** The host's token provider as the addon calls it: always a Promise of a plain {token, expiresAtMs}. */
function tokenAnswer(provider) {
  return () =>
    Promise.resolve()
      .then(provider)
      .then((t) => ({ token: t && t.token, expiresAtMs: (t && t.expiresAtMs) ?? null }))
}

/** The EnKash client. Owns its connection pool and token cache; methods return Promises. */
class Client {
  #native

  constructor(options) {
    // tokenProvider is a function, not an option value: the addon gets it on its own.
    let tokenProvider
    let given = options
    if (options && typeof options === 'object' && !Array.isArray(options)) {
      ;({ tokenProvider, ...given } = options)
    }
    const opts = checkOptions('client option', given, CLIENT_OPTIONS)
    if (tokenProvider !== undefined && tokenProvider !== null && typeof tokenProvider !== 'function') {
      throw new TypeError('tokenProvider must be a function returning (a Promise of) {token, expiresAtMs}')
    }
    this.#native = new native.NativeClient(
      Object.assign({}, opts, { fromEnv: Client.#fromEnv }),
      tokenProvider ? tokenAnswer(tokenProvider) : undefined,
    )
    const err = this.#native.configError
    if (err) throw toError(err)
  }

  static #fromEnv = false

  /** A client from ENKASH_ACCESS_KEY / ENKASH_SECRET_KEY / ENKASH_BASE_URL / ENKASH_ENVIRONMENT. */
  static fromEnv(options) {
    Client.#fromEnv = true
    try {
      return new Client(options)
    } finally {
      Client.#fromEnv = false
    }
  }

  get baseUrl() {
    return this.#native.baseUrl
  }

  get closed() {
    return this.#native.closed
  }

  async refund(transactionId, amount, options) {
    requireString('transactionId', transactionId)
    checkAmount(amount)
    const { signal, ...o } = checkOptions('refund option', options, REFUND_OPTIONS)
    if (signal === undefined) return unwrap(await this.#native.refund(transactionId, amount, o))
    if (!(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal')
    signal.throwIfAborted() // nothing sent yet
    // Named now, so an abort can report which refund goes on in the background.
    if (o.requestId === undefined) o.requestId = native.newRequestId()
    const pending = this.#native.refund(transactionId, amount, o)
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(toError(native.refundLeftRunning(o.requestId).error))
      signal.addEventListener('abort', onAbort, { once: true })
      pending.then(
        (result) => {
          signal.removeEventListener('abort', onAbort)
          try {
            resolve(unwrap(result))
          } catch (e) {
            reject(e)
          }
        },
        (e) => {
          signal.removeEventListener('abort', onAbort)
          reject(e)
        },
      )
    })
  }

  async getRefund(transactionId, requestId, options) {
    requireString('transactionId', transactionId)
    requireString('requestId', requestId)
    const o = checkOptions('lookup option', options, LOOKUP_OPTIONS)
    return unwrap(await this.#native.getRefund(transactionId, requestId, o.refundTransactionId))
  }

  async findRefund(transactionId, requestId, options) {
    requireString('transactionId', transactionId)
    requireString('requestId', requestId)
    const o = checkOptions('lookup option', options, LOOKUP_OPTIONS)
    return unwrap(await this.#native.findRefund(transactionId, requestId, o.refundTransactionId))
  }

  async waitForRefund(transactionId, requestId, options) {
    requireString('transactionId', transactionId)
    requireString('requestId', requestId)
    const o = checkOptions('lookup option', options, LOOKUP_OPTIONS)
    return unwrap(await this.#native.waitForRefund(transactionId, requestId, o.refundTransactionId, o.timeoutMs))
  }

  async getTransaction(transactionId) {
    requireString('transactionId', transactionId)
    return unwrap(await this.#native.getTransaction(transactionId))
  }

  async getOrder(orderId) {
    requireString('orderId', orderId)
    return unwrap(await this.#native.getOrder(orderId))
  }

  /** A new token for the merchant's own apps (the server side of `tokenProvider`). */
  async issueToken() {
    const value = unwrap(await this.#native.issueToken())
    // The token is a secret: keep it out of inspection and JSON.
    const copy = Object.assign({}, value)
    delete copy.token
    Object.defineProperty(copy, 'token', { value: value.token, enumerable: false })
    return Object.freeze(copy)
  }

  async checkToken() {
    return unwrap(await this.#native.checkToken())
  }

  /** Releases the connection pool; later calls reject with UsageError. */
  async close() {
    this.#native.close()
  }

  toJSON() {
    return { baseUrl: this.baseUrl, closed: this.closed }
  }

  [util.inspect.custom]() {
    return `Client { baseUrl: ${JSON.stringify(this.baseUrl)}${this.closed ? ', closed' : ''} }`
  }
}

/** Parses rupee text with the core's rules into its exact text ('100.5' → '100.50'). */
function parseAmount(text) {
  requireString('text', text)
  return unwrap(native.parseAmount(text))
}

/** Parses a Payment Notify body (the raw bytes received) leniently. */
function parsePaymentNotification(body) {
  let bytes = body
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8')
  else if (body instanceof Uint8Array && !Buffer.isBuffer(body)) bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (!Buffer.isBuffer(bytes)) throw new TypeError('body must be a Buffer, Uint8Array or string')
  const value = unwrap(native.parsePaymentNotification(bytes))
  // The payment token is a secret: keep it out of inspection and JSON.
  const token = value.paymentToken
  const copy = Object.assign({}, value)
  delete copy.paymentToken
  Object.defineProperty(copy, 'paymentToken', { value: token, enumerable: false })
  return Object.freeze(copy)
}

/**
 * A new refund requestId. Store it before refunding, then pass it as `requestId`: whatever
 * happens (a crash, an aborted call, OutcomeUnknownError) it finds the refund again and a retry
 * with it cannot refund twice.
 */
function newRequestId() {
  return native.newRequestId()
}

module.exports = {
  Client,
  parsePaymentNotification,
  parseAmount,
  newRequestId,
  ...errorClasses,
  /** @internal for tests */
  _native: { surface: SURFACE, triggerInternalPanic: async () => unwrap(await native.triggerInternalPanic()) },
}
