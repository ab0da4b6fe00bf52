// One status read in a fresh process, as a script, a cron job or a serverless function makes it:
// a token, then the payment. Timed from outside, node start included (bench/run.sh).
// Usage: node enkash_client.js BASE_URL
const assert = require('node:assert')
const { Client } = require('enkash')

const client = new Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: process.argv[2] })
client.getTransaction('EKBENCH001').then((payment) => assert.equal(payment.transactionId, 'EKBENCH001'))
