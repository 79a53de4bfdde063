#!/usr/bin/env node
// createIPNSRecord / createIPNSRecordWithExpiration (ipns 10.1.6), marshaled.
//   make-ipns.mjs --seed HEX --value V --sequence N (--validity RFC3339 | --lifetime-ms N)
//                 [--ttl-ns N] [--v2-only] [--now-ms N]        prints the record, base64
//   make-ipns.mjs --batch   stdin: {"seedHex","value","sequence","validity"|"lifetimeMs",
//                 "ttlNs"?, "v2Only"?, "nowMs"?, "id"?} per line; sequence/ttlNs decimal strings
//                 stdout: {"recordBase64","name","value","sequence","validity","ttl"}
// --now-ms pins Date.now() for lifetime-based records (validity = now + lifetime).
import { createIPNSRecord, createIPNSRecordWithExpiration, marshalIPNSRecord } from 'ipns'
import { bytesToBase64, describeRecord, keyFromSeedHex, nameOfKey, parseArgs, runBatch, usage } from './lib.mjs'

async function make (request) {
  const key = await keyFromSeedHex(request.seedHex)
  const options = { v1Compatible: !request.v2Only }
  if (request.ttlNs !== undefined) options.ttlNs = BigInt(request.ttlNs)
  const sequence = BigInt(request.sequence)
  let record
  if (request.validity !== undefined) {
    record = await createIPNSRecordWithExpiration(key, request.value, sequence, request.validity, options)
  } else {
    if (request.lifetimeMs === undefined) throw new Error('validity or lifetimeMs is required')
    const realNow = Date.now
    if (request.nowMs !== undefined) Date.now = () => Number(request.nowMs)
    try {
      record = await createIPNSRecord(key, request.value, sequence, Number(request.lifetimeMs), options)
    } finally {
      Date.now = realNow
    }
  }
  const bytes = marshalIPNSRecord(record)
  return { recordBase64: bytesToBase64(bytes), name: nameOfKey(key), ...describeRecord(bytes) }
}

const { flags } = parseArgs(process.argv.slice(2), ['batch', 'v2-only'])
if (flags.batch) {
  await runBatch(make)
} else {
  if (!flags.seed || !flags.value || flags.sequence === undefined ||
      (flags.validity === undefined && flags['lifetime-ms'] === undefined)) {
    usage('usage: make-ipns.mjs --seed HEX --value V --sequence N (--validity T | --lifetime-ms N) [--ttl-ns N] [--v2-only] [--now-ms N] | --batch')
  }
  const out = await make({
    seedHex: flags.seed,
    value: flags.value,
    sequence: flags.sequence,
    validity: flags.validity,
    lifetimeMs: flags['lifetime-ms'],
    ttlNs: flags['ttl-ns'],
    v2Only: flags['v2-only'] === true,
    nowMs: flags['now-ms']
  })
  process.stdout.write(out.recordBase64 + '\n')
}
