// Independent checks of lading's Verifiable Credentials with Digital Bazaar's
// libraries, offline: contexts come from the packages, did:key documents are
// derived from the identifier, nothing is fetched.
//
//   node verify.mjs verify CREDENTIAL.json   -> {"verified": true|false, "error": "..."}
//   node verify.mjs sign UNSIGNED.json SECRET_KEY_MULTIBASE PUBLIC_KEY_MULTIBASE
//                                            -> the credential signed with eddsa-jcs-2022
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createSignCryptosuite, createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver} from '@digitalbazaar/did-method-key';
import {securityLoader} from '@digitalbazaar/security-document-loader';

const didKey = driver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

const loader = securityLoader();
const base = loader.build();
async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  return base(url);
}

const [mode, ...args] = process.argv.slice(2);
try {
  if(mode === 'verify') {
    const credential = JSON.parse(readFileSync(args[0], 'utf8'));
    const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
    const result = await vc.verifyCredential({credential, suite, documentLoader});
    const error = result.verified ? undefined :
      String(result.error?.errors?.[0]?.message ?? result.error?.message ?? JSON.stringify(result.results));
    console.log(JSON.stringify({verified: result.verified, error}));
  } else if(mode === 'sign') {
    const credential = JSON.parse(readFileSync(args[0], 'utf8'));
    const keyPair = await Ed25519Multikey.from({
      '@context': 'https://w3id.org/security/multikey/v1',
      type: 'Multikey',
      controller: `did:key:${args[2]}`,
      id: `did:key:${args[2]}#${args[2]}`,
      publicKeyMultibase: args[2],
      secretKeyMultibase: args[1],
    });
    const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: createSignCryptosuite()});
    const signed = await vc.issue({credential, suite, documentLoader});
    console.log(JSON.stringify(signed));
  } else {
    throw new Error(`unknown mode ${mode}; use verify or sign`);
  }
} catch(e) {
  console.log(JSON.stringify({verified: false, error: String(e?.message ?? e)}));
  process.exitCode = 2;
}
