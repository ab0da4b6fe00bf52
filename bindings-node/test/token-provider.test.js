'use strict'
// An app that never holds the secret key: tokenProvider asks the merchant's backend (whose client
// calls issueToken()). The core caches, asks once for many callers, refreshes once after a
// rejected token.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const enkash = require('enkash')
const { startMock, clientFor } = require('./helpers')

let mock
before(async () => { mock = await startMock() })
after(() => mock.stop())

test('an app client refunds with tokens from its backend', async () => {
  await mock.seed({ transactions: [{ id: 'EKNAPP1', amount: '100' }] })
  const backend = clientFor(enkash, mock)
  let asked = 0
  const app = new enkash.Client({
    accessKey: 'ak_test',
    baseUrl: mock.url,
    initialBackoffMs: 5,
    tokenProvider: async () => {
      asked++
      return backend.issueToken()
    },
  })
  const refunds = await Promise.all(
    Array.from({ length: 16 }, (_, i) => app.refund('EKNAPP1', '1', { requestId: `NAPP-${i}` })),
  )
  assert.equal(refunds.length, 16)
  assert.equal(asked, 1, 'one fetch for 16 callers')
  await mock.expireTokens()
  await app.getTransaction('EKNAPP1')
  assert.equal(asked, 2, 'a rejected token is refreshed from the provider once')
  await assert.rejects(app.issueToken(), enkash.UsageError)
  assert.equal(await mock.count('token'), 2, 'only the backend talks to the token endpoint')
})

test('issued tokens never print; a failing provider is an AuthenticationError', async () => {
  const backend = clientFor(enkash, mock)
  const issued = await backend.issueToken()
  assert.ok(issued.token.length > 0 && issued.expiresAtMs > Date.now())
  assert.ok(!util.inspect(issued).includes(issued.token) && !JSON.stringify(issued).includes(issued.token))
  const app = new enkash.Client({
    accessKey: 'ak_test',
    baseUrl: mock.url,
    tokenProvider: () => { throw new Error('backend unreachable') },
  })
  await assert.rejects(app.getTransaction('EKX'), (e) => e instanceof enkash.AuthenticationError && /backend unreachable/.test(e.message))
  assert.throws(() => new enkash.Client({ accessKey: 'a', baseUrl: mock.url, tokenProvider: 'soon' }), TypeError)
  assert.throws(
    () => new enkash.Client({ accessKey: 'a', secretKey: 's', baseUrl: mock.url, tokenProvider: async () => issued }),
    (e) => e instanceof enkash.InvalidRequestError && e.field === 'secret_key',
  )
})
