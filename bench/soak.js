'use strict'
// Soak: CALLS calls through enkash's Client; RSS after the first 10% and at the end (MB).
// Usage: node soak.js BASE_URL [CALLS]   (the simulator must hold payment EKSOAK)
const { Client } = require('enkash')

async function main() {
  const [base, callsText] = process.argv.slice(2)
  const calls = Number(callsText || 100000)
  const client = new Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: base })
  const first = Math.floor(calls / 10)
  let rssFirst = 0
  const rss = () => { if (global.gc) global.gc(); return process.memoryUsage().rss / (1024 * 1024) }
  for (let i = 0; i < calls; i += 1) {
    if (i % 2) await client.refund('EKSOAK', '0.01')
    else await client.getTransaction('EKSOAK')
    if (i + 1 === first) rssFirst = rss()
  }
  const end = rss()
  console.log(JSON.stringify({ name: 'node_soak', calls, rss_mb_after_first: rssFirst, rss_mb_end: end, growth_mb: end - rssFirst }))
  await client.close()
}
main().catch((e) => { console.error(e); process.exit(1) })
