'use strict'
// Installed the way the registry installs it (scripts/test-all.sh sets ENKASH_REGISTRY_LAYOUT=1):
// the main package carries no addon; npm put this platform's package beside it and the loader
// took the addon from there.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const registryLayout = process.env.ENKASH_REGISTRY_LAYOUT === '1'

test('the addon comes from the platform package', { skip: !registryLayout && 'not a registry-style install' }, () => {
  const enkash = require('enkash')
  assert.equal(typeof enkash.Client, 'function')
  const mainDir = path.dirname(require.resolve('enkash'))
  assert.deepEqual(fs.readdirSync(mainDir).filter((f) => f.endsWith('.node')), [], 'no addon in the main package')
  const platform = `enkash-${process.platform}-${process.arch}-gnu`
  const manifest = require(`${platform}/package.json`)
  assert.equal(manifest.version, require('enkash/package.json').version)
  assert.deepEqual(manifest.os, [process.platform])
  const loaded = Object.keys(require.cache).filter((k) => k.endsWith('.node'))
  assert.ok(loaded.some((k) => k.includes(`${path.sep}${platform}${path.sep}`)), `addon loaded from ${platform}: ${loaded}`)
  assert.ok(require('enkash/package.json').optionalDependencies[platform], 'the main package names it as optional')
})
