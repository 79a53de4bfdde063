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

// dstack's RTMR3 runtime events, written here independently of the C++ code from dstack's
// documented V1 digest: SHA-384(event_type u32 LE || ":" || name || ":" || payload), and
// RTMR3 = fold of SHA-384(RTMR3 || digest) from 48 zero bytes. Returns {eventLog, rtmr3}.
export function dstackEventLog (composeHashHex, appIdHex) {
  const type = 0x08000001
  const events = [['system-preparing', ''], ['app-id', appIdHex], ['compose-hash', composeHashHex],
    ['instance-id', '11'.repeat(20)], ['boot-mr-done', ''],
    ['key-provider', Buffer.from('{"name":"interop"}').toString('hex')], ['system-ready', '']]
  let rtmr = Buffer.alloc(48)
  const log = events.map(([name, payloadHex]) => {
    const le = Buffer.alloc(4); le.writeUInt32LE(type)
    const digest = createHash('sha384').update(Buffer.concat([le, Buffer.from(':' + name + ':'),
      Buffer.from(payloadHex, 'hex')])).digest()
    rtmr = createHash('sha384').update(Buffer.concat([rtmr, digest])).digest()
    return { imr: 3, event_type: type, digest: digest.toString('hex'), event: name, event_payload: payloadHex }
  })
  return { eventLog: JSON.stringify(log), rtmr3: rtmr }
}

// A TDX v4 quote layout with a dummy signature (what the simulator returns): header 48 bytes,
// TD report 584 bytes (RTMR3 at offset 520, report data at 568), signature data length, 134 zero
// bytes of signature data.
export function simulatedQuote (reportDataHex, rtmr3) {
  const q = Buffer.alloc(48 + 584 + 4 + 134)
  q.writeUInt16LE(4, 0); q.writeUInt16LE(2, 2); q.writeUInt32LE(0x81, 4)
  rtmr3.copy(q, 520)
  Buffer.from(reportDataHex, 'hex').copy(q, 568)
  q.writeUInt32LE(134, 632)
  return q.toString('hex')
}
