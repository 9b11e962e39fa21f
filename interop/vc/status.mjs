// Independent checks of lading's W3C Bitstring Status Lists with Digital
// Bazaar's @digitalbazaar/vc-bitstring-status-list, offline: the status list
// credentials come from files (served to the library's document loader by
// their `id`), contexts from the packages, did:key documents from the
// identifier; nothing is fetched.
//
//   node status.mjs check CREDENTIAL.json LIST.json...
//       -> {"verified": bool, "statuses": [{"statusPurpose", "statusListIndex", "status"}], "error"}
//          (checkStatus: verifies each list's eddsa-jcs-2022 proof, the issuers match, the purposes
//          match, then reads the bit)
//   node status.mjs decode LIST.json
//       -> {"length": N, "set": [indexes]}           (decodeList of the credentialSubject)
//   node status.mjs make ID PURPOSE LENGTH SET_INDEXES SECRET_KEY_MULTIBASE PUBLIC_KEY_MULTIBASE
//       -> a status list credential made and signed by Digital Bazaar's libraries
//          (createList, setStatus, createCredential, vc.issue with eddsa-jcs-2022)
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createSignCryptosuite, createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver} from '@digitalbazaar/did-method-key';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import {checkStatus, createCredential, createList, decodeList} from '@digitalbazaar/vc-bitstring-status-list';

const didKey = driver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
const base = securityLoader().build();
const readJson = path => JSON.parse(readFileSync(path, 'utf8'));

function loaderWith(lists) {
  return async url => {
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    }
    if(lists.has(url)) {
      return {contextUrl: null, documentUrl: url, document: lists.get(url)};
    }
    return base(url);
  };
}

const [mode, ...args] = process.argv.slice(2);
try {
  if(mode === 'check') {
    const credential = readJson(args[0]);
    const lists = new Map(args.slice(1).map(p => {
      const list = readJson(p);
      return [list.id, list];
    }));
    const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
    const result = await checkStatus({credential, documentLoader: loaderWith(lists), suite});
    const statuses = (result.results ?? []).map(r => ({
      statusPurpose: r.credentialStatus.statusPurpose,
      statusListIndex: r.credentialStatus.statusListIndex,
      status: r.status,
    }));
    console.log(JSON.stringify({verified: result.verified, statuses, error: result.error?.message}));
  } else if(mode === 'decode') {
    const list = readJson(args[0]);
    const decoded = await decodeList({encodedList: list.credentialSubject.encodedList});
    const set = [];
    for(let i = 0; i < decoded.length; i++) {
      if(decoded.getStatus(i)) {
        set.push(i);
      }
    }
    console.log(JSON.stringify({length: decoded.length, set}));
  } else if(mode === 'make') {
    const [id, statusPurpose, length, setIndexes, secret, pub] = args;
    const list = await createList({length: Number(length)});
    for(const i of setIndexes.split(',').filter(Boolean)) {
      list.setStatus(Number(i), true);
    }
    const credential = await createCredential({id, list, statusPurpose});
    credential.issuer = `did:key:${pub}`;
    credential.validFrom = '2026-11-27T09:00:00Z';
    const keyPair = await Ed25519Multikey.from({
      '@context': 'https://w3id.org/security/multikey/v1',
      type: 'Multikey',
      controller: `did:key:${pub}`,
      id: `did:key:${pub}#${pub}`,
      publicKeyMultibase: pub,
      secretKeyMultibase: secret,
    });
    const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite: createSignCryptosuite()});
    const signed = await vc.issue({credential, suite, documentLoader: loaderWith(new Map())});
    console.log(JSON.stringify(signed));
  } else {
    throw new Error(`unknown mode ${mode}; use check, decode or make`);
  }
} catch(e) {
  console.log(JSON.stringify({verified: false, error: String(e?.message ?? e)}));
  process.exitCode = 2;
}
