//! Issue 23: private key files as OpenSSL writes them, and as people build
//! them by hand, are read; the ones Lading writes are PKCS#8 v1, which
//! OpenSSL and Python `cryptography` read (`interop/test_key_files.py`).
//! Data and how it was made: `tests/data/keys/README.md`.

use lading_crypto::{Algorithm, SigningKey, VerifyingKey};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/keys")
}

#[test]
fn every_tool_written_key_file_is_read_with_openssls_key_id() {
    let expected = std::fs::read_to_string(dir().join("expected-key-ids.txt")).expect("expected ids");
    let mut seen = 0;
    for line in expected.lines() {
        let (file, id) = line.split_once(' ').expect("file id");
        let text = std::fs::read_to_string(dir().join(file)).expect("key file");
        let key = SigningKey::from_pkcs8_pem(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(key.verifying_key().key_id().as_str(), id, "{file}");
        let signature = key.sign(b"fidelity");
        key.verifying_key().verify(b"fidelity", &signature).expect("signs");
        seen += 1;
    }
    assert_eq!(seen, 9);
}

#[test]
fn an_encrypted_key_is_refused_with_what_to_do() {
    let text = std::fs::read_to_string(dir().join("openssl-encrypted-ed25519.pem")).expect("key file");
    let e = SigningKey::from_pkcs8_pem(&text).expect_err("encrypted").to_string();
    assert!(e.contains("encrypted") && e.contains("openssl pkey"), "{e}");
}

/// A SEC1 file whose public key is another key's is refused, not read as
/// the private key alone.
#[test]
fn a_sec1_file_with_someone_elses_public_key_is_refused() {
    let text = std::fs::read_to_string(dir().join("openssl-ecparam-p256.pem")).expect("key file");
    let body: String = text
        .lines()
        .skip_while(|l| !l.contains("BEGIN EC PRIVATE KEY"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----"))
        .collect();
    let mut der = base64_decode(&body);
    let last = der.len() - 1;
    der[last] ^= 1;
    use base64::Engine as _;
    let pem = format!(
        "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(&der)
    );
    let e = SigningKey::from_pkcs8_pem(&pem).expect_err("mismatch").to_string();
    assert!(e.contains("public key is not the private key's"), "{e}");
}

/// Ed25519 keys were written as PKCS#8 v2 (with the public key), which
/// OpenSSL 3.0 and `cryptography` refuse; now v1, the RFC 8410 §10.3 form.
#[test]
fn written_keys_are_pkcs8_v1_and_read_back() {
    for algorithm in Algorithm::ALL {
        let key = SigningKey::generate(algorithm).expect("key");
        let pem = key.to_pkcs8_pem().expect("pem");
        let again = SigningKey::from_pkcs8_pem(&pem).expect("read back");
        assert_eq!(again.verifying_key().key_id(), key.verifying_key().key_id());
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64_decode(&body);
        let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_slice()).expect("PKCS#8");
        assert_eq!(info.version(), pkcs8::Version::V1, "{algorithm}");
        assert!(info.public_key.is_none(), "{algorithm}");
        if algorithm == Algorithm::Ed25519 {
            assert_eq!(der.len(), 48, "RFC 8410 §10.3: no public key, no attributes");
            assert_eq!(&der[..16], &hex("302e020100300506032b657004220420")[..]);
        }
    }
}

#[test]
fn public_keys_with_other_line_lengths_are_read() {
    let pub_pem = std::fs::read_to_string(dir().join("lading-0.1-pkcs8-v2-ed25519.pub")).expect("pub");
    let body: String = pub_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let one_line = format!("-----BEGIN PUBLIC KEY-----\r\n{body}\r\n-----END PUBLIC KEY-----");
    let a = VerifyingKey::from_spki_pem(&pub_pem).expect("as written");
    let b = VerifyingKey::from_spki_pem(&one_line).expect("one line, CRLF, no final newline");
    assert_eq!(a.key_id(), b.key_id());
    let e =
        VerifyingKey::from_spki_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----").expect_err("label");
    assert!(e.to_string().contains("PUBLIC KEY"), "{e}");
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).expect("base64")
}

#[test]
fn encrypted_keys_round_trip_and_a_wrong_passphrase_is_named() {
    use lading_crypto::{Algorithm, KeyError, SigningKey};
    for alg in Algorithm::ALL {
        let key = SigningKey::generate(alg).expect("key");
        let pem = key.to_encrypted_pkcs8_pem_with_iterations(b"secret words", 2048).expect("encrypt");
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "{pem}");
        assert!(SigningKey::is_encrypted_pem(&pem));
        let back = SigningKey::from_encrypted_pkcs8_pem(&pem, b"secret words").expect("decrypt");
        assert_eq!(back.verifying_key(), key.verifying_key(), "{alg}");
        assert_eq!(
            SigningKey::from_encrypted_pkcs8_pem(&pem, b"other words").expect_err("wrong"),
            KeyError::WrongPassphrase
        );
        // The plain reader still refuses it with what to do.
        assert!(SigningKey::from_pkcs8_pem(&pem).is_err());
    }
}

/// The key derivation's cost comes from the file: `openssl pkcs8 -topk8`
/// keys whose PBKDF2 iteration count (2^31 − 1) or scrypt parallelisation
/// (p = 127, 2 GiB) was raised in the DER are refused before any work,
/// naming the parameter (the files were made by OpenSSL 3.0 with
/// `-iter 8388608` and `-scrypt_N 16384 -scrypt_r 8 -scrypt_p 1`, then the
/// one INTEGER was edited in place).
#[test]
fn encrypted_keys_asking_for_unbounded_work_are_refused_before_any() {
    for (file, want) in [
        ("openssl-encrypted-pbkdf2-2147483647-iterations.pem", "2147483647 PBKDF2 iterations"),
        ("openssl-encrypted-scrypt-p127.pem", "scrypt parameters (N=16384, r=8, p=127)"),
    ] {
        let text = std::fs::read_to_string(dir().join(file)).expect("key file");
        let e = SigningKey::from_encrypted_pkcs8_pem(&text, b"fuzz").expect_err("refused").to_string();
        assert!(e.contains(want), "{file}: {e}");
    }
}
