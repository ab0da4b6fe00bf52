'use strict'
// A fleet sharing one token in a real Redis (tokenStoreUrl). The test script starts redis-server
// on loopback and sets ENKASH_REDIS_URL; each worker below is its own Node process.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { execFile } = require('node:child_process')
const enkash = require('enkash')
const { startMock, clientFor } = require('./helpers')

const REDIS = process.env.ENKASH_REDIS_URL

let mock
before(async () => { mock = await startMock() })
after(() => mock.stop())

const WORKER = `
const enkash = require('enkash')
const c = new enkash.Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: process.argv[1], tokenStoreUrl: process.argv[2] })
;(async () => { for (let i = 0; i < 3; i++) await c.getTransaction('EKNREDIS1'); await c.close() })()
  .catch((e) => { console.error(String(e)); process.exit(1) })
`

test('a store URL is checked and never printed', async () => {
  assert.throws(() => clientFor(enkash, mock, { tokenStoreUrl: 'memcached://cache:11211' }),
    (e) => e instanceof enkash.InvalidRequestError && e.field === 'token_store_url')
  const c = clientFor(enkash, mock, { tokenStoreUrl: 'redis://:hunter2@127.0.0.1:1/0' })
  assert.ok(!util.inspect(c, { depth: 5 }).includes('hunter2'))
  await c.close()
})

test('processes sharing Redis make one token call', { skip: !REDIS && !process.env.CI && 'ENKASH_REDIS_URL is not set' }, async () => {
  assert.ok(REDIS, 'CI must set ENKASH_REDIS_URL (scripts/test-all.sh starts redis-server)')
  await mock.seed({ transactions: [{ id: 'EKNREDIS1', amount: '100' }] })
  await mock.configure({ token_mode: 'single_active' })
  const run = () => new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', WORKER, mock.url, REDIS], { cwd: __dirname }, (err, _out, stderr) => err ? reject(new Error(stderr || String(err))) : resolve())
  })
  await Promise.all([run(), run(), run(), run()])
  assert.equal(await mock.count('token'), 1, 'four processes, one Redis, one token call')
  assert.equal(await mock.count('get_transaction'), 12)
})

test('a store that cannot be reached is bypassed', async () => {
  await mock.seed({ transactions: [{ id: 'EKNREDIS2', amount: '100' }] })
  const c = clientFor(enkash, mock, { tokenStoreUrl: 'redis://127.0.0.1:1/0' })
  assert.equal((await c.getTransaction('EKNREDIS2')).transactionId, 'EKNREDIS2')
  assert.equal(await mock.count('token'), 1)
  await c.close()
})
