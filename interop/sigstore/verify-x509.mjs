// Offline verification of a certificate-bound Sigstore bundle (v0.3, DSSE content,
// verificationMaterial.x509CertificateChain or .certificate, RFC 3161 timestamps) with
// Sigstore's own JavaScript verifier, against a trusted root naming one certificate
// authority and one timestamp authority.
//
// Usage: node verify-x509.mjs BUNDLE.json CA_CHAIN.pem TSA_CHAIN.pem [ARTIFACT]
//
// ARTIFACT: for a message-signature bundle (`lading sign-blob`), the signed file.
//
// CA_CHAIN.pem: the CA's certificates, intermediates first, root last (the bundle's own
// intermediates are not used by @sigstore/verify: the trusted root must hold the path).
// TSA_CHAIN.pem: the TSA's signing certificate first, then its issuers up to the root.
//
// Thresholds: timestamps 1 (an RFC 3161 token is required), transparency log 0, CT log 0.
// Exit 0 and print "OK ..." when the Verifier accepts the bundle; otherwise print the
// reason on stderr and exit 1 (2 for bad usage).

import { readFileSync } from 'node:fs';

import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

function fail(stage, err) {
  const code = err && err.code ? ` [${err.code}]` : '';
  const message = err && err.message ? err.message : String(err);
  process.stderr.write(`FAIL ${stage}${code}: ${message}\n`);
  process.exit(1);
}

function pemCertificates(path) {
  const text = readFileSync(path, 'utf8');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new Error(`${path}: no PEM certificate`);
  return blocks.map((m) => ({ rawBytes: m[1].replace(/\s+/g, '') }));
}

const args = process.argv.slice(2);
if (args.length !== 3 && args.length !== 4) {
  process.stderr.write('usage: node verify-x509.mjs BUNDLE.json CA_CHAIN.pem TSA_CHAIN.pem [ARTIFACT]\n');
  process.exit(2);
}
const [bundlePath, caPath, tsaPath, artifactPath] = args;

let bundle;
let entity;
let trustMaterial;
try {
  bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
  entity = artifactPath === undefined ? toSignedEntity(bundle) : toSignedEntity(bundle, readFileSync(artifactPath));
} catch (err) {
  fail('parsing bundle', err);
}
try {
  const validFor = { start: '2000-01-01T00:00:00Z' };
  const trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: [],
    certificateAuthorities: [
      { subject: { organization: 'Lading Test', commonName: 'CA' }, uri: 'https://ca.example',
        certChain: { certificates: pemCertificates(caPath) }, validFor },
    ],
    timestampAuthorities: [
      { subject: { organization: 'Lading Test', commonName: 'TSA' }, uri: 'https://tsa.example',
        certChain: { certificates: pemCertificates(tsaPath) }, validFor },
    ],
  });
  trustMaterial = toTrustMaterial(trustedRoot);
} catch (err) {
  fail('reading trust material', err);
}

const verifier = new Verifier(trustMaterial, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 });
let signer;
try {
  signer = verifier.verify(entity);
} catch (err) {
  fail('verification', err);
}
const times = entity.timestamps.map((t) => t.timestamp.signingTime.toISOString());
const content = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope.payloadType : 'messageSignature';
process.stdout.write(`OK ${content} timestamps=${times.join(',')} key=${signer.key.asymmetricKeyType}\n`);
