//! Encrypted key files (issue 29 item 4) and the one permission check of
//! every key-reading command (issue 27): the passphrase from
//! `--passphrase-file` or `LADING_KEY_PASSPHRASE`, never an argument; a
//! wrong or missing passphrase is a clear error that writes nothing.
//! (Interop with OpenSSL in both directions: interop/test_keys_at_rest.py.)

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

fn lading(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lading"));
    cmd.current_dir(dir).env_remove("LADING_KEY_PASSPHRASE").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run lading");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    (out.status.code().expect("code"), text)
}

/// An Ed25519 key encrypted by OpenSSL (PBKDF2 with its default 2048
/// iterations: fast in a debug build).
fn openssl_encrypted_key(dir: &Path) {
    std::fs::write(dir.join("pass"), "open sesame\n").expect("pass");
    let status = Command::new("openssl")
        .current_dir(dir)
        .args(["genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "file:pass", "-out", "enc.key"])
        .status()
        .expect("openssl missing: apt-get install openssl");
    assert!(status.success());
    std::fs::set_permissions(dir.join("enc.key"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

#[test]
fn an_encrypted_key_signs_with_its_passphrase_from_a_file_or_the_environment_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    openssl_encrypted_key(d);
    let (_, doc) = lading(d, &[], &["new", "maintenance-event"]);
    std::fs::write(d.join("doc.json"), doc).expect("doc");
    let (code, out) =
        lading(d, &[], &["sign", "doc.json", "--key", "enc.key", "--passphrase-file", "pass", "--out", "a.json"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = lading(
        d,
        &[("LADING_KEY_PASSPHRASE", "open sesame")],
        &["sign", "doc.json", "--key", "enc.key", "--out", "b.json"],
    );
    assert_eq!(code, 0, "{out}");
    // No passphrase and no terminal: says how to give one.
    let (code, out) = lading(d, &[], &["sign", "doc.json", "--key", "enc.key", "--out", "never.json"]);
    assert_eq!(code, 1);
    assert!(out.contains("--passphrase-file") && out.contains("LADING_KEY_PASSPHRASE"), "{out}");
    // A wrong passphrase.
    std::fs::write(d.join("wrong"), "close sesame\n").expect("wrong");
    let (code, out) =
        lading(d, &[], &["sign", "doc.json", "--key", "enc.key", "--passphrase-file", "wrong", "--out", "never.json"]);
    assert_eq!(code, 1);
    assert!(out.contains("wrong passphrase") && out.contains("enc.key"), "{out}");
    assert!(!out.contains("close sesame"), "the passphrase leaked: {out}");
    assert!(!d.join("never.json").exists());
    // An encrypted key is still a private key: loose permissions are refused, as for any key file.
    std::fs::set_permissions(d.join("enc.key"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (code, out) =
        lading(d, &[], &["sign", "doc.json", "--key", "enc.key", "--passphrase-file", "pass", "--out", "never.json"]);
    assert_eq!(code, 1);
    assert!(out.contains("--allow-loose-key-permissions"), "{out}");
    let (code, out) = lading(
        d,
        &[],
        &[
            "--allow-loose-key-permissions",
            "sign",
            "doc.json",
            "--key",
            "enc.key",
            "--passphrase-file",
            "pass",
            "--out",
            "c.json",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("WARNING"), "{out}");
    // The passphrase is never an argument: there is no flag that takes it.
    let (code, _) =
        lading(d, &[], &["sign", "doc.json", "--key", "enc.key", "--passphrase", "open sesame", "--out", "never.json"]);
    assert_eq!(code, 2);
}
