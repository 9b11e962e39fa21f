//! C2SP signed notes and checkpoints, verified with a log key and a witness.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(note) = lading_tlog::Note::parse(data) {
        let _ = note.to_text();
        let _ = lading_tlog::Checkpoint::parse_text(&note.text);
    }
    let _ =
        lading_tlog::SignedCheckpoint::verify(data, &lading_fuzz::log_verifier(), &[lading_fuzz::witness_verifier()]);
});
