//! Offerings as a provider keeps them: CSV (RFC 4180, header row) or JSON.
//!
//! The CSV reader is written here rather than taken from the `csv` crate:
//! that crate accepts unterminated and stray quotes without a word, and a
//! provider must be told where their file is broken (line and column).

use std::collections::BTreeMap;

use serde_json::Value;

/// The columns Lading reads; others are kept in [`Offering::extra`].
pub const KNOWN_COLUMNS: [&str; 6] =
    ["name", "description", "delivery_channel", "outputs", "customer_countries", "artefacts"];
/// Columns that must be present.
pub const REQUIRED_COLUMNS: [&str; 2] = ["name", "description"];
/// Largest input accepted.
pub const MAX_INPUT_BYTES: usize = 16 << 20;

/// One offering.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offering {
    /// 1-based line (CSV) or array position + 1 (JSON) it came from.
    pub source_line: usize,
    /// Name.
    pub name: String,
    /// Free-text description.
    pub description: String,
    /// How it is delivered (e.g. "SaaS", "on-site + remote").
    pub delivery_channel: String,
    /// What the client receives.
    pub outputs: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the clients' countries.
    pub customer_countries: Vec<String>,
    /// What the provider already produces (e.g. "PDF report per lot").
    pub artefacts: Vec<String>,
    /// Columns Lading does not read, kept as given.
    pub extra: BTreeMap<String, String>,
}

impl Offering {
    /// All the text the rules look at, lowercased.
    pub fn text(&self) -> String {
        let mut t = format!(
            "{} {} {} {} {}",
            self.name,
            self.description,
            self.delivery_channel,
            self.outputs.join(" "),
            self.artefacts.join(" ")
        );
        t.make_ascii_lowercase();
        t
    }

    /// The artefacts' text, lowercased.
    pub fn artefact_text(&self) -> String {
        let mut t = format!("{} {}", self.artefacts.join(" "), self.outputs.join(" "));
        t.make_ascii_lowercase();
        t
    }
}

/// Why an inventory file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct InputError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (character position for syntax errors; field number for field errors).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

fn err(line: usize, column: usize, message: impl Into<String>) -> InputError {
    InputError { line, column, message: message.into() }
}

/// A parsed inventory and what was noticed while reading it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inventory {
    /// The offerings.
    pub offerings: Vec<Offering>,
    /// Columns kept but not read.
    pub unknown_columns: Vec<String>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split([';', '|']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

/// Parses CSV bytes: UTF-8, RFC 4180 quoting, a header row naming the columns.
pub fn parse_csv(bytes: &[u8]) -> Result<Inventory, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(err(1, 1, format!("file is {} bytes; the limit is {MAX_INPUT_BYTES}", bytes.len())));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            return Err(err(line, column, "not UTF-8 text (save the file as UTF-8)"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = read_records(text)?;
    let Some((header_line, header)) = records.first() else { return Err(err(1, 1, "the file is empty")) };
    let columns: Vec<String> = header.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    for required in REQUIRED_COLUMNS {
        if !columns.iter().any(|c| c == required) {
            return Err(err(*header_line, 1, format!("missing column {required:?} (the header has {columns:?})")));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in columns.iter().enumerate() {
        if !seen.insert(c) {
            return Err(err(*header_line, i + 1, format!("column {c:?} appears twice")));
        }
    }
    let unknown_columns: Vec<String> =
        columns.iter().filter(|c| !KNOWN_COLUMNS.contains(&c.as_str())).cloned().collect();
    let mut offerings = Vec::new();
    for (line, fields) in &records[1..] {
        if fields.len() == 1 && fields[0].trim().is_empty() {
            continue;
        }
        if fields.len() != columns.len() {
            return Err(err(
                *line,
                fields.len().min(columns.len()) + 1,
                format!("{} fields, the header has {}", fields.len(), columns.len()),
            ));
        }
        let mut o = Offering { source_line: *line, ..Offering::default() };
        for (c, v) in columns.iter().zip(fields) {
            match c.as_str() {
                "name" => o.name = v.trim().to_owned(),
                "description" => o.description = v.trim().to_owned(),
                "delivery_channel" => o.delivery_channel = v.trim().to_owned(),
                "outputs" => o.outputs = split_list(v),
                "customer_countries" => {
                    o.customer_countries = split_list(v).into_iter().map(|c| c.to_ascii_uppercase()).collect()
                }
                "artefacts" => o.artefacts = split_list(v),
                other => {
                    o.extra.insert(other.to_owned(), v.clone());
                }
            }
        }
        if o.name.is_empty() {
            let col = columns.iter().position(|c| c == "name").unwrap_or(0) + 1;
            return Err(err(*line, col, "the name is empty"));
        }
        offerings.push(o);
    }
    Ok(Inventory { offerings, unknown_columns })
}

/// Splits text into records of fields (RFC 4180), each with its 1-based line.
fn read_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, InputError> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut column) = (1usize, 0usize);
    let mut record_line = 1usize;
    let mut in_quotes = false;
    let mut quote_start = (0, 0);
    let mut after_quote = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    column += 1;
                    field.push('"');
                }
                '"' => {
                    in_quotes = false;
                    after_quote = true;
                }
                '\n' => {
                    field.push('\n');
                    line += 1;
                    column = 0;
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                column = 0;
                record_line = line;
                after_quote = false;
            }
            '"' if field.is_empty() && !after_quote => {
                in_quotes = true;
                quote_start = (line, column);
            }
            '"' => {
                return Err(err(
                    line,
                    column,
                    "a quote inside an unquoted field (quote the whole field and double inner quotes)",
                ));
            }
            _ if after_quote => {
                return Err(err(line, column, "text after a closing quote (expected , or the end of the line)"));
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(err(quote_start.0, quote_start.1, "this quote is never closed"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

/// Parses a JSON array of offering objects (lists as arrays or `;`-separated strings).
pub fn parse_json(bytes: &[u8]) -> Result<Inventory, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(err(1, 1, format!("file is {} bytes; the limit is {MAX_INPUT_BYTES}", bytes.len())));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| err(e.line(), e.column(), e.to_string()))?;
    let Value::Array(items) = value else { return Err(err(1, 1, "expected a JSON array of offerings")) };
    let mut unknown = std::collections::BTreeSet::new();
    let mut offerings = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Object(map) = item else { return Err(err(1, 1, format!("item {i} (/{i}) is not an object"))) };
        let text = |k: &str| -> Result<String, InputError> {
            match map.get(k) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.trim().to_owned()),
                Some(_) => Err(err(1, 1, format!("/{i}/{k} must be a string"))),
            }
        };
        let list = |k: &str| -> Result<Vec<String>, InputError> {
            match map.get(k) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::String(s)) => Ok(split_list(s)),
                Some(Value::Array(a)) => a
                    .iter()
                    .enumerate()
                    .map(|(j, v)| {
                        v.as_str()
                            .map(|s| s.trim().to_owned())
                            .ok_or_else(|| err(1, 1, format!("/{i}/{k}/{j} must be a string")))
                    })
                    .collect(),
                Some(_) => Err(err(1, 1, format!("/{i}/{k} must be a string or an array of strings"))),
            }
        };
        let mut o = Offering {
            source_line: i + 1,
            name: text("name")?,
            description: text("description")?,
            delivery_channel: text("delivery_channel")?,
            outputs: list("outputs")?,
            customer_countries: list("customer_countries")?.into_iter().map(|c| c.to_ascii_uppercase()).collect(),
            artefacts: list("artefacts")?,
            extra: BTreeMap::new(),
        };
        if o.name.is_empty() {
            return Err(err(1, 1, format!("/{i}/name is missing or empty")));
        }
        for (k, v) in map {
            if !KNOWN_COLUMNS.contains(&k.as_str()) {
                unknown.insert(k.clone());
                o.extra.insert(k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            }
        }
        offerings.push(o);
    }
    Ok(Inventory { offerings, unknown_columns: unknown.into_iter().collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let csv = "name,description,artefacts\n\"A, Inc. \"\"vision\"\"\",\"two\nlines\",PDF; JSON\n";
        let inv = parse_csv(csv.as_bytes()).expect("parse");
        assert_eq!(inv.offerings[0].name, "A, Inc. \"vision\"");
        assert_eq!(inv.offerings[0].description, "two\nlines");
        assert_eq!(inv.offerings[0].artefacts, vec!["PDF", "JSON"]);
    }

    #[test]
    fn broken_files_are_located() {
        let cases = [
            ("name,description\n\"open,x\n", (2, 1), "never closed"),
            ("name,description\nab\"c,d\n", (2, 3), "quote inside"),
            ("name,description\n\"a\"b,c\n", (2, 4), "after a closing quote"),
            ("name,description\na,b,c\n", (2, 3), "3 fields"),
            ("description\nx\n", (1, 1), "missing column \"name\""),
            ("name,description,name\nx,y,z\n", (1, 3), "twice"),
        ];
        for (text, (line, column), needle) in cases {
            let e = parse_csv(text.as_bytes()).expect_err(text);
            assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
            assert!(e.message.contains(needle), "{text:?}: {e}");
        }
        let e = parse_csv(b"name,description\nok,\xff\xfe\n").expect_err("latin-1");
        assert_eq!((e.line, e.column), (2, 4));
    }

    #[test]
    fn unknown_columns_are_kept() {
        let inv = parse_csv(b"name,description,owner\nx,y,ops team\n").expect("parse");
        assert_eq!(inv.unknown_columns, vec!["owner"]);
        assert_eq!(inv.offerings[0].extra["owner"], "ops team");
    }
}
