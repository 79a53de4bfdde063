#!/usr/bin/env node
// The real @phala/dstack-sdk against the guest-agent stand-in (cbx_fake_dstack_agent): proves the
// stand-in speaks the protocol the SDK speaks; then cipherbox-signer on the same socket serves the
// epoch key the SDK derives, with a quote binding it to the nonce.
//   dstack-sdk.mjs FAKE_AGENT_BIN SIGNER_BIN
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import { DstackClient } from '@phala/dstack-sdk'
import { Checks, startLogged, startSigner, tempDir, hex, dstackKey, epochPath, secpPublicHex, reportData } from './lib.mjs'

const [agentBin, signerBin] = process.argv.slice(2)
const t = new Checks('signer dstack-sdk')
const APP_KEY = 'a5'.repeat(32)
const dir = tempDir()
const socket = join(dir, 'dstack.sock')
const { child: agent } = await startLogged(agentBin, ['--socket', socket, '--app-key-hex', APP_KEY])
let signer
try {
  const client = new DstackClient(socket)
  const key = await client.getKey(epochPath(1), 'cipherbox-ipns-republish', 'secp256k1')
  t.eq(key.key.length, 32, 'getKey: 32-byte key')
  t.eq(hex(key.key), hex(dstackKey(APP_KEY, epochPath(1))), 'getKey: the guest agent KDF')
  t.eq(key.signature_chain.length, 2, 'getKey: signature chain of 2')
  t.ok(key.signature_chain.every((s) => s.length === 65), 'getKey: 65-byte signatures')

  const rd = Buffer.from('cipherbox interop report data')
  const quote = await client.getQuote(rd)
  const q = Buffer.from(quote.quote, 'hex')
  t.eq(q.readUInt16LE(0), 4, 'getQuote: version 4')
  t.eq(q.readUInt32LE(4), 0x81, 'getQuote: TDX')
  t.eq(q.subarray(568, 632).toString('hex'), Buffer.concat([rd, Buffer.alloc(64 - rd.length)]).toString('hex'), 'getQuote: report data padded at the end, at offset 568')
  const rtmrs = quote.replayRtmrs()
  for (let i = 0; i < 4; i++) {
    const off = 48 + 328 + 48 * i
    t.eq(rtmrs[i], q.subarray(off, off + 48).toString('hex'), `replayRtmrs()[${i}] matches the quote`)
  }
  const info = await client.info()
  t.eq(typeof info.tcb_info, 'object', 'info: tcb_info parsed by the SDK')
  t.eq(info.tcb_info.mrtd, q.subarray(184, 232).toString('hex'), 'info: mrtd matches the quote')
  t.eq(info.app_id, info.compose_hash.slice(0, 40), 'info: app_id')
  t.eq(await client.isReachable(), true, 'isReachable')

  signer = await startSigner(signerBin, ['--dstack-socket', socket])
  const nonce = 'c0ffee01'
  const r = await signer.call('GET', `/v1/epochs/1/public-key?nonce=${nonce}`)
  t.eq(r.status, 200, 'signer public key status')
  t.eq(r.body.publicKey, secpPublicHex(key.key), 'signer serves the key the SDK derives')
  t.eq(r.body.simulated, false, 'not simulated')
  t.eq(r.body.composeHash, info.compose_hash, 'compose hash from Info')
  const expected = reportData(1, r.body.publicKey, nonce)
  t.eq(r.body.reportData, expected, 'reportData binds epoch, key and nonce')
  t.eq(Buffer.from(r.body.quote, 'hex').subarray(568, 632).toString('hex'), expected, 'quote carries the report data')
  const infoR = await signer.call('GET', '/v1/info')
  t.eq(infoR.body.agentVersion, '0.5.8', 'signer read the agent version')
} finally {
  signer?.stop()
  agent.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
t.finish()
