'use strict'
// Parity with the Rust core: every public operation, option, record field and error field the
// core lists (its `surface()`) exists in this package — at run time and in index.d.ts.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const enkash = require('enkash')

const SURFACE = enkash._native.surface
const DTS = fs.readFileSync(path.join(path.dirname(require.resolve('enkash')), 'index.d.ts'), 'utf8')
const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/** The body of `interface NAME {…}` or `class NAME … {…}` in index.d.ts. */
function block(kind, name) {
  const m = DTS.match(new RegExp(`${kind} ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`))
  assert.ok(m, `index.d.ts declares ${kind} ${name}`)
  return m[1]
}

test('parity: every core operation is a Client method, typed in index.d.ts', () => {
  const cls = block('class', 'Client')
  for (const op of SURFACE.operations) {
    assert.equal(typeof enkash.Client.prototype[camel(op)], 'function', `Client.${camel(op)}`)
    assert.match(cls, new RegExp(`\\b${camel(op)}\\(`), `index.d.ts Client.${camel(op)}`)
  }
  assert.equal(typeof enkash.Client.fromEnv, 'function')
  for (const fn of SURFACE.functions) {
    assert.equal(typeof enkash[camel(fn)], 'function', camel(fn))
    assert.match(DTS, new RegExp(`export function ${camel(fn)}\\(`), `index.d.ts ${camel(fn)}`)
  }
})

test('parity: every core option is accepted and typed in ClientOptions', () => {
  const opts = block('interface', 'ClientOptions')
  for (const spec of SURFACE.options) {
    assert.match(opts, new RegExp(`\\b${spec.js_name}\\?:`), `ClientOptions.${spec.js_name}`)
  }
  // Unknown options are refused, naming the real ones.
  assert.throws(() => new enkash.Client({ accessKey: 'a', secretKey: 's', noSuchOption: 1 }), TypeError)
})

test('parity: every record field is in index.d.ts and on the returned objects', async () => {
  for (const [name, fields] of SURFACE.models) {
    const body = block('interface', name)
    for (const f of fields) assert.match(body, new RegExp(`\\b${camel(f)}:`), `${name}.${camel(f)}`)
  }
  const n = enkash.parsePaymentNotification('{"transactionId":"EK1","amount":"1.005","paymentToken":"t"}')
  const notification = SURFACE.models.find(([name]) => name === 'PaymentNotification')[1]
  for (const f of notification) assert.ok(camel(f) in n, `PaymentNotification.${camel(f)} present`)
  assert.equal(n.amount, '1.005', 'gateway amounts are never rounded')
})

test('parity: every core error field is on thrown errors and in index.d.ts', () => {
  const body = block('class', 'EnkashError')
  let err
  try {
    new enkash.Client({ accessKey: 'a', secretKey: 's', baseUrl: 'ftp://x' })
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof enkash.InvalidRequestError)
  for (const f of SURFACE.error_fields) {
    const js = camel(f)
    assert.notEqual(err[js], undefined, `error.${js}`)
    if (js !== 'name' && js !== 'message') assert.match(body, new RegExp(`\\b${js}:`), `EnkashError.${js}`)
  }
  for (const name of SURFACE.error_classes) assert.match(DTS, new RegExp(`class ${name} extends EnkashError`))
})
