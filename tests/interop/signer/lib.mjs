// Helpers for the signer interop tests: start cipherbox-signer / the guest-agent stand-in as child
// processes, talk HTTP to them, and count checks ("N passed, M failed"; exit 1 on any failure).
import { spawn } from 'node:child_process'
import { createHash, hkdfSync } from 'node:crypto'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { PrivateKey } from 'eciesjs'

export const TOKEN = 'interop-token-0123456789abcdef'
export const SIMULATOR_SEED_HEX = '0f'.repeat(32)

export const tempDir = () => mkdtempSync(join(tmpdir(), 'cbx-signer-interop-'))
export const hex = (bytes) => Buffer.from(bytes).toString('hex')
export const b64 = (bytes) => Buffer.from(bytes).toString('base64')
export const fromB64 = (text) => Uint8Array.from(Buffer.from(text, 'base64'))

// dstack's GetKey KDF (and the simulator's): HKDF-SHA256(salt "RATLS", ikm, info = path, 32).
export function dstackKey (appKeyHex, path) {
  return new Uint8Array(hkdfSync('sha256', Buffer.from(appKeyHex, 'hex'), Buffer.from('RATLS'), Buffer.from(path), 32))
}
export const epochPath = (epoch) => `cipherbox/ipns-republish/epoch-${epoch}`
export const secpPublicHex = (sk) => new PrivateKey(sk).publicKey.toHex(false)

export function u64be (n) {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return b
}

export function reportData (epoch, publicKeyHex, nonceHex) {
  const digest = createHash('sha256').update(Buffer.concat([
    Buffer.from('cipherbox-epoch-key:v1'), u64be(epoch), Buffer.from(publicKeyHex, 'hex'),
    Buffer.from(nonceHex, 'hex')])).digest()
  return Buffer.concat([digest, Buffer.alloc(32)]).toString('hex')
}

// Starts a process and resolves once it logs {"msg":"listening",...}; returns {child, line}.
export function startLogged (bin, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const timer = setTimeout(() => reject(new Error(`${bin} did not start`)), 15000)
    const lines = createInterface({ input: child.stderr })
    lines.on('line', (text) => {
      let line
      try { line = JSON.parse(text) } catch { return }
      if (line.msg === 'listening') { clearTimeout(timer); resolve({ child, line }) }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${bin} exited with ${code}`)) })
  })
}

export async function startSigner (bin, extraArgs = []) {
  const dir = tempDir()
  writeFileSync(join(dir, 'token'), TOKEN + '\n')
  const args = ['--listen', '127.0.0.1:0', '--token-file', join(dir, 'token'), ...extraArgs]
  if (!extraArgs.includes('--dstack-socket')) {
    writeFileSync(join(dir, 'seed'), SIMULATOR_SEED_HEX + '\n')
    args.push('--insecure-simulator', '--simulator-seed-file', join(dir, 'seed'))
  }
  const { child, line } = await startLogged(bin, args)
  const base = `http://${line.address}`
  return {
    base,
    async call (method, path, body) {
      const res = await fetch(base + path, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      return { status: res.status, body: await res.json() }
    },
    stop () { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }) }
  }
}

export class Checks {
  constructor (name) { this.name = name; this.passed = 0; this.failed = 0 }
  ok (cond, what) {
    if (cond) this.passed++
    else { this.failed++; console.error(`FAIL ${this.name}: ${what}`) }
  }
  eq (a, b, what) { this.ok(a === b, `${what}: ${a} !== ${b}`) }
  finish () {
    console.log(`${this.name}: ${this.passed} passed, ${this.failed} failed`)
    process.exit(this.failed === 0 && this.passed > 0 ? 0 : 1)
  }
}
