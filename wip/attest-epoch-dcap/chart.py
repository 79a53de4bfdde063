import json, re
root='/work/wt/attest-epoch/'
p=root+'charts/cipherbox-republish/values.yaml'
s=open(p).read()
old='''# URL of a TDX quote verifier (operator flag --attestation-verifier; POST {quote: hex} ->
# {verified}). Empty: no flag, and TeeEpoch condition Attested says NoVerifierConfigured.
attestationVerifier: ""
'''
new='''# TDX quote verification happens in the operator (DCAP, pinned Intel root); the collateral (TCB
# info, QE identity, CRLs) comes from this PCCS (operator flag --pccs-url) and is fetched again
# after collateralMaxAge (or its next-update time, whichever is first) so a TCB recovery is seen.
attestation:
  pccsUrl: https://pccs.phala.network
  collateralMaxAge: 1h
# Optional second opinion: URL of an external TDX quote verifier (flag --attestation-verifier;
# POST {quote: hex} -> {verified}); it can only veto. Empty: none.
attestationVerifier: ""
'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
p=root+'charts/cipherbox-republish/templates/deployment.yaml'
s=open(p).read()
old='''            {{- with .Values.attestationVerifier }}'''
new='''            - --pccs-url={{ .Values.attestation.pccsUrl }}
            - --collateral-max-age={{ .Values.attestation.collateralMaxAge }}
            {{- with .Values.attestationVerifier }}'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
p=root+'charts/cipherbox-republish/values.schema.json'
d=json.load(open(p))
props=d['properties']
new_props={}
for k,v in props.items():
    if k=='attestationVerifier':
        new_props['attestation']={
          "type":"object","additionalProperties":False,"required":["pccsUrl","collateralMaxAge"],
          "description":"In-process quote verification: where collateral comes from",
          "properties":{
            "pccsUrl":{"type":"string","pattern":"^https?://[^\\s/]+(/.*)?$","description":"PCCS base URL (operator flag --pccs-url)"},
            "collateralMaxAge":{"type":"string","pattern":"^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$","description":"refetch collateral at least this often (flag --collateral-max-age)"}}}
        v=dict(v); v['description']="optional second-opinion TDX quote verifier URL; empty: none"
    new_props[k]=v
d['properties']=new_props
open(p,'w').write(json.dumps(d,indent=2,ensure_ascii=False)+'\n')
p=root+'tests/chart/render_test.sh'
s=open(p).read()
old='''check "defaults: no --attestation-verifier" bash -c "! grep -q -- --attestation-verifier '$WORK/defaults.yaml'"'''
new=old+'''
check "defaults: --pccs-url is Phala's PCCS" grep -q -- '- --pccs-url=https://pccs.phala.network' "$WORK/defaults.yaml"
check "defaults: --collateral-max-age=1h" grep -q -- '- --collateral-max-age=1h' "$WORK/defaults.yaml"
check "render pccs" render pccs --set attestation.pccsUrl=https://pccs.example:8081
check "attestation.pccsUrl becomes --pccs-url" grep -q -- '- --pccs-url=https://pccs.example:8081' "$WORK/pccs.yaml"'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
s=open(p).read()
old='''refused "schema: bad duration refused" "backoff.base" --set backoff.base=soon'''
new=old+'''
refused "schema: non-HTTP PCCS URL refused" "attestation.pccsUrl" --set attestation.pccsUrl=ftp://pccs.example'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
