// Reads the routing server's /_test/history (every valid PUT, in arrival order) and checks the
// invariants over every record that ever left the operator: each validates with the `ipns`
// package (signature; expiry is ignored for old ones), sequences per name never go down, and no
// two different records share a name and sequence. Prints "history ok N records" or the faults.
// Run from tests/interop (where the npm packages are): node --input-type=module < check-history.mjs
import { unmarshalIPNSRecord } from 'ipns';
import { ipnsValidator } from 'ipns/validator';
import { CID } from 'multiformats/cid';
import { base36 } from 'multiformats/bases/base36';

const routing = process.env.ROUTING_URL;
const history = await (await fetch(`${routing}/_test/history`)).json();
const problems = [];
const last = new Map();
const seen = new Map();
for (const [i, e] of history.entries()) {
  const bytes = Buffer.from(e.recordBase64, 'base64');
  const cid = CID.parse(e.name, e.name.startsWith('k') ? base36 : undefined);
  const routingKey = new Uint8Array([...Buffer.from('/ipns/'), ...cid.multihash.bytes]);
  try {
    await ipnsValidator(routingKey, bytes);
  } catch (err) {
    if (!/expired/.test(String(err))) problems.push(`#${i} ${e.name} seq ${e.sequence}: ${err.message}`);
  }
  const seq = unmarshalIPNSRecord(bytes).sequence;
  const key = `${e.name}/${seq}`;
  if (seen.has(key) && seen.get(key) !== e.recordBase64) {
    problems.push(`#${i} ${e.name}: two different records with sequence ${seq}`);
  }
  seen.set(key, e.recordBase64);
  if (last.has(e.name) && seq < last.get(e.name)) {
    problems.push(`#${i} ${e.name}: sequence went down from ${last.get(e.name)} to ${seq}`);
  }
  if (e.accepted) last.set(e.name, seq > (last.get(e.name) ?? -1n) ? seq : last.get(e.name));
}
if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log(`history ok ${history.length} records`);
