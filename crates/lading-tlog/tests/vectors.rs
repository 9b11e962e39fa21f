//! Conformance vectors (see the shared vectors' README for provenance):
//! transparency-dev/merkle inclusion and consistency cases, the reference
//! roots, a real Certificate Transparency log's proofs, and the C2SP specs'
//! examples.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lading_testkit::{read_json, vectors_dir};
use lading_tlog::{
    Checkpoint, Hash, HashReader, MemoryTree, Note, NoteVerifier, Receipt, leaf_hash, tree_hash, verify_consistency,
    verify_inclusion,
};
use serde_json::Value;

fn json_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("vector directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(json_files(&path));
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn hash(v: &Value) -> Option<Hash> {
    let bytes = STANDARD.decode(v.as_str()?).ok()?;
    Hash::from_slice(&bytes).ok()
}

/// A proof whose every element decodes to 32 bytes, or `None` (an error case).
fn proof(v: &Value) -> Option<Vec<Hash>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(hash).collect(),
        _ => None,
    }
}

#[test]
fn transparency_dev_inclusion_cases() {
    let Some(dir) = vectors_dir() else { return };
    let files = json_files(&dir.join("merkle/inclusion"));
    assert_eq!(files.len(), 98, "the README lists 98 inclusion cases");
    for path in files {
        let v: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let outcome = (|| {
            let (root, leaf, proof) = (hash(&v["root"])?, hash(&v["leafHash"])?, proof(&v["proof"])?);
            let index = v["leafIdx"].as_u64()?;
            let size = v["treeSize"].as_u64()?;
            verify_inclusion(&leaf, index, size, &proof, &root).ok()
        })();
        let want_err = v["wantErr"].as_bool().expect("wantErr");
        assert_eq!(outcome.is_none(), want_err, "{}: {}", path.display(), v["desc"]);
    }
}

#[test]
fn transparency_dev_consistency_cases() {
    let Some(dir) = vectors_dir() else { return };
    let files = json_files(&dir.join("merkle/consistency"));
    assert_eq!(files.len(), 98, "the README lists 98 consistency cases");
    for path in files {
        let v: Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let (size1, size2) = (v["size1"].as_u64().expect("size1"), v["size2"].as_u64().expect("size2"));
        let outcome = match (hash(&v["root1"]), hash(&v["root2"])) {
            (Some(root1), Some(root2)) => {
                proof(&v["proof"]).and_then(|p| verify_consistency(size1, size2, &p, &root1, &root2).ok())
            }
            // Placeholder roots ("don't care") are not 32 bytes, so they cannot
            // be `Hash`es; the Go library then compares them as bytes, which
            // only matters for equal sizes. Apply the same rule we implement
            // for equal sizes (non-zero, empty proof, equal roots) to the bytes.
            _ => {
                let empty = v["proof"].is_null() || v["proof"].as_array().is_some_and(Vec::is_empty);
                (size1 == size2 && size1 != 0 && empty && v["root1"] == v["root2"]).then_some(())
            }
        };
        let want_err = v["wantErr"].as_bool().expect("wantErr");
        assert_eq!(outcome.is_none(), want_err, "{}: {}", path.display(), v["desc"]);
    }
}

#[test]
fn reference_roots_for_sizes_0_to_8() {
    let Some(dir) = vectors_dir() else { return };
    let v = read_json(&dir, "merkle/reference-roots.json");
    let inputs: Vec<Vec<u8>> = v["leaf_inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|s| hex::decode(s.as_str().expect("hex")).expect("hex"))
        .collect();
    let mut tree = MemoryTree::new();
    let roots = v["roots_by_tree_size"].as_array().expect("roots");
    assert_eq!(roots[0]["root"], Hash::empty().to_hex());
    for (i, input) in inputs.iter().enumerate() {
        assert_eq!(leaf_hash(input).to_hex(), v["leaf_hashes"][i], "leaf {i}");
        tree.push(input);
        let want = roots.iter().find(|r| r["tree_size"] == (i + 1) as u64).expect("root for size");
        assert_eq!(tree.root().to_hex(), want["root"], "size {}", i + 1);
        assert_eq!(tree_hash(&tree, (i + 1) as u64).expect("tree hash").to_hex(), want["root"]);
    }
    assert!(tree.node_hash(3, 0).is_ok());
}

#[test]
fn real_certificate_transparency_log_proofs_verify() {
    let Some(dir) = vectors_dir() else { return };
    let facts = read_json(&dir, "ct-real/facts.json");
    let sth = read_json(&dir, "ct-real/get-sth");
    let root = hash(&sth["sha256_root_hash"]).expect("root");
    let size = sth["tree_size"].as_u64().expect("size");
    let entries = read_json(&dir, "ct-real/get-entries-start-10000-end-10000");
    let leaf_input = STANDARD.decode(entries["entries"][0]["leaf_input"].as_str().expect("leaf")).expect("b64");
    let leaf = leaf_hash(&leaf_input);
    assert_eq!(leaf.to_base64(), facts["derived"]["leaf_hash_b64"]);
    let name = "ct-real/get-proof-by-hash-tree-size-961984011-hash-nCs3mfIydh9x4CKyQ-2Bu2xtmpxmFggA5MLymHwNQSlLg-3D";
    let by_hash = read_json(&dir, name);
    let path = proof(&by_hash["audit_path"]).expect("path");
    let index = by_hash["leaf_index"].as_u64().expect("index");
    verify_inclusion(&leaf, index, size, &path, &root).expect("CT inclusion proof verifies");
    assert!(verify_inclusion(&leaf, index + 1, size, &path, &root).is_err());

    let consistency = read_json(&dir, "ct-real/get-sth-consistency-first-3654490-second-961984011");
    let cproof = proof(&consistency["consistency"]).expect("proof");
    let old_size = facts["facts_from_source"]["old_tree_size"].as_u64().expect("old size");
    let old_root = hash(&facts["facts_from_source"]["old_root_b64"]).expect("old root");
    verify_consistency(old_size, size, &cproof, &old_root, &root).expect("CT consistency proof verifies");
    let mut broken = cproof.clone();
    broken[7].0[0] ^= 1;
    assert!(verify_consistency(old_size, size, &broken, &old_root, &root).is_err());
}

fn example<'a>(examples: &'a Value, id: &str) -> &'a Value {
    examples["examples"].as_array().expect("examples").iter().find(|e| e["id"] == id).expect(id)
}

#[test]
fn c2sp_signed_note_vkey_example_verifies() {
    let Some(dir) = vectors_dir() else { return };
    let ex = read_json(&dir, "c2sp/examples.json");
    let e = example(&ex, "signed-note-vkey");
    let verifier = NoteVerifier::from_vkey(e["vkey"].as_str().expect("vkey")).expect("vkey parses");
    assert_eq!(format!("{:08x}", verifier.key_id()), e["decoded"]["key_id_hex"]);
    assert_eq!(verifier.to_vkey(), e["vkey"]);
    let note = Note::parse(e["signed_note"].as_str().expect("note").as_bytes()).expect("note parses");
    assert_eq!(note.text, e["text"]);
    assert_eq!(note.verify(std::slice::from_ref(&verifier)).expect("verifies").len(), 1);
    // One changed character of the text breaks it.
    let tampered = e["signed_note"].as_str().expect("note").replace("example message", "example massage");
    assert!(Note::parse(tampered.as_bytes()).expect("parses").verify(&[verifier]).is_err());
}

#[test]
fn c2sp_examples_parse() {
    let Some(dir) = vectors_dir() else { return };
    let ex = read_json(&dir, "c2sp/examples.json");
    for id in ["signed-note-intro", "tlog-checkpoint", "tlog-cosignature"] {
        let e = example(&ex, id);
        let note = Note::parse(e["signed_note"].as_str().expect("note").as_bytes())
            .unwrap_or_else(|err| panic!("{id}: {err}"));
        assert_eq!(note.text, e["text"], "{id}");
        assert_eq!(note.to_text(), e["signed_note"], "{id}: re-serialises byte for byte");
        assert_eq!(note.signatures.len(), e["signature_lines"].as_array().expect("lines").len());
    }
    let cp_ex = example(&ex, "tlog-checkpoint");
    let note = Note::parse(cp_ex["signed_note"].as_str().expect("note").as_bytes()).expect("note");
    let cp = Checkpoint::parse_text(&note.text).expect("checkpoint");
    assert_eq!(cp.origin, cp_ex["decoded"]["origin"]);
    assert_eq!(cp.size, cp_ex["decoded"]["tree_size"].as_u64().expect("size"));
    assert_eq!(cp.root.to_hex(), cp_ex["decoded"]["root_hash_hex"]);
    assert_eq!(format!("{:08x}", note.signatures[0].key_id), cp_ex["decoded"]["key_id_hex"]);

    let cosig = example(&ex, "tlog-cosignature");
    let note = Note::parse(cosig["signed_note"].as_str().expect("note").as_bytes()).expect("note");
    let w = &note.signatures[1];
    assert_eq!(w.signature.len(), 72);
    let ts = u64::from_be_bytes(w.signature[..8].try_into().expect("8 bytes"));
    assert_eq!(ts, cosig["decoded"][1]["cosignature_v1_timestamp"].as_u64().expect("timestamp"));

    let proof_ex = example(&ex, "tlog-proof");
    let text = proof_ex["proof"].as_str().expect("proof");
    let receipt = Receipt::parse(text).expect("tlog-proof parses");
    assert_eq!(receipt.index, 73894);
    assert_eq!(receipt.proof.len(), 5);
    assert!(receipt.extra.is_some());
    assert!(receipt.checkpoint.starts_with("example.com/fancylog\n109482\n"));
    assert_eq!(receipt.to_text(), text, "re-serialises byte for byte");
}
