'use strict'
// Packs the npm packages the way they are published: the main `enkash` package (no addon inside)
// with optionalDependencies on every platform package — what `napi prepublish` adds at release —
// and each platform package under npm/ whose addon was built here.
//   node scripts/pack.js OUT_DIR
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

const root = path.resolve(__dirname, '..')
const out = path.resolve(process.argv[2] || '.')
const main = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const npmDirs = fs.readdirSync(path.join(root, 'npm'), { withFileTypes: true }).filter((d) => d.isDirectory())
const pack = (dir) => execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir, encoding: 'utf8' }).trim()

fs.mkdirSync(out, { recursive: true })
const optional = {}
for (const d of npmDirs) {
  const dir = path.join(root, 'npm', d.name)
  const platform = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  optional[platform.name] = main.version
  const addon = `${main.napi.binaryName}.${d.name}.node`
  if (fs.existsSync(path.join(root, addon))) {
    fs.copyFileSync(path.join(root, addon), path.join(dir, addon))
    console.log(`packed ${pack(dir)}`)
  }
}

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'enkash-npm-'))
for (const f of [...main.files, 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) {
  const from = fs.existsSync(path.join(root, f)) ? path.join(root, f) : path.join(root, '..', f)
  if (fs.existsSync(from)) fs.copyFileSync(from, path.join(stage, f))
}
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ ...main, optionalDependencies: optional }, null, 2) + '\n')
console.log(`packed ${pack(stage)}`)
fs.rmSync(stage, { recursive: true, force: true })
