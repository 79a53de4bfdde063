#!/usr/bin/env node
// Keys sealed with eciesjs (0.5 and 0.4) to the public keys the signer serves, owner records made
// by the `ipns` package as proofs; every record the signer returns must pass ipnsValidator, keys on
// the older epoch must come back rewrapped and decrypt (eciesjs) under the current epoch key.
//   sign-roundtrip.mjs SIGNER_BIN [FOLDERS]
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { createIPNSRecord, marshalIPNSRecord, unmarshalIPNSRecord, multihashToIPNSRoutingKey } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import { base36 } from 'multiformats/bases/base36'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as eciesjs from 'eciesjs'
import { Checks, startSigner, b64, fromB64, hex, dstackKey, epochPath, secpPublicHex, SIMULATOR_SEED_HEX } from './lib.mjs'

const require = createRequire(import.meta.url)
const ecies04 = require('eciesjs-0.4')
const [bin, foldersArg] = process.argv.slice(2)
const N = Number(foldersArg ?? 50)
const t = new Checks('signer sign-roundtrip')
const signer = await startSigner(bin)
try {
  const pub = {}
  for (const epoch of [1, 2]) {
    const r = await signer.call('GET', `/v1/epochs/${epoch}/public-key`)
    t.eq(r.status, 200, `public key of epoch ${epoch}`)
    pub[epoch] = r.body.publicKey
    // The simulator derives as dstack does: the served key is the one of HKDF(seed, path).
    t.eq(pub[epoch], secpPublicHex(dstackKey(SIMULATOR_SEED_HEX, epochPath(epoch))), `epoch ${epoch} key derivation`)
  }
  const epoch2Secret = dstackKey(SIMULATOR_SEED_HEX, epochPath(2))

  const folders = []
  for (let i = 0; i < N; i++) {
    const seed = new Uint8Array(randomBytes(32))
    const key = await generateKeyPairFromSeed('Ed25519', seed)
    const cid = CID.createV1(0x70, await sha256.digest(randomBytes(16)))
    const value = `/ipfs/${cid.toString()}`
    const ownerSeq = BigInt(1 + (i % 7))
    const owner = marshalIPNSRecord(await createIPNSRecord(key, value, ownerSeq, 48 * 3600 * 1000))
    const keyEpoch = i % 2 === 0 ? 1 : 2
    const sealer = i % 4 < 2 ? eciesjs : ecies04
    folders.push({ i, seed, key, value, keyEpoch, ownerSeq, owner,
      name: key.publicKey.toCID().toString(base36),
      routingKey: multihashToIPNSRoutingKey(key.publicKey.toMultihash()),
      sealed: b64(sealer.encrypt(pub[keyEpoch], seed)) })
  }
  const entry = (f, seq, overrides = {}) => ({
    id: `ns/folder-${f.i}`, ipnsName: f.name, encryptedKey: f.sealed, keyEpoch: f.keyEpoch,
    value: f.value, proofRecord: b64(f.owner), sequence: String(seq), lifetimeSeconds: 48 * 3600,
    ttlSeconds: 300, ...overrides })

  async function checkResults (batch, results, expectRewrap) {
    t.eq(results.length, batch.length, 'one result per entry')
    for (const [k, f] of batch.entries()) {
      const r = results[k]
      t.ok(r.ok === true, `entry ${f.i} signed: ${JSON.stringify(r.error)}`)
      if (!r.ok) continue
      const bytes = fromB64(r.record)
      try { await ipnsValidator(f.routingKey, bytes); t.ok(true) } catch (e) { t.ok(false, `ipnsValidator ${f.i}: ${e.message}`) }
      const rec = unmarshalIPNSRecord(bytes)
      t.eq(rec.value, f.value, `value ${f.i}`)
      t.eq(rec.sequence.toString(), r.sequence, `sequence ${f.i}`)
      t.eq(rec.validity, r.validity, `validity ${f.i}`)
      t.ok(rec.signatureV1 !== undefined, `V1-compatible record ${f.i}`)
      f.last = bytes
      if (expectRewrap && f.keyEpoch === 1) {
        t.eq(r.rewrapped?.epoch, 2, `rewrapped epoch ${f.i}`)
        const opened = eciesjs.decrypt(epoch2Secret, fromB64(r.rewrapped.encryptedKey))
        t.eq(hex(opened), hex(f.seed), `rewrapped key of ${f.i} decrypts under epoch 2`)
        f.sealed = r.rewrapped.encryptedKey
        f.keyEpoch = 2
      } else {
        t.ok(r.rewrapped === undefined, `no rewrap for ${f.i}`)
      }
    }
  }

  for (let start = 0; start < N; start += 50) {
    const batch = folders.slice(start, start + 50)
    const r = await signer.call('POST', '/v1/sign', { currentEpoch: 2, entries: batch.map((f) => entry(f, f.ownerSeq + 1n)) })
    t.eq(r.status, 200, 'sign batch status')
    await checkResults(batch, r.body.results, true)
  }
  // Next cycle: the signer's own records are the proofs; the rewrapped keys are current.
  for (let start = 0; start < N; start += 50) {
    const batch = folders.slice(start, start + 50)
    const r = await signer.call('POST', '/v1/sign', {
      currentEpoch: 2, entries: batch.map((f) => entry(f, f.ownerSeq + 2n, { proofRecord: b64(f.last) })) })
    await checkResults(batch, r.body.results, false)
  }
  // Refusals: a value the owner never signed, a proof from another folder's key.
  const [a, b] = folders
  const r = await signer.call('POST', '/v1/sign', { currentEpoch: 2, entries: [
    entry(a, 99n, { value: b.value }), entry(a, 99n, { proofRecord: b64(b.owner) })] })
  t.eq(r.body.results[0].error?.code, 'VALUE_NOT_OWNER_SIGNED', 'other value refused')
  t.eq(r.body.results[1].error?.code, 'VALUE_NOT_OWNER_SIGNED', 'other key proof refused')
} finally {
  signer.stop()
}
t.finish()
