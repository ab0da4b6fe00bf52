'use strict'
// Node side of the benchmark: enkash Client vs hand-written undici, 64 ops in flight — `fetch`
// (what most code uses) and `request` on a Pool of 64 keep-alive connections (undici's fast path).
// One op = refund 0.01 (POST, new requestId) + status (GET). Usage: node node_bench.js BASE_URL OPS
// (BENCH_ROUNDS=5: the interleaved slices, see measureAll).
const { randomUUID } = require('node:crypto')
const { Client } = require('enkash')
const undici = require('undici')

const [BASE, OPS_TEXT] = process.argv.slice(2)
const OPS = Number(OPS_TEXT)
const TXNS = Array.from({ length: 64 }, (_, i) => `EKBENCH${String(i).padStart(3, '0')}`)

// Untimed operations before each measurement (connections opened, JIT warm), for every peer alike.
const WARMUP = 256

async function run(total, op) {
  let next = 0
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < total) await op(next++)
  }))
}

// Interleaved slices per measurement: every case runs OPS / ROUNDS ops per round, the order rotated
// each round, so all meet the same machine states (which drift within seconds here).
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5)

async function measureAll(cases) {
  for (const [, op] of cases) await run(Math.min(OPS, WARMUP), op)
  const per = Math.max(1, Math.floor(OPS / ROUNDS))
  const secs = new Map(cases.map(([name]) => [name, 0]))
  for (let r = 0; r < ROUNDS; r++) {
    const k = r % cases.length
    for (const [name, op] of [...cases.slice(k), ...cases.slice(0, k)]) {
      const start = process.hrtime.bigint()
      await run(per, op)
      secs.set(name, secs.get(name) + Number(process.hrtime.bigint() - start) / 1e9)
    }
  }
  for (const [name] of cases) {
    const ops = per * ROUNDS
    console.log(JSON.stringify({ name, ops, concurrency: 64, rounds: ROUNDS, secs: secs.get(name), ops_per_s: ops / secs.get(name) }))
  }
}

async function main() {
  const client = new Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: BASE })
  await client.checkToken()
  const agent = new undici.Agent({ connections: 64 })
  const tokRes = await undici.fetch(`${BASE}/api/v0/merchant/token`, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessKey: 'ak_test', secretKey: 'sk_test' }),
  })
  const { token } = await tokRes.json()
  const headers = { authorization: `Bearer ${token}`, merchantAccessKey: 'ak_test', 'content-type': 'application/json' }
  const check = (p) => { if (p.response_code !== 0) throw new Error(JSON.stringify(p)) }
  const sdkOp = async (i) => {
    const t = TXNS[i % 64]
    await client.refund(t, '0.01', { remarks: 'bench' })
    await client.getTransaction(t)
  }
  const fetchOp = async (i) => {
    const t = TXNS[i % 64]
    const r = await undici.fetch(`${BASE}/api/v0/payment/${t}/refund`, {
      method: 'POST', dispatcher: agent, headers,
      body: JSON.stringify({ amount: 0.01, requestId: randomUUID(), remarks: 'bench' }),
    })
    check(await r.json())
    const s = await undici.fetch(`${BASE}/api/v0/payment/${t}`, { dispatcher: agent, headers })
    check(await s.json())
  }
  const pool = new undici.Pool(BASE, { connections: 64, pipelining: 1 })
  const json = async (res) => check(await res.body.json())
  const requestOp = async (i) => {
    const t = TXNS[i % 64]
    await json(await pool.request({
      path: `/api/v0/payment/${t}/refund`, method: 'POST', headers,
      body: JSON.stringify({ amount: 0.01, requestId: randomUUID(), remarks: 'bench' }),
    }))
    await json(await pool.request({ path: `/api/v0/payment/${t}`, method: 'GET', headers }))
  }
  await measureAll([['node_enkash_64', sdkOp], ['node_fetch_64', fetchOp], ['node_undici_request_64', requestOp]])
  await client.close()
  await agent.close()
  await pool.close()
}

main().catch((e) => { console.error(e); process.exit(1) })
