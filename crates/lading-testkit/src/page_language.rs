//! Finds English left on a page that should be entirely in another
//! language (a `lang="zh-CN"` page of Lading's).
//!
//! What a reader sees is checked: every text node, and the `title`, `alt`,
//! `aria-label` and `placeholder` attributes. Exempt, and nothing else:
//! - the contents of `<style>`, `<script>` and `<code>` (identifiers,
//!   digests, commands, code values are set in `<code>`) and of elements
//!   marked `translate="no"` (HTML's own mark for what is not translated);
//! - the data the page was made from, shown as recorded: the strings the
//!   caller passes (values of the input documents: names, ids, file names);
//! - URLs and URNs (`http:`, `https:`, `urn:`, `did:`, `file:`), hex
//!   digests and key ids (8 or more hex digits), numbers and times;
//! - the tokens of [`ALLOWED`]: the product name, `lading verify`, and the names of standards
//!   and formats that are written the same way in Chinese text.
//!
//! Anything else with two or more Latin letters in a row is reported.
//! Marking English with `lang="en"` does not exempt it.

/// Tokens written the same way in a Chinese text: the product name and the
/// command a page tells its reader to run, and names of standards, formats
/// and algorithms.
pub const ALLOWED: &[&str] = &[
    "Lading",
    "lading verify",
    "AI",
    "AQL",
    "SHA-256",
    "SaaS",
    "SBOM",
    "PDF",
    "PDF/A-3",
    "PDF/A-3b",
    "JSON",
    "JSON Lines",
    "OTLP",
    "RFC",
    "ISO",
    "GB/T",
    "syslog",
    "CSV",
    "HTML",
    "UTC",
    "ID",
    "URL",
    "DID",
    "VC",
    "DSSE",
    "Ed25519",
    "SM2",
    "SM3",
    "ECDSA",
    "P-256",
    "X.509",
    "ONNX",
    "CycloneDX",
    "SPDX",
    "EBOPS",
    "CPC",
    "C2SP",
    "tlog-tiles",
    "in-toto",
];

const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];
const VISIBLE_ATTRIBUTES: &[&str] = &["title", "alt", "aria-label", "placeholder"];

fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A tag's name, whether it closes, closes itself, and its attributes.
fn parse_tag(tag: &str) -> (String, bool, bool, Vec<(String, String)>) {
    let closing = tag.starts_with('/');
    let body = tag.trim_start_matches('/');
    let self_closing = body.trim_end().ends_with('/');
    let body = body.trim_end().trim_end_matches('/');
    let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
    let name = body[..name_end].to_ascii_lowercase();
    let mut attributes = Vec::new();
    let mut rest = body[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, after) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &r[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..end], &r[end..])
                }
            };
            value = decode(v);
            rest = after.trim_start();
        }
        if !key.is_empty() {
            attributes.push((key, value));
        }
    }
    (name, closing, self_closing, attributes)
}

/// The text a reader sees that is not exempt: text nodes and visible
/// attributes outside `<code>`, `<style>`, `<script>` and `translate="no"`.
pub fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut rest = html;
    let exempt = |stack: &[(String, bool)]| stack.last().is_some_and(|(_, e)| *e);
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if !exempt(&stack) {
                out.push(decode(rest));
            }
            break;
        };
        if lt > 0 && !exempt(&stack) {
            out.push(decode(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let (name, closing, self_closing, attributes) = parse_tag(tag);
        if closing {
            if let Some(i) = stack.iter().rposition(|(n, _)| *n == name) {
                stack.truncate(i);
            }
            continue;
        }
        let here_exempt = exempt(&stack)
            || name == "code"
            || attributes.iter().any(|(k, v)| k == "translate" && v.eq_ignore_ascii_case("no"));
        if !here_exempt {
            out.extend(
                attributes.iter().filter(|(k, _)| VISIBLE_ATTRIBUTES.contains(&k.as_str())).map(|(_, v)| v.clone()),
            );
        }
        if name == "style" || name == "script" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
            continue;
        }
        if !self_closing && !VOID.contains(&name.as_str()) {
            stack.push((name, here_exempt));
        }
    }
    out
}

fn token_is_exempt(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    ["http://", "https://", "urn:", "did:", "file:"].iter().any(|p| lower.starts_with(p))
        || (token.len() >= 8 && token.chars().all(|c| c.is_ascii_hexdigit()))
        || !has_latin_word(token)
        || ALLOWED.contains(&token)
}

/// Two or more Latin letters in a row.
fn has_latin_word(s: &str) -> bool {
    let mut run = 0;
    for c in s.chars() {
        run = if c.is_ascii_alphabetic() { run + 1 } else { 0 };
        if run >= 2 {
            return true;
        }
    }
    false
}

/// The English words left in `html`'s visible text once `data` (strings
/// shown as recorded) and every exemption above are taken out; each with the
/// text it was found in.
pub fn english_in(html: &str, data: &[String]) -> Vec<String> {
    let mut data: Vec<&str> = data.iter().map(String::as_str).filter(|d| !d.trim().is_empty()).collect();
    data.sort_by_key(|d| std::cmp::Reverse(d.len()));
    let mut allowed: Vec<&str> = ALLOWED.to_vec();
    allowed.sort_by_key(|d| std::cmp::Reverse(d.len()));
    let mut found = Vec::new();
    for text in visible_text(html) {
        let mut t = text.clone();
        for d in &data {
            t = replace_whole(&t, d);
        }
        for a in &allowed {
            if a.contains(' ') {
                t = t.replace(a, " ");
            }
        }
        let words: Vec<&str> = t
            .split(|c: char| !(c.is_ascii_alphanumeric() || "-/._:@+%".contains(c)))
            .map(|w| w.trim_matches(|c: char| ".,:;".contains(c)))
            .filter(|w| !token_is_exempt(w))
            .collect();
        if !words.is_empty() {
            found.push(format!("{words:?} in {:?}", text.trim()));
        }
    }
    found
}

/// `text` with every occurrence of `value` that is not part of a longer Latin word or number
/// replaced by a space (a short value such as `en` must not cut a word in two).
fn replace_whole(text: &str, value: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(value) {
        let before = rest[..i].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[i + value.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        let cut = value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && word(before)
            || value.chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric()) && word(after);
        out.push_str(&rest[..i]);
        out.push_str(if cut { value } else { " " });
        rest = &rest[i + value.len()..];
    }
    out.push_str(rest);
    out
}

/// Every string value in `json`, recursively: the data a page shows as recorded.
pub fn strings_of(json: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![json];
    while let Some(v) = todo.pop() {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => todo.extend(a),
            serde_json::Value::Object(o) => todo.extend(o.values()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_outside_the_exemptions_is_found_and_nothing_else() {
        let page = "<html lang=\"zh-CN\"><head><style>body{color:red}</style><title>检验报告</title></head><body>\
<h1>批次 LOT-7 accepted</h1><p>SHA-256 <code>lading verify x</code> 0123456789abcdef https://example.com/a 2026-12-05T10:00:00Z</p>\
<span translate=\"no\">Acme Corp</span><svg aria-label=\"histogram\"><text>阈值 0.5</text></svg>\
<p lang=\"en\">still English</p><img alt=\"图像\" src=\"x\"><p>Lading 版本 1.2 &amp; Client Ltd</p></body></html>";
        let found = english_in(page, &["Client Ltd".into(), "LOT-7".into()]);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("accepted"), "{found:#?}");
        assert!(found[1].contains("histogram"), "{found:#?}");
        assert!(found[2].contains("still") && found[2].contains("English"), "{found:#?}");
    }
}
