#!/usr/bin/env node
// Rewrap to an external epoch key: refused without an approval, refused with a wrong one, done
// with an approval signed in Node (node:crypto Ed25519) over the documented canonical message:
//   "cipherbox-epoch-approval:v1" || epoch u64 BE || publicKey(65) || composeHash(32)
// and the result opens with eciesjs under the external private key. The target's attestation
// (quote binding its key, dstack event log measuring the approved compose hash) is built here in
// Node too; the simulator signer checks it (its targets' chains are not checked).
//   approvals.mjs SIGNER_BIN
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { base36 } from 'multiformats/bases/base36'
import * as eciesjs from 'eciesjs'
import { Checks, startSigner, b64, fromB64, hex, u64be, reportData, dstackEventLog, simulatedQuote } from './lib.mjs'

const [bin] = process.argv.slice(2)
const t = new Checks('signer approvals')
const authority = generateKeyPairSync('ed25519')
const authorityHex = Buffer.from(authority.publicKey.export({ format: 'jwk' }).x, 'base64url').toString('hex')
const approval = (epoch, pkHex, composeHex, key = authority.privateKey) => b64(sign(null, Buffer.concat([
  Buffer.from('cipherbox-epoch-approval:v1'), u64be(epoch), Buffer.from(pkHex, 'hex'), Buffer.from(composeHex, 'hex')]), key))

const signer = await startSigner(bin, ['--authority-public-key', authorityHex])
const unapproved = await startSigner(bin)
try {
  const pub1 = (await signer.call('GET', '/v1/epochs/1/public-key')).body.publicKey
  const seed = new Uint8Array(randomBytes(32))
  const name = (await generateKeyPairFromSeed('Ed25519', seed)).publicKey.toCID().toString(base36)
  const entries = [{ id: 'f', ipnsName: name, encryptedKey: b64(eciesjs.encrypt(pub1, seed)), keyEpoch: 1 }]
  const ext = new eciesjs.PrivateKey()
  const extPub = ext.publicKey.toHex(false)
  const compose = hex(randomBytes(32))
  const nonce = hex(randomBytes(16))
  const attestation = (composeHex, epoch = 5) => {
    const { eventLog, rtmr3 } = dstackEventLog(composeHex, 'ab'.repeat(20))
    return { quote: simulatedQuote(reportData(epoch, extPub, nonce), rtmr3), eventLog, nonce }
  }
  const target = (extra) => ({ epoch: 5, publicKey: extPub, composeHash: compose, attestation: attestation(compose), ...extra })

  let r = await signer.call('POST', '/v1/rewrap', { target: target({}), entries })
  t.eq(r.status, 403, 'no approval: status'); t.eq(r.body.error?.code, 'APPROVAL_REQUIRED', 'no approval: code')
  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(6, extPub, compose) }), entries })
  t.eq(r.body.error?.code, 'APPROVAL_INVALID', 'approval of another epoch')
  const stranger = generateKeyPairSync('ed25519').privateKey
  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose, stranger) }), entries })
  t.eq(r.body.error?.code, 'APPROVAL_INVALID', 'approval by another key')
  r = await unapproved.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose) }), entries })
  t.eq(r.body.error?.code, 'APPROVAL_REQUIRED', 'signer without an authority refuses')

  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose), attestation: undefined }), entries })
  t.eq(r.body.error?.code, 'TARGET_ATTESTATION_REQUIRED', 'approved but no attestation')
  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose), attestation: attestation(hex(randomBytes(32))) }), entries })
  t.eq(r.body.error?.code, 'TARGET_ATTESTATION_INVALID', 'approved but the event log measures another compose hash')
  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose), attestation: attestation(compose, 6) }), entries })
  t.eq(r.body.error?.code, 'TARGET_ATTESTATION_INVALID', 'approved but the quote binds another epoch')
  r = await signer.call('POST', '/v1/rewrap', { target: target({ approval: approval(5, extPub, compose) }), entries })
  t.eq(r.status, 200, 'approved: status')
  t.ok(r.body.results?.[0]?.ok === true, `approved: entry ok ${JSON.stringify(r.body)}`)
  t.eq(r.body.results?.[0]?.epoch, 5, 'approved: epoch')
  const opened = eciesjs.decrypt(ext.secret, fromB64(r.body.results[0].encryptedKey))
  t.eq(hex(opened), hex(seed), 'approved: opens under the external key')

  r = await signer.call('POST', '/v1/rewrap', { targetEpoch: 2, entries })
  t.ok(r.body.results?.[0]?.ok === true, 'local target needs no approval')
} finally {
  signer.stop()
  unapproved.stop()
}
t.finish()
