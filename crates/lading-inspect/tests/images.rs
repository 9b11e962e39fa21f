//! Images fed to inference are outside input: arbitrary bytes never panic
//! the decoder, and an image larger than the limits is refused from its
//! header, before its pixels are allocated.

use lading_inspect::preprocess::{self, MAX_SIDE};

/// A PNG whose header claims `w` × `h` 8-bit grayscale pixels, with no real data.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], ihdr.as_slice()),
        (b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..]),
        (b"IEND", &[][..]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        out.extend_from_slice(&crc_input);
        out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    }
    out
}

/// CRC-32 (ISO 3309), as PNG chunks use.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn an_image_beyond_the_size_limits_is_refused_from_its_header() {
    let err = preprocess::decode(&png_header(MAX_SIDE + 1, 8)).expect_err("too wide").to_string();
    assert!(err.contains("limit") || err.contains("Limit"), "{err}");
    // Either side over the limit is enough.
    let err = preprocess::decode(&png_header(MAX_SIDE, MAX_SIDE + 1)).expect_err("too tall").to_string();
    assert!(err.contains("limit") || err.contains("Limit"), "{err}");
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
        let _ = preprocess::decode(&bytes);
        let mut png = png_header(4, 4);
        let at = bytes.first().map_or(0, |b| usize::from(*b) % png.len());
        png[at] ^= bytes.get(1).copied().unwrap_or(1);
        let _ = preprocess::decode(&png);
    }
}

#[test]
fn a_lot_folder_beyond_its_image_limit_is_refused_naming_the_limit() {
    let d = tempfile::tempdir().expect("tempdir");
    for i in 0..4 {
        std::fs::write(d.path().join(format!("{i}.png")), [i]).expect("write");
    }
    assert_eq!(lading_inspect::lot::list_at_most(d.path(), 4).expect("at the limit").len(), 4);
    let err = lading_inspect::lot::list_at_most(d.path(), 3).expect_err("beyond the limit");
    assert!(err.to_string().contains("more than 3 images"), "{err}");
    // Names sha256sum would escape, and sub-folders, are refused by name.
    std::fs::write(d.path().join("a\\b.png"), b"x").expect("write");
    let err = lading_inspect::lot::list(d.path()).expect_err("backslash");
    assert!(err.to_string().contains("backslash"), "{err}");
    std::fs::remove_file(d.path().join("a\\b.png")).expect("rm");
    std::fs::create_dir(d.path().join("sub")).expect("dir");
    let err = lading_inspect::lot::list(d.path()).expect_err("sub-folder");
    assert!(err.to_string().contains("sub") && err.to_string().contains("one image file per item"), "{err}");
}

#[test]
fn an_image_file_beyond_the_size_limit_is_refused_before_it_is_read() {
    let d = tempfile::tempdir().expect("tempdir");
    let path = d.path().join("huge.png");
    // Sparse: the file system holds no data for it.
    std::fs::File::create(&path).expect("create").set_len(lading_inspect::lot::MAX_IMAGE_FILE_BYTES + 1).expect("len");
    let err = lading_inspect::lot::read(&path).expect_err("too large");
    assert!(err.to_string().contains("larger than 256 MiB"), "{err}");
}
