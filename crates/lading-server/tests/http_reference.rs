//! `docs/reference/http.md` is rendered from the committed `openapi.json`
//! (the document `/openapi.json` serves), so the HTTP reference cannot drift
//! from the API description. A changed endpoint fails this test until the
//! page is regenerated: `LADING_BLESS=1 cargo test -p lading-server --test http_reference`.

use std::fmt::Write as _;

use serde_json::Value;

/// Markdown for every operation: method and path, summary, description,
/// parameters, request content types and responses, in the document's order.
fn render(doc: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "<!-- Generated from crates/lading-server/openapi.json by the test `http_reference`; do not edit by hand. -->\n"
    );
    let _ = writeln!(md, "# HTTP reference: {}\n", text(&doc["info"]["title"]));
    let _ = writeln!(md, "{}\n", text(&doc["info"]["description"]));
    let _ = writeln!(
        md,
        "The machine-readable description is served at `GET /openapi.json` (OpenAPI {}).\n",
        text(&doc["openapi"])
    );
    let empty = serde_json::Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let _ = writeln!(md, "| method | path | what |\n|---|---|---|");
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap_or(&empty) {
            let _ = writeln!(md, "| {} | `{path}` | {} |", method.to_uppercase(), text(&op["summary"]));
        }
    }
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap_or(&empty) {
            let _ = writeln!(md, "\n## {} `{path}`\n", method.to_uppercase());
            let _ = writeln!(md, "{}\n", text(&op["summary"]));
            if op["description"].is_string() {
                let _ = writeln!(md, "{}\n", text(&op["description"]));
            }
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                let _ = writeln!(md, "Needs a bearer token (`Authorization: Bearer …`).\n");
            }
            if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                let _ = writeln!(md, "| parameter | in | required | description |\n|---|---|---|---|");
                for p in params {
                    let _ = writeln!(
                        md,
                        "| `{}` | {} | {} | {} |",
                        text(&p["name"]),
                        text(&p["in"]),
                        if p["required"].as_bool().unwrap_or(false) { "yes" } else { "no" },
                        text(&p["description"])
                    );
                }
                md.push('\n');
            }
            if let Some(content) = op["requestBody"]["content"].as_object() {
                let types: Vec<String> = content.keys().map(|k| format!("`{k}`")).collect();
                let _ = writeln!(md, "Request body: {}.\n", types.join(", "));
            }
            if let Some(responses) = op["responses"].as_object() {
                let _ = writeln!(md, "| status | meaning |\n|---|---|");
                for (status, r) in responses {
                    let _ = writeln!(md, "| {status} | {} |", text(&r["description"]).replace('\n', " "));
                }
            }
        }
    }
    md
}

#[test]
fn http_reference_in_docs_is_rendered_from_openapi_json() {
    let doc: Value = serde_json::from_str(lading_server::OPENAPI).expect("openapi.json is JSON");
    let want = render(&doc);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reference/http.md");
    if std::env::var_os("LADING_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/reference/http.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/reference/http.md differs from openapi.json: run LADING_BLESS=1 cargo test -p lading-server --test http_reference"
    );
}
