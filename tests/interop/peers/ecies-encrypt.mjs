#!/usr/bin/env node
// eciesjs encrypt (default config: secp256k1, uncompressed ephemeral key, AES-256-GCM, 16-byte nonce).
//   ecies-encrypt.mjs PUBKEY_HEX PLAINTEXT_HEX [--impl 0.5|0.4] [--ephemeral-sk HEX --nonce HEX]
//   ecies-encrypt.mjs --batch [--impl 0.5|0.4]
//       stdin: {"publicKeyHex","plaintextHex","impl"?,"ephemeralSkHex"?,"nonceHex"?,"id"?} per line
//       stdout: {"ciphertextHex"}
// --ephemeral-sk/--nonce feed the real encrypt() fixed randomness for reproducible output.
import { bytesToHex, ecies, hexToBytes, parseArgs, runBatch, usage, withFixedRandom } from './lib.mjs'

function encrypt (request, defaultImpl) {
  const lib = ecies(request.impl ?? defaultImpl)
  const run = () => lib.encrypt(hexToBytes(request.publicKeyHex), hexToBytes(request.plaintextHex))
  const fixed = request.ephemeralSkHex !== undefined || request.nonceHex !== undefined
  const ciphertext = fixed
    ? withFixedRandom([hexToBytes(request.ephemeralSkHex), hexToBytes(request.nonceHex)], run)
    : run()
  return { ciphertextHex: bytesToHex(ciphertext) }
}

const { flags, positional } = parseArgs(process.argv.slice(2), ['batch'])
if (flags.batch) {
  await runBatch((request) => encrypt(request, flags.impl))
} else {
  if (positional.length !== 2) usage('usage: ecies-encrypt.mjs PUBKEY_HEX PLAINTEXT_HEX [--impl 0.5|0.4] | --batch')
  const request = { publicKeyHex: positional[0], plaintextHex: positional[1] }
  if (flags['ephemeral-sk'] !== undefined) request.ephemeralSkHex = flags['ephemeral-sk']
  if (flags.nonce !== undefined) request.nonceHex = flags.nonce
  process.stdout.write(encrypt(request, flags.impl).ciphertextHex + '\n')
}
