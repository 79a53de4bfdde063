// Reads a routing server's /_test/history (every valid PUT, in arrival order) and checks the
// invariants over every record that ever left the operator:
//  - each validates with the `ipns` package (signature; expiry is ignored for old ones);
//  - no two different records share a name and sequence;
//  - sequences per name never go down (no PUT below the highest accepted one);
//  - with OWNER_RECORDS (a file of "NAME BASE64" lines: every record the test's owner signed), the
//    value never changes to anything but an owner-signed newer value: a record that is not the
//    owner's carries the value of the newest accepted record of its name, or the value of an
//    owner record with a higher sequence than that newest one (a spec.ownerRecord not published).
// Prints "history ok N records (M owner)" or the faults, one per line, and exits 1.
// Run from tests/interop (where the npm packages are): node --input-type=module < check-history.mjs
import { readFileSync } from 'node:fs';
import { unmarshalIPNSRecord } from 'ipns';
import { ipnsValidator } from 'ipns/validator';
import { CID } from 'multiformats/cid';
import { base36 } from 'multiformats/bases/base36';

const routing = process.env.ROUTING_URL;
const history = await (await fetch(`${routing}/_test/history`)).json();

// name -> Map(base64 -> {sequence, value})
const owner = new Map();
if (process.env.OWNER_RECORDS) {
  for (const line of readFileSync(process.env.OWNER_RECORDS, 'utf8').split('\n')) {
    const [name, recordBase64] = line.trim().split(/\s+/);
    if (!name || !recordBase64) continue;
    const r = unmarshalIPNSRecord(Buffer.from(recordBase64, 'base64'));
    if (!owner.has(name)) owner.set(name, new Map());
    owner.get(name).set(recordBase64, { sequence: r.sequence, value: r.value });
  }
}
const checkValues = owner.size > 0;

function ownerSignedNewer(name, value, aboveSequence) {
  for (const o of owner.get(name)?.values() ?? []) {
    if (o.value === value && o.sequence > aboveSequence) return true;
  }
  return false;
}

const problems = [];
const newest = new Map(); // name -> {sequence, value} of the highest accepted record
const seen = new Map();
let ownerPuts = 0;
for (const [i, e] of history.entries()) {
  const bytes = Buffer.from(e.recordBase64, 'base64');
  const cid = CID.parse(e.name, e.name.startsWith('k') ? base36 : undefined);
  const routingKey = new Uint8Array([...Buffer.from('/ipns/'), ...cid.multihash.bytes]);
  try {
    await ipnsValidator(routingKey, bytes);
  } catch (err) {
    if (!/expired/.test(String(err))) problems.push(`#${i} ${e.name} seq ${e.sequence}: ${err.message}`);
  }
  const record = unmarshalIPNSRecord(bytes);
  const seq = record.sequence;
  const key = `${e.name}/${seq}`;
  if (seen.has(key) && seen.get(key) !== e.recordBase64) {
    problems.push(`#${i} ${e.name}: two different records with sequence ${seq}`);
  }
  seen.set(key, e.recordBase64);
  const before = newest.get(e.name);
  if (before && seq < before.sequence) {
    problems.push(`#${i} ${e.name}: sequence went down from ${before.sequence} to ${seq}`);
  }
  const byOwner = owner.get(e.name)?.has(e.recordBase64) ?? false;
  if (byOwner) ownerPuts++;
  if (checkValues && !byOwner) {
    const base = before ? before.sequence : -1n;
    if ((!before || record.value !== before.value) && !ownerSignedNewer(e.name, record.value, base)) {
      problems.push(`#${i} ${e.name} seq ${seq}: value changed from ${before?.value} to ${record.value}` +
        ` without an owner record above sequence ${base} carrying it`);
    }
  }
  if (e.accepted && (!before || seq >= before.sequence)) newest.set(e.name, { sequence: seq, value: record.value });
}
if (problems.length) {
  console.log(problems.join('\n'));
  process.exit(1);
}
console.log(`history ok ${history.length} records (${ownerPuts} by the owner${checkValues ? '' : ', values not checked'})`);
