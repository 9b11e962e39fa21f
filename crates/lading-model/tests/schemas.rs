//! The committed schemas under `schemas/` and the Rust types must not drift.
//! Regenerate with `UPDATE_SCHEMAS=1 cargo test -p lading-model --test schemas`.

use std::path::PathBuf;

use lading_model::{Kind, schema};

#[test]
fn committed_schemas_match_the_rust_types() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    for kind in Kind::ALL {
        let generated = schema::generate_text(kind);
        if update {
            std::fs::write(dir.join(schema::file_name(kind)), &generated).expect("write schema");
        } else {
            assert!(
                schema::committed(kind) == generated,
                "schemas/{} is out of date with the Rust types; run UPDATE_SCHEMAS=1 cargo test -p lading-model --test schemas",
                schema::file_name(kind)
            );
        }
    }
}

#[test]
fn committed_schemas_are_valid_2020_12_schemas() {
    for kind in Kind::ALL {
        let value: serde_json::Value = serde_json::from_str(schema::committed(kind)).expect("schema is JSON");
        assert_eq!(value["$schema"], "https://json-schema.org/draft/2020-12/schema");
        jsonschema::meta::validate(&value).unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}
