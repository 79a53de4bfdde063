#!/usr/bin/env node
// @phala/dcap-qvl (pure JS) quote verification, the reference peer of the attestation parity
// suite. Verdicts are reported, never interpreted: the C++ tests compare.
//   dcap-verify.mjs --batch
//       stdin per line: {"quoteHex", "collateral": {...}|null, "time": unix seconds,
//                        "rootCaDerHex"?: a test root CA instead of Intel's, "id"?}
//       stdout per line: {"verified": true, "status", "advisoryIds"} or
//                        {"verified": false, "error"}
//   dcap-verify.mjs --bench N QUOTE_FILE COLLATERAL_JSON_FILE UNIX_TIME
//       verifies N times in this process; prints {"iterations", "totalMs", "perQuoteMs"}
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { errorText, hexToBytes, parseArgs, runBatch, usage } from './lib.mjs'

const require = createRequire(import.meta.url)
const dcap = require('@phala/dcap-qvl')

function verifier (rootCaDerHex) {
  if (rootCaDerHex === undefined) return dcap.QuoteVerifier.newProd()
  return dcap.QuoteVerifier.newWithRootCa(Buffer.from(hexToBytes(rootCaDerHex)))
}

function verify (request) {
  if (request.collateral === null || request.collateral === undefined) {
    return { verified: false, error: 'no collateral' }
  }
  try {
    const report = verifier(request.rootCaDerHex)
      .verify(hexToBytes(request.quoteHex), request.collateral, request.time)
    return { verified: true, status: report.status, advisoryIds: report.advisory_ids }
  } catch (err) {
    return { verified: false, error: errorText(err) }
  }
}

const { flags, positional } = parseArgs(process.argv.slice(2), ['batch'])
if (flags.batch) {
  await runBatch(verify)
} else if (flags.bench !== undefined) {
  if (positional.length !== 3) usage('usage: dcap-verify.mjs --bench N QUOTE COLLATERAL UNIX_TIME')
  const iterations = Number(flags.bench)
  const quote = new Uint8Array(readFileSync(positional[0]))
  const collateral = JSON.parse(readFileSync(positional[1], 'utf8'))
  const time = Number(positional[2])
  const v = dcap.QuoteVerifier.newProd()
  v.verify(quote, collateral, time)  // warm-up (and fails loudly when the sample does not verify)
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) v.verify(quote, collateral, time)
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6
  process.stdout.write(JSON.stringify({ iterations, totalMs, perQuoteMs: totalMs / iterations }) + '\n')
} else {
  usage('usage: dcap-verify.mjs --batch | --bench N QUOTE COLLATERAL UNIX_TIME')
}
