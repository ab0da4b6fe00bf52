// The same one-call script written with Node's built-in fetch (see enkash_client.js).
// Usage: node fetch_client.js BASE_URL
const assert = require('node:assert')

async function main (base) {
  const auth = await fetch(`${base}/api/v0/merchant/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: 'ak_test', secretKey: 'sk_test' })
  })
  const { token } = await auth.json()
  const reply = await fetch(`${base}/api/v0/payment/EKBENCH001`, {
    headers: { authorization: `Bearer ${token}`, merchantAccessKey: 'ak_test' }
  })
  const payment = await reply.json()
  assert.equal(payment.payload.transactionId, 'EKBENCH001')
}
main(process.argv[2])
