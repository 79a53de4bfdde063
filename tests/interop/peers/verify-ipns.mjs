#!/usr/bin/env node
// ipnsValidator (ipns 10.1.6) against an IPNS name.
//   verify-ipns.mjs NAME RECORD      RECORD: base64, a file (raw or base64) or "-" (stdin)
//   verify-ipns.mjs --batch          stdin: {"name","recordBase64"[,"id"]} per line
// Prints {"valid","value","sequence","validity","ttl","error"} (sequence and ttl as decimal
// strings, error null when valid); single mode exits 0 valid, 1 invalid, 2 usage.
import { ipnsValidator } from 'ipns/validator'
import {
  base64ToBytes, describeRecord, errorText, parseArgs, readRecordArgument, routingKeyFromName,
  runBatch, usage
} from './lib.mjs'

async function verify (nameText, bytes) {
  const result = { valid: false, value: null, sequence: null, validity: null, ttl: null, error: null }
  try {
    await ipnsValidator(routingKeyFromName(nameText), bytes)
    result.valid = true
  } catch (err) {
    result.error = errorText(err)
  }
  try {
    Object.assign(result, describeRecord(bytes))
  } catch {}  // malformed records have no fields to show; the validator error says why
  return result
}

const { flags, positional } = parseArgs(process.argv.slice(2), ['batch'])
if (flags.batch) {
  await runBatch(({ name, recordBase64 }) => verify(name, base64ToBytes(recordBase64)))
} else {
  if (positional.length !== 2) usage('usage: verify-ipns.mjs NAME RECORD | --batch')
  const result = await verify(positional[0], readRecordArgument(positional[1]))
  process.stdout.write(JSON.stringify(result) + '\n')
  process.exit(result.valid ? 0 : 1)
}
