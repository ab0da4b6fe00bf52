'use strict'
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const enkash = require('enkash')
const { startMock, clientFor } = require('./helpers')

let mock
before(async () => { mock = await startMock() })
after(() => mock.stop())

test('64 concurrent refunds share one token request', async () => {
  await mock.seed({ transactions: Array.from({ length: 64 }, (_, i) => ({ id: `EKN${i}`, amount: '100' })) })
  await mock.addFault({ route: 'token', kind: 'delay', delay_ms: 200 })
  const client = clientFor(enkash, mock)
  const refunds = await Promise.all(
    Array.from({ length: 64 }, (_, i) => client.refund(`EKN${i}`, '9.99', { requestId: `N-${i}` })),
  )
  assert.deepEqual(refunds.map((r) => r.requestId), Array.from({ length: 64 }, (_, i) => `N-${i}`))
  assert.ok(refunds.every((r) => r.amount === '9.99'))
  assert.equal(await mock.count('token'), 1)
  assert.equal((await mock.journal()).refunds.length, 64)
})

test('the event loop keeps ticking while 64 requests are in flight', async () => {
  await mock.seed({ transactions: [{ id: 'EKLOOP', amount: '10' }] })
  await mock.addFault({ route: 'get_transaction', kind: 'delay', delay_ms: 300, times: 64 })
  const client = clientFor(enkash, mock)
  await client.checkToken()
  let ticks = 0
  const timer = setInterval(() => { ticks += 1 }, 10)
  const started = Date.now()
  await Promise.all(Array.from({ length: 64 }, () => client.getTransaction('EKLOOP')))
  clearInterval(timer)
  const elapsed = Date.now() - started
  // ~300 ms of waiting: a blocked loop would tick ~0 times; a free one ~elapsed/10.
  assert.ok(ticks >= Math.floor(elapsed / 10 / 3), `ticks=${ticks} in ${elapsed} ms`)
})

test('every error kind has its exported class', () => {
  const names = enkash._native.surface.error_classes
  assert.equal(names.length, 16)
  for (const name of names) {
    assert.equal(typeof enkash[name], 'function', name)
    assert.ok(enkash[name].prototype instanceof enkash.EnkashError, name)
    assert.ok(enkash[name].prototype instanceof Error, name)
  }
})

const FIELDS = ['code', 'httpStatus', 'responseCode', 'requestId', 'serverRequestId', 'retryable', 'field', 'retryAfterMs', 'cause']
function assertComplete(e) {
  for (const f of FIELDS) assert.notEqual(e[f], undefined, `${e.name}.${f} is undefined`)
}

test('refusals arrive as their class with code, httpStatus, requestId, retryable', async () => {
  const cases = [
    [{ id: 'EKE', amount: '10' }, '11', enkash.RefundExceedsAvailableError, 'refund_exceeds_available'],
    [{ id: 'EKE', amount: '10', status: 'FAILED' }, '1', enkash.TransactionNotRefundableError, 'transaction_not_refundable'],
    [{ id: 'EKE', amount: '10', beneficiary_frozen: true }, '1', enkash.BeneficiaryAccountError, 'beneficiary_account'],
    [{ id: 'EKX', amount: '10' }, '1', enkash.NotFoundError, 'not_found'],
  ]
  for (const [seed, amount, Cls, code] of cases) {
    await mock.seed({ transactions: [seed] })
    const client = clientFor(enkash, mock)
    await assert.rejects(client.refund('EKE', amount, { requestId: 'ERR-1' }), (e) => {
      assert.ok(e instanceof Cls && e instanceof enkash.EnkashError && e instanceof Error)
      assert.equal(e.name, Cls.name)
      assert.equal(e.code, code)
      assert.equal(e.requestId, 'ERR-1')
      assert.equal(e.retryable, false)
      assert.equal(typeof e.httpStatus, 'number')
      assertComplete(e)
      return true
    })
  }
})

test('transport failures arrive as their class, never with undefined fields', async () => {
  await mock.seed({ merchants: [{ access_key: 'ak_test', secret_key: 'sk_test', balance: '5' }], transactions: [{ id: 'EKT', amount: '100' }] })
  const client = clientFor(enkash, mock, { maxRetries: 1 })
  await assert.rejects(client.refund('EKT', '6'), enkash.InsufficientBalanceError)
  await mock.addFault({ route: 'get_transaction', kind: 'rate_limit', retry_after_secs: 0, times: 5 })
  await assert.rejects(client.getTransaction('EKT'), (e) => e instanceof enkash.RateLimitError && e.retryAfterMs === 0 && e.retryable)
  await mock.clearFaults()
  await mock.addFault({ route: 'get_transaction', kind: 'http_status', status: 503, times: 5 })
  await assert.rejects(client.getTransaction('EKT'), (e) => e instanceof enkash.ApiError && e.httpStatus === 503)
  await mock.clearFaults()
  await mock.addFault({ route: 'get_transaction', kind: 'delay', delay_ms: 2000, times: 5 })
  const slow = clientFor(enkash, mock, { requestTimeoutMs: 200, timeoutMs: 500 })
  await assert.rejects(slow.getTransaction('EKT'), (e) => e instanceof enkash.TimeoutError && e.retryable)
  await mock.clearFaults()
  await assert.rejects(clientFor(enkash, mock, { secretKey: 'wrong' }).checkToken(), (e) => e instanceof enkash.AuthenticationError && e.httpStatus === 401)
  const refused = new enkash.Client({ accessKey: 'a', secretKey: 'b', baseUrl: 'http://127.0.0.1:1', maxRetries: 0 })
  await assert.rejects(refused.getTransaction('EK1'), (e) => {
    assert.ok(e instanceof enkash.NetworkError)
    assert.ok(e.cause instanceof Error, 'the Rust cause is chained')
    assert.equal(e.httpStatus, null)
    assertComplete(e)
    return true
  })
  await mock.addFault({ route: 'refund', kind: 'reset_after_commit', times: 1 })
  const docsOnly = clientFor(enkash, mock, { refundLookup: 'transaction_status_only' })
  await assert.rejects(docsOnly.refund('EKT', '1', { requestId: 'OU-N' }), (e) => e instanceof enkash.OutcomeUnknownError && e.requestId === 'OU-N')
  await mock.addFault({ route: 'get_transaction', kind: 'malformed_body', times: 5 })
  await assert.rejects(client.getTransaction('EKT'), enkash.DecodeError)
  await client.close()
  await assert.rejects(client.getTransaction('EKT'), enkash.UsageError)
  assert.equal(client.closed, true)
  await assert.rejects(enkash._native.triggerInternalPanic(), enkash.InternalError)
})

const BAD = [
  ['EKB', 0.07], ['EKB', 0.1 + 0.2], ['EKB', 1.005], ['EKB', NaN], ['EKB', Infinity], ['EKB', -1], ['EKB', 0],
  ['EKB', 1e12], ['EKB', '1.005'], ['EKB', ''], ['EKB', 'abc'], ['EKB', '1e3'], ['EKB', ' 10'], ['EKB', '-5'],
  ['EKB', '9'.repeat(10000)], ['EKB', 10n], ['EKB', null], ['EKB', undefined], ['EKB', true], ['EKB', {}],
  ['', '10'], ['EK B', '10'], ['E'.repeat(100000), '10'], [null, '10'], [42, '10'], [Buffer.from('EK'), '10'],
]

test(`${BAD.length} bad inputs are rejected and nothing is sent`, async () => {
  await mock.seed({ transactions: [{ id: 'EKB', amount: '100' }] })
  const client = clientFor(enkash, mock)
  for (const [txn, amount] of BAD) {
    await assert.rejects(client.refund(txn, amount), (e) => e instanceof TypeError || e instanceof enkash.InvalidRequestError, `${String(txn).slice(0, 10)} ${String(amount).slice(0, 10)}`)
  }
  for (const opts of [{ requestId: '' }, { requestId: 'has space' }, { remarks: 'x'.repeat(256) }, { reconcileFirst: true }, { requestid: 'typo' }]) {
    await assert.rejects(client.refund('EKB', '10', opts), (e) => e instanceof TypeError || (e instanceof enkash.InvalidRequestError && e.field !== null))
  }
  assert.deepEqual((await mock.journal()).requests, [])
})

test('exact numbers are accepted; results are frozen strings', async () => {
  await mock.seed({ transactions: [{ id: 'EKOK', amount: '1000' }] })
  const client = clientFor(enkash, mock)
  const r = await client.refund('EKOK', 100.5, { requestId: 'OK-1' })
  assert.equal(r.amount, '100.50')
  assert.ok(Object.isFrozen(r))
  await client.refund('EKOK', '0.07')
  await client.refund('EKOK', 7)
  const sent = (await mock.journal()).requests.filter((q) => q.route === 'refund').map((q) => q.amount)
  assert.deepEqual(sent, ['100.5', '0.07', '7'])
  assert.equal((await client.findRefund('EKOK', 'NOPE')), null)
  assert.equal((await client.waitForRefund('EKOK', 'OK-1', { timeoutMs: 5000 })).status, 'succeeded')
})

test('inspect and JSON never show secrets', async () => {
  const secret = 'SK-node-live-77aa'
  const access = 'AK-node-live-33bb'
  await mock.seed({ merchants: [{ access_key: access, secret_key: secret, balance: '100' }], transactions: [{ id: 'EKS', amount: '10' }] })
  const client = clientFor(enkash, mock, { accessKey: access, secretKey: secret })
  const r = await client.refund('EKS', '1')
  const shown = [util.inspect(client, { showHidden: true, depth: 5 }), JSON.stringify(client), util.inspect(r), JSON.stringify(r)]
  await assert.rejects(clientFor(enkash, mock, { accessKey: access, secretKey: 'SK-wrong-9999' }).checkToken(), (e) => {
    shown.push(util.inspect(e), JSON.stringify(e), String(e), String(e.cause))
    return true
  })
  const n = enkash.parsePaymentNotification('{"transactionId":"EK1","paymentToken":"tok-secret-1"}')
  shown.push(util.inspect(n), JSON.stringify(n))
  assert.equal(n.paymentToken, 'tok-secret-1')
  const all = shown.join('\n')
  for (const s of [secret, access, 'SK-wrong-9999', 'tok-secret-1']) assert.ok(!all.includes(s), `${s} leaked`)
})

test('fromEnv reads ENKASH_* variables', async () => {
  await mock.seed({ transactions: [{ id: 'EKENV', amount: '10' }] })
  Object.assign(process.env, { ENKASH_ACCESS_KEY: 'ak_test', ENKASH_SECRET_KEY: 'sk_test', ENKASH_BASE_URL: mock.url })
  try {
    const client = enkash.Client.fromEnv({ maxRetries: 0 })
    assert.equal((await client.getTransaction('EKENV')).transactionId, 'EKENV')
  } finally {
    for (const k of ['ENKASH_ACCESS_KEY', 'ENKASH_SECRET_KEY', 'ENKASH_BASE_URL']) delete process.env[k]
  }
  assert.throws(() => new enkash.Client({ accessKey: 'a', secretKey: 'b', baseUrl: 'http://example.com' }), enkash.InvalidRequestError)
})
