root='/work/wt/attest-epoch/'
p=root+'README.md'
s=open(p).read()
old='''`keyRecheck`, `metrics.serviceMonitor.enabled`'''
new='''`keyRecheck`, `attestation.pccsUrl` (collateral for the in-process quote verification; default
Phala's PCCS, as the reference verifier), `attestation.collateralMaxAge` (refetch at least this
often, default 1h), `attestationVerifier` (optional second opinion), `metrics.serviceMonitor.enabled`'''
if old in s:
    s=s.replace(old,new)
open(p,'w').write(s)
