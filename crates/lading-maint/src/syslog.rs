//! RFC 5424 syslog lines to maintenance events.
//!
//! The parser is strict (RFC 5424 §6 ABNF): PRI, VERSION 1, a full
//! RFC 3339 TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID, STRUCTURED-DATA
//! and an optional MSG. It is written here rather than taken from a crate
//! because the maintained Rust syslog parsers are lenient by design (they
//! accept RFC 3164 and malformed lines), and a certifiable log must reject
//! what it cannot read exactly, naming the column.
//!
//! Mapping (documented in docs/maintenance.md):
//! - `occurred_at` ← TIMESTAMP (must not be `-`); `observed_at` ← ingestion time;
//! - `severity_number` ← PRI severity by the OpenTelemetry log data model's
//!   syslog table: emergency 21 (FATAL), alert 19 (ERROR3), critical 18
//!   (ERROR2), error 17, warning 13, notice 10 (INFO2), informational 9, debug 5;
//! - the SD element `maint@32473` carries the event fields (32473 is the
//!   private enterprise number RFC 5612 reserves for documentation; a
//!   deployment may keep it, as the SD-ID is only a namespace here):
//!   `event_id` (default: `syslog-` + the first 32 hex digits of the line's
//!   SHA-256, so a line ingested twice is a duplicate), `actor`, `role`,
//!   `org`, `auth`, `session` (default PROCID), `access`, `asset` (default
//!   HOSTNAME), `serial`, `model`, `site`, `fw_before`, `fw_after`,
//!   `category`, `action` (default MSGID), `target`, `result` (default
//!   `unknown`), `work_order`, `clock` (default `unknown`);
//! - MSG, APP-NAME, PROCID, MSGID, the facility and every other SD element's
//!   parameters are kept in `attributes` (`message`, `syslog.*`, `sd.ID.NAME`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::event::{Context, LineError};
use crate::fields::{Fields, NAMES, event_value};

/// The SD-ID whose parameters are the event's fields.
pub const SD_ID: &str = "maint@32473";

/// Syslog severity (0–7) to OpenTelemetry SeverityNumber.
const SEVERITY: [u8; 8] = [21, 19, 18, 17, 13, 10, 9, 5];

/// A parsed RFC 5424 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogMessage {
    /// Facility (0–23).
    pub facility: u8,
    /// Severity (0–7).
    pub severity: u8,
    /// TIMESTAMP, if not NILVALUE.
    pub timestamp: Option<DateTime<Utc>>,
    /// HOSTNAME, if not NILVALUE.
    pub hostname: Option<String>,
    /// APP-NAME, if not NILVALUE.
    pub app_name: Option<String>,
    /// PROCID, if not NILVALUE.
    pub procid: Option<String>,
    /// MSGID, if not NILVALUE.
    pub msgid: Option<String>,
    /// SD elements in order: SD-ID and its parameters in order.
    pub structured_data: Vec<(String, Vec<(String, String)>)>,
    /// MSG (a leading UTF-8 BOM removed).
    pub message: Option<String>,
}

/// Why a line is not RFC 5424.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based byte column.
    pub column: usize,
    /// What was expected.
    pub message: String,
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn err<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError { column: self.pos + 1, message: message.into() })
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected {what}"))
        }
    }

    /// A header field: 1..=max PRINTUSASCII, or `-` for NILVALUE.
    fn field(&mut self, name: &str, max: usize) -> Result<Option<&'a str>, SyntaxError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b == b' ' {
                break;
            }
            if !(33..=126).contains(&b) {
                return self.err(format!("{name} may only hold printable US-ASCII"));
            }
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default();
        if text.is_empty() {
            self.pos = start;
            return self.err(format!("{name} is empty (use - for none)"));
        }
        if text.len() > max {
            self.pos = start;
            return self.err(format!("{name} is {} characters; at most {max}", text.len()));
        }
        Ok(if text == "-" { None } else { Some(text) })
    }

    fn sd_name(&mut self, what: &str) -> Result<String, SyntaxError> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if !(33..=126).contains(&b) || matches!(b, b'=' | b']' | b'"' | b' ') {
                break;
            }
            self.pos += 1;
        }
        let n = self.pos - start;
        if n == 0 || n > 32 {
            self.pos = start;
            return self.err(format!("{what} must be 1 to 32 printable characters other than = ] \" and space"));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.pos]).into_owned())
    }

    fn sd_value(&mut self) -> Result<String, SyntaxError> {
        self.expect(b'"', "\" to open a PARAM-VALUE")?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return self.err("PARAM-VALUE is not closed with \""),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') if matches!(self.s.get(self.pos + 1), Some(b'"' | b'\\' | b']')) => {
                    out.push(self.s[self.pos + 1]);
                    self.pos += 2;
                }
                Some(b']') => return self.err("] inside a PARAM-VALUE must be escaped as \\]"),
                Some(b) => {
                    out.push(b);
                    self.pos += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| SyntaxError { column: self.pos, message: "PARAM-VALUE is not UTF-8".into() })
    }
}

/// Parses one RFC 5424 line.
pub fn parse_line(line: &str) -> Result<SyslogMessage, SyntaxError> {
    let mut c = Cursor { s: line.as_bytes(), pos: 0 };
    c.expect(b'<', "<PRI> at the start of the line")?;
    let start = c.pos;
    while c.peek().is_some_and(|b| b.is_ascii_digit()) {
        c.pos += 1;
    }
    let digits = &line[start..c.pos];
    let prival: u16 = match digits.parse() {
        Ok(v) if (1..=3).contains(&digits.len()) && v <= 191 && (digits == "0" || !digits.starts_with('0')) => v,
        _ => {
            c.pos = start;
            return c.err("PRI must be 0 to 191 without leading zeros");
        }
    };
    c.expect(b'>', "> to close PRI")?;
    c.expect(b'1', "VERSION 1 (RFC 5424)")?;
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        return c.err("only VERSION 1 is supported");
    }
    c.expect(b' ', "a space after VERSION")?;
    let ts_col = c.pos;
    let timestamp = match c.field("TIMESTAMP", 64)? {
        None => None,
        Some(t) => Some(
            DateTime::parse_from_rfc3339(t)
                .map_err(|e| SyntaxError { column: ts_col + 1, message: format!("TIMESTAMP {t:?}: {e}") })?
                .with_timezone(&Utc),
        ),
    };
    c.expect(b' ', "a space after TIMESTAMP")?;
    let hostname = c.field("HOSTNAME", 255)?.map(str::to_owned);
    c.expect(b' ', "a space after HOSTNAME")?;
    let app_name = c.field("APP-NAME", 48)?.map(str::to_owned);
    c.expect(b' ', "a space after APP-NAME")?;
    let procid = c.field("PROCID", 128)?.map(str::to_owned);
    c.expect(b' ', "a space after PROCID")?;
    let msgid = c.field("MSGID", 32)?.map(str::to_owned);
    c.expect(b' ', "a space after MSGID")?;
    let mut structured_data = Vec::new();
    if c.peek() == Some(b'-') {
        c.pos += 1;
    } else {
        while c.peek() == Some(b'[') {
            c.pos += 1;
            let id_start = c.pos;
            let id = c.sd_name("SD-ID")?;
            if structured_data.iter().any(|(i, _): &(String, _)| *i == id) {
                c.pos = id_start;
                return c.err(format!("SD-ID {id} appears twice"));
            }
            let mut params = Vec::new();
            while c.peek() == Some(b' ') {
                c.pos += 1;
                let name = c.sd_name("PARAM-NAME")?;
                c.expect(b'=', "= after PARAM-NAME")?;
                params.push((name, c.sd_value()?));
            }
            c.expect(b']', "] to close the SD-ELEMENT")?;
            structured_data.push((id, params));
        }
        if structured_data.is_empty() {
            return c.err("expected STRUCTURED-DATA ([...] or -)");
        }
    }
    let message = match c.peek() {
        None => None,
        Some(b' ') => {
            let rest = &line[c.pos + 1..];
            Some(rest.strip_prefix('\u{feff}').unwrap_or(rest).to_owned())
        }
        Some(_) => return c.err("expected a space before MSG"),
    };
    let prival = u8::try_from(prival).unwrap_or(u8::MAX);
    Ok(SyslogMessage {
        facility: prival / 8,
        severity: prival % 8,
        timestamp,
        hostname,
        app_name,
        procid,
        msgid,
        structured_data,
        message,
    })
}

/// A syslog line as an event value (not yet schema-validated).
pub(crate) fn to_value(ctx: &Context, line: usize, text: &str) -> Result<Value, LineError> {
    let msg = parse_line(text).map_err(|e| LineError::new(line, format!("not RFC 5424 syslog: {e}")))?;
    let mut values = BTreeMap::new();
    let mut attributes = serde_json::Map::new();
    for (id, ps) in &msg.structured_data {
        for (name, value) in ps {
            if id == SD_ID {
                let Some(&known) = NAMES.iter().find(|n| **n == name.as_str()) else {
                    return Err(LineError::new(
                        line,
                        format!("[{SD_ID}] has unknown parameter {name:?}; known: {}", NAMES.join(", ")),
                    ));
                };
                if values.insert(known, value.clone()).is_some() {
                    return Err(LineError::new(line, format!("[{SD_ID}] gives {name} twice")));
                }
            } else {
                attributes.insert(format!("sd.{id}.{name}"), Value::String(value.clone()));
            }
        }
    }
    let Some(occurred_at) = msg.timestamp else {
        return Err(LineError::new(line, "TIMESTAMP is - ; a maintenance event needs the time it occurred"));
    };
    for (key, value) in [
        ("syslog.app_name", &msg.app_name),
        ("syslog.procid", &msg.procid),
        ("syslog.msgid", &msg.msgid),
        ("syslog.hostname", &msg.hostname),
        ("message", &msg.message),
    ] {
        if let Some(v) = value {
            attributes.insert(key.to_owned(), Value::String(v.clone()));
        }
    }
    attributes.insert("syslog.facility".into(), Value::from(msg.facility));
    let fallbacks = [("asset", &msg.hostname), ("session", &msg.procid), ("action", &msg.msgid)]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect();
    let fields = Fields {
        values,
        fallbacks,
        occurred_at,
        observed_at: None,
        severity_number: SEVERITY[usize::from(msg.severity)],
        attributes,
        value_types: BTreeMap::new(),
        id_prefix: "syslog",
        id_source: text.as_bytes().to_vec(),
    };
    let name_of = |name: &str| {
        let header = match name {
            "asset" => " (or a HOSTNAME)",
            "session" => " (or a PROCID)",
            "action" => " (or a MSGID)",
            _ => "",
        };
        format!("{name}=\"…\" in [{SD_ID}]{header}")
    };
    event_value(ctx, line, fields, &name_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_rfc_5424_examples() {
        // RFC 5424 §6.5, examples 1 and 3 (the BOM of example 1 dropped).
        let m = parse_line(
            "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8",
        )
        .expect("a valid RFC 5424 line");
        assert_eq!((m.facility, m.severity), (4, 2));
        assert_eq!(m.hostname.as_deref(), Some("mymachine.example.com"));
        assert_eq!(m.procid, None);
        assert_eq!(m.message.as_deref(), Some("'su root' failed for lonvick on /dev/pts/8"));
        let m = parse_line(
            r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event log entry..."#,
        )
        .expect("a valid RFC 5424 line");
        assert_eq!(m.structured_data[0].0, "exampleSDID@32473");
        assert_eq!(m.structured_data[0].1[2], ("eventID".to_owned(), "1011".to_owned()));
        // Example 4: two SD elements, no MSG.
        let m = parse_line(
            r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]"#,
        )
        .expect("a valid RFC 5424 line");
        assert_eq!(m.structured_data.len(), 2);
        assert_eq!(m.message, None);
    }

    #[test]
    fn escapes_in_param_values() {
        let m =
            parse_line(r#"<14>1 2026-01-01T00:00:00Z h a p m [x@1 v="a\"b\\c\]d"]"#).expect("a valid RFC 5424 line");
        assert_eq!(m.structured_data[0].1[0].1, r#"a"b\c]d"#);
    }

    #[test]
    fn rejects_what_is_not_rfc_5424_naming_the_column() {
        for (line, column) in [
            ("Oct 11 22:14:15 mymachine su: 'su root' failed", 1), // RFC 3164
            ("<192>1 2003-10-11T22:14:15Z h a p m -", 2),
            ("<034>1 2003-10-11T22:14:15Z h a p m -", 2),
            ("<34>2 2003-10-11T22:14:15Z h a p m -", 5),
            ("<34>1 2003-10-11 h a p m -", 7),
            ("<34>1 2003-10-11T22:14:15Z h a p m", 35),
            ("<34>1 2003-10-11T22:14:15Z h a p m [x@1 a=b]", 43),
            ("<34>1 2003-10-11T22:14:15Z h a p m [x@1 a=\"b\"", 46),
            ("<34>1 2003-10-11T22:14:15Z h a p m [x@1][x@1]", 42),
            ("<34>1 2003-10-11T22:14:15Z h a p m -x", 37),
        ] {
            let e = parse_line(line).expect_err("must be refused");
            assert_eq!(e.column, column, "{line}: {e}");
        }
    }
}
