'use strict'
// The TypeScript quickstart compiles under --strict and runs against the simulator.
const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const { startMock } = require('./helpers')

let mock
before(async () => { mock = await startMock() })
after(() => mock.stop())

test('examples/quickstart.ts type-checks and runs', async () => {
  const examples = path.join(__dirname, '..', 'examples')
  // Emitted inside the package so `require('enkash')` resolves as it would for a user.
  const out = path.join(examples, '.out')
  const tsc = require.resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', path.join(examples, 'tsconfig.json'), '--noEmit', 'false', '--outDir', out])
  await mock.seed({ transactions: [{ id: 'EK1743074262175e8KIO', amount: '250.75' }] })
  await mock.configure({ pending_delay_ms: 200 })
  const stdout = execFileSync(process.execPath, [path.join(out, 'quickstart.js'), 'EK1743074262175e8KIO', '100.50'], {
    env: { ...process.env, ENKASH_ACCESS_KEY: 'ak_test', ENKASH_SECRET_KEY: 'sk_test', ENKASH_BASE_URL: mock.url },
    encoding: 'utf8',
    cwd: path.dirname(examples),
  })
  assert.match(stdout, /refund RF[0-9A-F]+: 100\.50 pending/)
  assert.match(stdout, /is succeeded \(SUCCESS\)/)
  assert.match(stdout, /payment EK1743074262175e8KIO is PARTIALLY_REFUNDED/)
  assert.match(stdout, /webhook says SUCCESS for 100\.50/)
  fs.rmSync(out, { recursive: true, force: true })
})
