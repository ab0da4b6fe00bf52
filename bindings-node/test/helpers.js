'use strict'
// Starts the enkash-mock simulator binary on an ephemeral loopback port and drives its admin API.
const { spawn } = require('node:child_process')
const path = require('node:path')
const fs = require('node:fs')
const readline = require('node:readline')

const ROOT = process.env.ENKASH_REPO_ROOT || path.resolve(__dirname, '..', '..')

function mockBinary() {
  if (process.env.ENKASH_MOCK_BIN) return process.env.ENKASH_MOCK_BIN
  for (const p of [
    path.join(ROOT, 'target', 'x86_64-unknown-linux-gnu', 'debug', 'enkash-mock'),
    path.join(ROOT, 'target', 'debug', 'enkash-mock'),
  ]) {
    if (fs.existsSync(p)) return p
  }
  throw new Error('build the simulator first (cargo build -p enkash-mock) or set ENKASH_MOCK_BIN')
}

async function startMock() {
  const proc = spawn(mockBinary(), ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const rl = readline.createInterface({ input: proc.stdout })
  const url = await new Promise((resolve, reject) => {
    rl.once('line', resolve)
    proc.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)))
  })
  rl.close()
  const call = async (method, p, body) => {
    const res = await fetch(url + p, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`)
    return text ? JSON.parse(text) : null
  }
  return {
    url,
    seed: (s) => call('POST', '/__mock/seed', s),
    addFault: (f) => call('POST', '/__mock/faults', f),
    clearFaults: () => call('DELETE', '/__mock/faults'),
    configure: (c) => call('POST', '/__mock/config', c),
    expireTokens: () => call('POST', '/__mock/tokens/expire', {}),
    journal: () => call('GET', '/__mock/journal'),
    count: async (route) => (await call('GET', '/__mock/journal')).counts[route] || 0,
    transactions: (...pairs) => call('POST', '/__mock/seed', { transactions: pairs.map(([id, amount]) => ({ id, amount })) }),
    stop: () => proc.kill('SIGTERM'),
  }
}

const FAST = { initialBackoffMs: 5, maxBackoffMs: 50, requestTimeoutMs: 5000, timeoutMs: 20000 }

function clientFor(enkash, mock, options = {}) {
  return new enkash.Client({ accessKey: 'ak_test', secretKey: 'sk_test', baseUrl: mock.url, ...FAST, ...options })
}

module.exports = { ROOT, startMock, clientFor, FAST }
