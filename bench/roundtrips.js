'use strict'
// N sequential refund + status round trips through the Node Client, printing nothing:
// bench/instructions.sh counts its instructions under callgrind. Usage: node roundtrips.js BASE_URL N
const { Client } = require('enkash')

const [BASE, N_TEXT] = process.argv.slice(2)

async function main() {
  const client = new Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: BASE })
  await client.checkToken()
  for (let i = 0; i < Number(N_TEXT); i++) {
    const t = `EKBENCH${String(i % 64).padStart(3, '0')}`
    await client.refund(t, '0.01', { remarks: 'bench' })
    await client.getTransaction(t)
  }
  await client.close()
}

main().catch((e) => { console.error(e); process.exit(1) })
