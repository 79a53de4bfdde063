#!/usr/bin/env node
// eciesjs decrypt.
//   ecies-decrypt.mjs PRIVKEY_HEX CIPHERTEXT [--impl 0.5|0.4]   CIPHERTEXT hex, or base64 with --base64
//       prints the plaintext hex; exit 1 when decryption fails
//   ecies-decrypt.mjs --batch [--impl 0.5|0.4]
//       stdin: {"privateKeyHex","ciphertextHex"|"ciphertextBase64","impl"?,"id"?} per line
//       stdout: {"plaintextHex"} or {"error"}
import { base64ToBytes, bytesToHex, ecies, errorText, hexToBytes, parseArgs, runBatch, usage } from './lib.mjs'

function decrypt (request, defaultImpl) {
  const lib = ecies(request.impl ?? defaultImpl)
  const data = request.ciphertextBase64 !== undefined
    ? base64ToBytes(request.ciphertextBase64)
    : hexToBytes(request.ciphertextHex)
  return { plaintextHex: bytesToHex(lib.decrypt(hexToBytes(request.privateKeyHex), data)) }
}

const { flags, positional } = parseArgs(process.argv.slice(2), ['batch', 'base64'])
if (flags.batch) {
  await runBatch((request) => decrypt(request, flags.impl))
} else {
  if (positional.length !== 2) usage('usage: ecies-decrypt.mjs PRIVKEY_HEX CIPHERTEXT [--base64] [--impl 0.5|0.4] | --batch')
  const request = { privateKeyHex: positional[0] }
  if (flags.base64) request.ciphertextBase64 = positional[1]
  else request.ciphertextHex = positional[1]
  try {
    process.stdout.write(decrypt(request, flags.impl).plaintextHex + '\n')
  } catch (err) {
    process.stderr.write(errorText(err) + '\n')
    process.exit(1)
  }
}
