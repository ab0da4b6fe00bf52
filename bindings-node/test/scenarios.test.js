'use strict'
// The shared scenario manifest (tests/scenarios/*.json), run through the Node binding.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const enkash = require('enkash')
const { ROOT, startMock, clientFor } = require('./helpers')

const DIR = path.join(ROOT, 'tests', 'scenarios')
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
let mock

before(async () => { mock = await startMock() })
after(() => mock.stop())

const snake = (s) => s.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())
const asDict = (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [snake(k), v]))

// Exact decimal text without trailing fractional zeros: "100.50" → "100.5", "10.00" → "10".
const canonical = (d) => (d.includes('.') ? d.replace(/0+$/, '').replace(/\.$/, '') : d)

function same(key, want, got) {
  if (key.includes('amount') && typeof want === 'string' && typeof got === 'string') {
    return canonical(want) === canonical(got)
  }
  return want === (got === undefined ? null : got)
}

function check(expected, actual, where) {
  for (const [k, want] of Object.entries(expected)) {
    assert.ok(same(k, want, actual[k]), `${where}: ${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(actual[k])}`)
  }
}

async function call(client, name, a) {
  switch (name) {
    case 'refund': return client.refund(a.transaction_id, a.amount, { requestId: a.request_id, remarks: a.remarks })
    case 'get_refund': return client.getRefund(a.transaction_id, a.request_id, { refundTransactionId: a.refund_transaction_id })
    case 'wait_for_refund': return client.waitForRefund(a.transaction_id, a.request_id, { refundTransactionId: a.refund_transaction_id, timeoutMs: a.timeout_ms ?? 10000 })
    case 'get_transaction': return client.getTransaction(a.transaction_id)
    case 'get_order': return client.getOrder(a.order_id)
    case 'issue_token': return client.issueToken()
    case 'parse_payment_notification': return enkash.parsePaymentNotification(Buffer.from(a.body, 'utf8'))
    default: throw new Error(`unknown call ${name}`)
  }
}

function checkJournal(j, want) {
  const per = {}
  for (const r of j.refunds) per[r.request_id] = (per[r.request_id] || 0) + 1
  assert.ok(Object.values(per).every((n) => n === 1), 'no requestId applied twice')
  if (want.refunds_applied !== undefined) assert.equal(j.refunds.length, want.refunds_applied, 'refunds applied')
  for (const [route, n] of Object.entries(want.counts || {})) assert.equal(j.counts[route] || 0, n, `journal count ${route}`)
  for (const [rid, amount] of Object.entries(want.refund_amounts || {})) {
    const applied = j.refunds.filter((r) => r.request_id === rid)
    assert.equal(applied.length, 1, rid)
    assert.ok(same('amount', amount, applied[0].amount), `${rid} amount`)
  }
  for (const text of want.user_agent_contains || []) {
    for (const r of j.requests) assert.ok((r.user_agent || '').includes(text), `User-Agent of ${r.route} lacks ${text}: ${r.user_agent}`)
  }
  for (const [route, ids] of Object.entries(want.request_ids_sent || {})) {
    assert.deepEqual(j.requests.filter((r) => r.route === route).map((r) => r.request_id), ids)
  }
}

test('the manifest is complete', () => assert.ok(files.length >= 20))

for (const file of files) {
  test(`scenario ${path.basename(file, '.json')}`, async () => {
    const sc = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))
    await mock.seed(sc.seed)
    const c = sc.client || {}
    const opts = {}
    if (c.max_retries !== undefined) opts.maxRetries = c.max_retries
    if (c.secret_key !== undefined) opts.secretKey = c.secret_key
    if (c.refund_lookup !== undefined) opts.refundLookup = c.refund_lookup
    if (c.environment !== undefined) opts.environment = c.environment
    if (c.user_agent_suffix !== undefined) opts.userAgentSuffix = c.user_agent_suffix
    if (c.gateway_dedupes_request_id !== undefined) opts.gatewayDedupesRequestId = c.gateway_dedupes_request_id
    const backend = clientFor(enkash, mock)
    if (c.token_source === 'provider') {
      // The app holds no secret key: its tokens come from the merchant's backend.
      opts.secretKey = undefined
      opts.tokenProvider = c.provider === 'fails'
        ? async () => { throw new Error('backend unreachable') }
        : () => backend.issueToken()
    }
    const client = clientFor(enkash, mock, opts)
    for (const [i, step] of sc.steps.entries()) {
      if (step.wait_ms !== undefined) { await new Promise((resolve) => setTimeout(resolve, step.wait_ms)); continue }
      if (step.admin === 'expire_tokens') { await mock.expireTokens(); continue }
      const where = `step ${i} (${step.call})`
      let result, error
      try { result = await call(client, step.call, step.args) } catch (e) { error = e }
      if (step.expect.ok) {
        assert.equal(error, undefined, `${where}: expected success, got ${error}`)
        check(step.expect.ok, asDict(result), where)
      } else {
        assert.ok(error instanceof enkash.EnkashError, `${where}: expected an EnkashError, got ${error ?? JSON.stringify(result)}`)
        check(step.expect.error, { code: error.code, field: error.field, request_id: error.requestId, retryable: error.retryable, http_status: error.httpStatus }, where)
      }
    }
    await client.close()
    await backend.close()
    checkJournal(await mock.journal(), sc.journal)
  })
}
