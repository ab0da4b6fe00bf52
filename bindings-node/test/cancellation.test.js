'use strict'
// Cancellation never abandons a refund half-way: an AbortSignal that fires after the POST was
// committed rejects with OutcomeUnknownError carrying the requestId, while the refund runs on in
// the background (reconciled, never resent) and the requestId finds it.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const enkash = require('enkash')
const { startMock, clientFor } = require('./helpers')

let mock
before(async () => { mock = await startMock() })
after(() => mock.stop())

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

test('an abort after commit is OutcomeUnknown with the requestId; the refund finishes once in the background', async () => {
  await mock.seed({ transactions: [{ id: 'EKNCX1', amount: '500' }] })
  // Committed at once; the connection is cut 600 ms later, after the caller aborted.
  await mock.addFault({ route: 'refund', kind: 'reset_after_commit', delay_ms: 600, times: 1 })
  const client = clientFor(enkash, mock)
  const requestId = enkash.newRequestId()
  const err = await client
    .refund('EKNCX1', '25', { requestId, signal: AbortSignal.timeout(200) })
    .then(() => null, (e) => e)
  assert.ok(err instanceof enkash.OutcomeUnknownError, `${err}`)
  assert.equal(err.requestId, requestId)
  for (let i = 0; i < 100 && (await mock.count('refund_enquiry')) === 0; i++) await sleep(50)
  const journal = await mock.journal()
  assert.deepEqual(journal.refunds.map((r) => r.request_id), [requestId], 'refunded once')
  assert.equal(journal.counts.refund, 1, 'never resent')
  assert.equal(journal.counts.refund_enquiry, 1, 'the abandoned refund was reconciled')
  const found = await client.findRefund('EKNCX1', requestId)
  assert.equal(found.requestId, requestId)
  assert.equal(found.amount, '25.00')
})

test('an abort before the call sends nothing', async () => {
  await mock.seed({ transactions: [{ id: 'EKNCX2', amount: '500' }] })
  const client = clientFor(enkash, mock)
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(client.refund('EKNCX2', '25', { signal: controller.signal }), { name: 'AbortError' })
  await assert.rejects(client.refund('EKNCX2', '25', { signal: 'soon' }), TypeError)
  assert.equal(await mock.count('refund'), 0)
})
