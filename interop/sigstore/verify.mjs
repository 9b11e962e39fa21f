// Offline verification of a Sigstore bundle (v0.3, DSSE content, public-key
// verification material) with Sigstore's own JavaScript verifier, against a
// public key the caller supplies as trust material.
//
// Usage: node verify.mjs BUNDLE.json PUBKEY.pem [--hint HINT] [--artifact FILE]
//
// A bundle with a messageSignature (`lading sign-blob`) is verified against
// the bytes of FILE (--artifact), as `cosign verify-blob` does.
//
// The public key (SPKI PEM) is registered in the trust material under HINT.
// Without --hint, HINT is lading's key id: the lowercase hex SHA-256 of the
// key's SPKI DER encoding. The bundle's verificationMaterial.publicKey.hint is
// looked up there, so a bundle that names another key fails with
// "key not found"; --hint lets a test register a key under any name, e.g. the
// bundle's own hint, to reach the signature check with the wrong key.
//
// No transparency log, CT log or timestamp is required (all thresholds 0):
// lading's bundles carry none, and the trusted root holds no authorities.
//
// Exit 0 and print "OK ..." when the Verifier accepts the bundle; otherwise
// print the reason on stderr and exit 1 (2 for bad usage).

import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { BUNDLE_V03_MEDIA_TYPE, bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

function usage(msg) {
  if (msg) process.stderr.write(`verify.mjs: ${msg}\n`);
  process.stderr.write('usage: node verify.mjs BUNDLE.json PUBKEY.pem [--hint HINT] [--artifact FILE]\n');
  process.exit(2);
}

function fail(stage, err) {
  const code = err && err.code ? ` [${err.code}]` : '';
  const fields = err && Array.isArray(err.fields) ? ` fields=${JSON.stringify(err.fields)}` : '';
  const message = err && err.message ? err.message : String(err);
  process.stderr.write(`FAIL ${stage}${code}: ${message}${fields}\n`);
  process.exit(1);
}

// protobuf-specs decodes bytes with Buffer.from(s, 'base64'), which silently
// skips characters that are not base64. Insist on canonical standard base64
// (padded, as the protobuf JSON mapping emits) so a malformed bundle is
// reported instead of being decoded to something else.
function assertCanonicalBase64(value, where) {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${where} must be a non-empty base64 string`);
  }
  if (Buffer.from(value, 'base64').toString('base64') !== value) {
    throw new Error(`${where} is not canonical standard base64`);
  }
}

const args = process.argv.slice(2);
let hint;
let artifactPath;
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--hint') {
    if (i + 1 >= args.length) usage('--hint needs a value');
    hint = args[++i];
  } else if (args[i] === '--artifact') {
    if (i + 1 >= args.length) usage('--artifact needs a value');
    artifactPath = args[++i];
  } else if (args[i].startsWith('--')) {
    usage(`unknown option ${args[i]}`);
  } else {
    positional.push(args[i]);
  }
}
if (positional.length !== 2) usage('expected BUNDLE.json and PUBKEY.pem');
const [bundlePath, keyPath] = positional;

let json;
try {
  json = JSON.parse(readFileSync(bundlePath, 'utf8'));
} catch (err) {
  fail('reading bundle', err);
}

let spkiDer;
try {
  spkiDer = createPublicKey(readFileSync(keyPath, 'utf8')).export({ type: 'spki', format: 'der' });
} catch (err) {
  fail('reading public key', err);
}
if (hint === undefined) {
  hint = createHash('sha256').update(spkiDer).digest('hex');
}

let bundle;
try {
  if (json.mediaType !== BUNDLE_V03_MEDIA_TYPE) {
    throw new Error(`mediaType is ${JSON.stringify(json.mediaType)}, expected ${BUNDLE_V03_MEDIA_TYPE}`);
  }
  const env = json.dsseEnvelope;
  const msg = json.messageSignature;
  if (msg && typeof msg === 'object') {
    if (artifactPath === undefined) throw new Error('a messageSignature bundle needs --artifact FILE');
    assertCanonicalBase64(msg.signature, 'messageSignature.signature');
    assertCanonicalBase64(msg.messageDigest && msg.messageDigest.digest, 'messageSignature.messageDigest.digest');
  } else {
    if (!env || typeof env !== 'object') throw new Error('bundle has no dsseEnvelope');
    assertCanonicalBase64(env.payload, 'dsseEnvelope.payload');
    (env.signatures || []).forEach((s, i) => assertCanonicalBase64(s && s.sig, `dsseEnvelope.signatures[${i}].sig`));
  }
  // Parses with the protobuf JSON mapping and runs the bundle checks for the
  // latest (v0.3) format: one DSSE signature, tlogEntries present, ...
  bundle = bundleFromJSON(json);
} catch (err) {
  fail('parsing bundle', err);
}

let entity;
try {
  entity = artifactPath === undefined ? toSignedEntity(bundle) : toSignedEntity(bundle, readFileSync(artifactPath));
} catch (err) {
  fail('reading bundle content', err);
}

const trustedRoot = TrustedRoot.fromJSON({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
});
// PublicKey message: rawBytes is the SPKI DER; keyDetails is not consulted by
// the key finder (Node infers the algorithm from the key).
const trustMaterial = toTrustMaterial(trustedRoot, { [hint]: { rawBytes: spkiDer } });
const verifier = new Verifier(trustMaterial, {
  tlogThreshold: 0,
  ctlogThreshold: 0,
  timestampThreshold: 0,
});

try {
  verifier.verify(entity);
} catch (err) {
  fail('verification', err);
}

const keyType = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).asymmetricKeyType;
const content = bundle.content.$case === 'messageSignature'
  ? 'messageSignature'
  : `payloadType=${bundle.content.dsseEnvelope.payloadType}`;
process.stdout.write(`OK ${keyType} hint=${entity.key.hint} ${content}\n`);
