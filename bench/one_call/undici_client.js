// The same one-call script written with undici.request (see enkash_client.js).
// Usage: node undici_client.js BASE_URL
const assert = require('node:assert')
const { request } = require('undici')

async function main (base) {
  const auth = await request(`${base}/api/v0/merchant/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: 'ak_test', secretKey: 'sk_test' })
  })
  const { token } = await auth.body.json()
  const reply = await request(`${base}/api/v0/payment/EKBENCH001`, {
    headers: { authorization: `Bearer ${token}`, merchantAccessKey: 'ak_test' }
  })
  const payment = await reply.body.json()
  assert.equal(payment.payload.transactionId, 'EKBENCH001')
}
main(process.argv[2])
