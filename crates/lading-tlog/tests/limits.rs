//! Every size limit of the log-format parsers refuses the input one past it,
//! saying which limit, before holding more than the limit.

use base64::Engine as _;
use lading_tlog::note::{MAX_NOTE_BYTES, MAX_SIGNATURES, Note};
use lading_tlog::witness::{AddCheckpoint, MAX_PROOF_LINES};
use lading_tlog::{Hash, Receipt};

fn signature_line(i: usize) -> String {
    let mut sig = vec![0u8; 68];
    sig[..8].copy_from_slice(&(i as u64).to_be_bytes());
    format!("\u{2014} name{i} {}\n", base64::engine::general_purpose::STANDARD.encode(sig))
}

#[test]
fn a_note_at_the_signature_limit_parses_and_one_more_is_refused() {
    let text = |n: usize| format!("body\n\n{}", (0..n).map(signature_line).collect::<String>());
    assert_eq!(Note::parse(text(MAX_SIGNATURES).as_bytes()).expect("at the limit").signatures.len(), MAX_SIGNATURES);
    let err = Note::parse(text(MAX_SIGNATURES + 1).as_bytes()).expect_err("over").to_string();
    assert!(err.contains(&format!("more than {MAX_SIGNATURES} signatures")), "{err}");
}

#[test]
fn a_note_over_the_byte_limit_is_refused_before_parsing() {
    let big = format!("{}\n\n{}", "a".repeat(MAX_NOTE_BYTES), signature_line(0));
    let err = Note::parse(big.as_bytes()).expect_err("too big").to_string();
    assert!(err.contains(&format!("limit {MAX_NOTE_BYTES}")), "{err}");
}

#[test]
fn a_receipt_with_more_proof_hashes_than_a_tree_can_need_is_refused() {
    let receipt = |n: usize| Receipt { extra: None, index: 0, proof: vec![Hash([7; 32]); n], checkpoint: "x\n".into() };
    assert!(Receipt::parse(&receipt(64).to_text()).is_ok());
    let err = Receipt::parse(&receipt(65).to_text()).expect_err("65 hashes").to_string();
    assert!(err.contains("more than 64 proof hashes"), "{err}");
}

#[test]
fn a_witness_request_with_too_many_proof_lines_is_refused() {
    let request = |n: usize| {
        let lines: String = (0..n).map(|_| format!("{}\n", Hash([1; 32]).to_base64())).collect();
        format!("old 1\n{lines}\nexample.com/log\n2\nAAAA\n")
    };
    assert!(AddCheckpoint::parse(&request(MAX_PROOF_LINES)).is_ok());
    let err = AddCheckpoint::parse(&request(MAX_PROOF_LINES + 1)).expect_err("over").to_string();
    assert!(err.contains(&format!("more than {MAX_PROOF_LINES} proof lines")), "{err}");
}
