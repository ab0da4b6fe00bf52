// ESM and CJS load the same classes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import enkashDefault, { Client, EnkashError, InvalidRequestError, parsePaymentNotification } from 'enkash'

const require = createRequire(import.meta.url)

test('import and require give the same module', () => {
  const cjs = require('enkash')
  assert.equal(Client, cjs.Client)
  assert.equal(InvalidRequestError, cjs.InvalidRequestError)
  assert.equal(enkashDefault.Client, Client)
  assert.ok(new InvalidRequestError({ message: 'x', code: 'invalid_request' }) instanceof EnkashError)
  assert.equal(parsePaymentNotification(Buffer.from('{"amount":1.5}')).amount, '1.50')
})
