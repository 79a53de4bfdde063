// Shared helpers for the interop peers: thin wrappers around the real npm packages CipherBox
// clients use. The peers print JSON and never interpret results: the C++ tests decide.
import { createInterface } from 'node:readline'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { base36 } from 'multiformats/bases/base36'
import { base58btc } from 'multiformats/bases/base58'
import { multihashToIPNSRoutingKey, unmarshalIPNSRecord } from 'ipns'

const require = createRequire(import.meta.url)

export function hexToBytes (hex) {
  const text = String(hex).replace(/^0x/i, '')
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new Error(`bad hex: ${hex}`)
  return Uint8Array.from(Buffer.from(text, 'hex'))
}

export const bytesToHex = (bytes) => Buffer.from(bytes).toString('hex')
export const bytesToBase64 = (bytes) => Buffer.from(bytes).toString('base64')
export const base64ToBytes = (text) => Uint8Array.from(Buffer.from(String(text).trim(), 'base64'))

// A record argument: inline base64, a file (raw bytes or base64 text), or "-" for stdin.
export function readRecordArgument (arg) {
  let raw
  if (arg === '-') raw = readFileSync(0)
  else {
    try { raw = readFileSync(arg) } catch { return base64ToBytes(arg) }
  }
  const text = raw.toString('latin1').trim()
  if (/^[A-Za-z0-9+/=\s]+$/.test(text)) return base64ToBytes(text)
  return Uint8Array.from(raw)
}

// IPNS name text (k51…, bafz…, 12D3KooW…/Qm…, optional /ipns/ prefix) -> routing key bytes.
export function routingKeyFromName (nameText) {
  const text = String(nameText).replace(/^\/ipns\//, '')
  let digest
  if (text.startsWith('1') || text.startsWith('Q')) {
    digest = Digest.decode(base58btc.baseDecode(text))
  } else {
    const cid = text.startsWith('k') ? CID.parse(text, base36) : CID.parse(text)
    digest = cid.multihash
  }
  return multihashToIPNSRoutingKey(digest)
}

export async function keyFromSeedHex (seedHex) {
  const seed = hexToBytes(seedHex)
  if (seed.length !== 32) throw new Error(`seed must be 32 bytes, got ${seed.length}`)
  return generateKeyPairFromSeed('Ed25519', seed)
}

export const nameOfKey = (privateKey) => privateKey.publicKey.toCID().toString(base36)

// The fields of a record as strings, the same shape `cipherbox-republish record inspect` prints.
export function describeRecord (bytes) {
  const record = unmarshalIPNSRecord(bytes)
  return {
    value: record.value,
    sequence: record.sequence.toString(),
    validity: record.validity,
    ttl: (record.ttl ?? 0n).toString(),
    v1Compatible: 'signatureV1' in record && record.signatureV1 !== undefined
  }
}

export const errorText = (err) => `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`

// eciesjs 0.5.0 (default) or 0.4.18 (npm alias "eciesjs-0.4").
export function ecies (impl) {
  const which = impl ?? process.env.ECIES_IMPL ?? '0.5'
  if (which === '0.5') return require('eciesjs')
  if (which === '0.4') return require('eciesjs-0.4')
  throw new Error(`unknown eciesjs implementation ${which} (0.5 or 0.4)`)
}

// Runs fn while crypto.getRandomValues returns the given bytes in order (eciesjs draws the
// ephemeral key, then the nonce), so the real encrypt() makes reproducible ciphertexts.
export function withFixedRandom (chunks, fn) {
  const queue = chunks.map((c) => Uint8Array.from(c))
  const webcrypto = globalThis.crypto
  const original = webcrypto.getRandomValues
  webcrypto.getRandomValues = (array) => {
    const next = queue.shift()
    if (next === undefined || next.length !== array.length) {
      throw new Error(`fixed randomness: wanted ${array.length} bytes, have ${next?.length ?? 0}`)
    }
    array.set(next)
    return array
  }
  try {
    const out = fn()
    if (queue.length !== 0) throw new Error('fixed randomness: not all bytes were used')
    return out
  } finally {
    webcrypto.getRandomValues = original
  }
}

// Batch mode: one JSON object per input line -> one JSON result per output line, in order.
// A failing line gives {"error": "..."} (plus its "id" when given) and the batch goes on.
export async function runBatch (handler) {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  const out = []
  const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0 } }
  for await (const line of lines) {
    if (line.trim() === '') continue
    let request
    let result
    try {
      request = JSON.parse(line)
      result = await handler(request)
    } catch (err) {
      result = { error: errorText(err) }
    }
    if (request?.id !== undefined) result = { id: request.id, ...result }
    out.push(JSON.stringify(result) + '\n')
    if (out.length >= 256) flush()
  }
  flush()
}

// Tiny flag parser: --key=value, --key value, --flag; everything else is positional.
export function parseArgs (argv, booleanFlags = []) {
  const flags = {}
  const positional = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (!arg.startsWith('--') || arg === '-') { positional.push(arg); continue }
    const eq = arg.indexOf('=')
    if (eq > 0) { flags[arg.slice(2, eq)] = arg.slice(eq + 1); continue }
    const key = arg.slice(2)
    if (booleanFlags.includes(key)) flags[key] = true
    else if (i + 1 < argv.length) flags[key] = argv[++i]
    else throw new Error(`flag --${key} needs a value`)
  }
  return { flags, positional }
}

export function usage (text) {
  process.stderr.write(text.trim() + '\n')
  process.exit(2)
}
