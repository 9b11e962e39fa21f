//! PKCS#11 URIs (RFC 7512), parsed without I/O.
//!
//! `pkcs11:token=NAME;object=LABEL;id=%01%02?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin`
//!
//! Path attributes are separated by `;`, query attributes by `&`; values are
//! percent-decoded (RFC 7512 section 2.3); `id` is raw bytes. Each attribute
//! may appear once. A non-vendor attribute this parser does not know is
//! refused (a signer must not silently pick another key); vendor attributes
//! (`x-…`) are kept. `pin-value` is refused: a PIN never travels on a
//! command line or in a URI, only in a file named by `pin-source`.
//!
//! [`Pkcs11Uri`]'s `Display` writes the URI back in canonical form; it never
//! contains a PIN, so it is what errors and logs show.

use std::fmt;

/// Why a PKCS#11 URI was refused. The message names the attribute, never
/// the whole text (which might hold a PIN).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The text does not start with `pkcs11:`.
    #[error("a PKCS#11 URI starts with \"pkcs11:\"")]
    Scheme,
    /// An attribute is not `name=value`.
    #[error("PKCS#11 URI attribute {0:?} is not name=value")]
    NotNameValue(String),
    /// A percent escape is malformed or a value is not UTF-8 where text is expected.
    #[error("PKCS#11 URI attribute {attribute}: {detail}")]
    Encoding {
        /// The attribute's name.
        attribute: String,
        /// What is wrong.
        detail: String,
    },
    /// An attribute this parser does not know (not `x-…`).
    #[error(
        "PKCS#11 URI attribute {0:?} is not one of RFC 7512's (token, object, id, type, serial, manufacturer, model, slot-id, slot-description, slot-manufacturer, library-*, module-path, module-name, pin-source)"
    )]
    Unknown(String),
    /// An attribute given twice.
    #[error("PKCS#11 URI attribute {0:?} is given twice")]
    Duplicate(String),
    /// `pin-value` is never accepted.
    #[error(
        "PKCS#11 URI: pin-value is not accepted (a PIN must not be on a command line or in a URI); put the PIN in a file readable only by you and name it with pin-source=file:/path or LADING_PKCS11_PIN_FILE"
    )]
    PinValue,
    /// A `type` other than private, public, cert, secret-key, data.
    #[error("PKCS#11 URI attribute type={0:?} is not private, public, cert, secret-key or data")]
    Type(String),
    /// `slot-id` is not a number.
    #[error("PKCS#11 URI attribute slot-id={0:?} is not a decimal number")]
    SlotId(String),
}

/// The `type` attribute: the object class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    /// `private`: a private key.
    Private,
    /// `public`: a public key.
    Public,
    /// `cert`: a certificate.
    Cert,
    /// `secret-key`: a secret key.
    SecretKey,
    /// `data`: a data object.
    Data,
}

impl ObjectType {
    fn name(self) -> &'static str {
        match self {
            ObjectType::Private => "private",
            ObjectType::Public => "public",
            ObjectType::Cert => "cert",
            ObjectType::SecretKey => "secret-key",
            ObjectType::Data => "data",
        }
    }
}

/// A parsed PKCS#11 URI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pkcs11Uri {
    /// `token`: the token label.
    pub token: Option<String>,
    /// `manufacturer`: the token manufacturer.
    pub manufacturer: Option<String>,
    /// `model`: the token model.
    pub model: Option<String>,
    /// `serial`: the token serial number.
    pub serial: Option<String>,
    /// `object`: the object label (`CKA_LABEL`).
    pub object: Option<String>,
    /// `id`: the object id (`CKA_ID`), raw bytes.
    pub id: Option<Vec<u8>>,
    /// `type`: the object class.
    pub object_type: Option<ObjectType>,
    /// `slot-id`: the slot number.
    pub slot_id: Option<u64>,
    /// `slot-description`.
    pub slot_description: Option<String>,
    /// `slot-manufacturer`.
    pub slot_manufacturer: Option<String>,
    /// `library-manufacturer`.
    pub library_manufacturer: Option<String>,
    /// `library-description`.
    pub library_description: Option<String>,
    /// `library-version`.
    pub library_version: Option<String>,
    /// `module-path`: the module (shared library) to load.
    pub module_path: Option<String>,
    /// `module-name`: the module's name (not resolved here).
    pub module_name: Option<String>,
    /// `pin-source`: where the user PIN is read from (`file:/path` or a path).
    pub pin_source: Option<String>,
    /// Vendor attributes (`x-…`), path then query, in order.
    pub vendor: Vec<(String, String)>,
}

/// Whether `text` is a PKCS#11 URI (starts with `pkcs11:`, any case).
pub fn is_pkcs11_uri(text: &str) -> bool {
    text.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("pkcs11:"))
}

fn decode(attribute: &str, value: &str) -> Result<Vec<u8>, UriError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(|| UriError::Encoding {
                attribute: attribute.to_owned(),
                detail: format!("malformed percent escape at byte {i} of its value"),
            })?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn decode_text(attribute: &str, value: &str) -> Result<String, UriError> {
    String::from_utf8(decode(attribute, value)?)
        .map_err(|_| UriError::Encoding { attribute: attribute.to_owned(), detail: "the value is not UTF-8".into() })
}

fn set<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), UriError> {
    if slot.is_some() {
        return Err(UriError::Duplicate(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

impl Pkcs11Uri {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Self, UriError> {
        if !is_pkcs11_uri(text) {
            return Err(UriError::Scheme);
        }
        let rest = &text[7..];
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let mut uri = Pkcs11Uri::default();
        let mut seen_vendor: Vec<String> = Vec::new();
        for part in path.split(';').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| UriError::NotNameValue(shorten(part)))?;
            let name = name.to_ascii_lowercase();
            match name.as_str() {
                "token" => set(&mut uri.token, &name, decode_text(&name, value)?)?,
                "manufacturer" => set(&mut uri.manufacturer, &name, decode_text(&name, value)?)?,
                "model" => set(&mut uri.model, &name, decode_text(&name, value)?)?,
                "serial" => set(&mut uri.serial, &name, decode_text(&name, value)?)?,
                "object" => set(&mut uri.object, &name, decode_text(&name, value)?)?,
                "id" => set(&mut uri.id, &name, decode(&name, value)?)?,
                "type" => {
                    let t = match decode_text(&name, value)?.as_str() {
                        "private" => ObjectType::Private,
                        "public" => ObjectType::Public,
                        "cert" => ObjectType::Cert,
                        "secret-key" => ObjectType::SecretKey,
                        "data" => ObjectType::Data,
                        other => return Err(UriError::Type(shorten(other))),
                    };
                    set(&mut uri.object_type, &name, t)?;
                }
                "slot-id" => {
                    let v = decode_text(&name, value)?;
                    let n = v
                        .parse::<u64>()
                        .ok()
                        .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| UriError::SlotId(shorten(&v)))?;
                    set(&mut uri.slot_id, &name, n)?;
                }
                "slot-description" => set(&mut uri.slot_description, &name, decode_text(&name, value)?)?,
                "slot-manufacturer" => set(&mut uri.slot_manufacturer, &name, decode_text(&name, value)?)?,
                "library-manufacturer" => set(&mut uri.library_manufacturer, &name, decode_text(&name, value)?)?,
                "library-description" => set(&mut uri.library_description, &name, decode_text(&name, value)?)?,
                "library-version" => set(&mut uri.library_version, &name, decode_text(&name, value)?)?,
                "pin-value" => return Err(UriError::PinValue),
                vendor if is_vendor_name(vendor) => {
                    if seen_vendor.contains(&name) {
                        return Err(UriError::Duplicate(name));
                    }
                    seen_vendor.push(name.clone());
                    uri.vendor.push((name.clone(), decode_text(&name, value)?));
                }
                _ => return Err(UriError::Unknown(shorten(&name))),
            }
        }
        for part in query.into_iter().flat_map(|q| q.split('&')).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').ok_or_else(|| UriError::NotNameValue(shorten(part)))?;
            let name = name.to_ascii_lowercase();
            match name.as_str() {
                "module-path" => set(&mut uri.module_path, &name, decode_text(&name, value)?)?,
                "module-name" => set(&mut uri.module_name, &name, decode_text(&name, value)?)?,
                "pin-source" => set(&mut uri.pin_source, &name, decode_text(&name, value)?)?,
                "pin-value" => return Err(UriError::PinValue),
                // Vendor attributes share one namespace across path and query
                // (the canonical form writes them all in the path).
                vendor if is_vendor_name(vendor) => {
                    if seen_vendor.contains(&name) {
                        return Err(UriError::Duplicate(name));
                    }
                    seen_vendor.push(name.clone());
                    uri.vendor.push((name.clone(), decode_text(&name, value)?));
                }
                _ => return Err(UriError::Unknown(shorten(&name))),
            }
        }
        Ok(uri)
    }

    /// The `pin-source` as a file path: `file:/path`, `file:///path` or a bare path.
    pub fn pin_file(&self) -> Option<Result<String, String>> {
        let source = self.pin_source.as_deref()?;
        Some(if let Some(rest) = source.strip_prefix("file://") {
            Ok(rest.to_owned())
        } else if let Some(rest) = source.strip_prefix("file:") {
            Ok(rest.to_owned())
        } else if source.contains(':') && !source.starts_with('/') {
            Err(format!("pin-source {source:?}: only file: sources are read"))
        } else {
            Ok(source.to_owned())
        })
    }
}

/// At most 40 characters of attacker-chosen text, for error messages.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// A vendor attribute name: `x-` then letters, digits, `-` or `_` (RFC 7512
/// `pk11-v-attr-nm-char`); anything else would not survive being written back.
fn is_vendor_name(name: &str) -> bool {
    name.strip_prefix("x-").is_some_and(|rest| {
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Characters written as they are (RFC 7512 `pk11-pchar` / `pk11-qchar`
/// unreserved subset); everything else is percent-encoded.
fn encode(out: &mut String, bytes: &[u8], query: bool) {
    for &b in bytes {
        let plain = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b':'
                    | b'['
                    | b']'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
            )
            || (query && matches!(b, b'/' | b'?' | b'|'))
            || (!query && b == b'&');
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

impl fmt::Display for Pkcs11Uri {
    /// The URI in canonical form (path attributes in RFC 7512 order, then
    /// the query). It never holds a PIN: `pin-value` is refused on parsing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path: Vec<String> = Vec::new();
        let mut put = |name: &str, bytes: Option<&[u8]>| {
            if let Some(bytes) = bytes {
                let mut s = format!("{name}=");
                encode(&mut s, bytes, false);
                path.push(s);
            }
        };
        put("library-description", self.library_description.as_deref().map(str::as_bytes));
        put("library-manufacturer", self.library_manufacturer.as_deref().map(str::as_bytes));
        put("library-version", self.library_version.as_deref().map(str::as_bytes));
        put("slot-description", self.slot_description.as_deref().map(str::as_bytes));
        put("slot-manufacturer", self.slot_manufacturer.as_deref().map(str::as_bytes));
        let slot_id = self.slot_id.map(|n| n.to_string());
        put("slot-id", slot_id.as_deref().map(str::as_bytes));
        put("manufacturer", self.manufacturer.as_deref().map(str::as_bytes));
        put("model", self.model.as_deref().map(str::as_bytes));
        put("serial", self.serial.as_deref().map(str::as_bytes));
        put("token", self.token.as_deref().map(str::as_bytes));
        put("object", self.object.as_deref().map(str::as_bytes));
        put("id", self.id.as_deref());
        put("type", self.object_type.map(|t| t.name().as_bytes()));
        let mut query: Vec<String> = Vec::new();
        for (name, value) in &self.vendor {
            let mut s = format!("{name}=");
            encode(&mut s, value.as_bytes(), false);
            path.push(s);
        }
        let mut q = |name: &str, value: Option<&str>| {
            if let Some(v) = value {
                let mut s = format!("{name}=");
                encode(&mut s, v.as_bytes(), true);
                query.push(s);
            }
        };
        q("module-name", self.module_name.as_deref());
        q("module-path", self.module_path.as_deref());
        q("pin-source", self.pin_source.as_deref());
        write!(f, "pkcs11:{}", path.join(";"))?;
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7512_examples_parse() {
        // RFC 7512 section 3 examples.
        let u = Pkcs11Uri::parse("pkcs11:").expect("empty");
        assert_eq!(u, Pkcs11Uri::default());
        let u = Pkcs11Uri::parse("pkcs11:object=my-pubkey;type=public").expect("parse");
        assert_eq!(u.object.as_deref(), Some("my-pubkey"));
        assert_eq!(u.object_type, Some(ObjectType::Public));
        let u = Pkcs11Uri::parse("pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=").expect("parse");
        assert_eq!(u.token.as_deref(), Some("The Software PKCS#11 Softtoken"));
        assert_eq!(u.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(u.id.as_deref(), Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..]));
        assert_eq!(u.serial.as_deref(), Some(""));
        let u =
            Pkcs11Uri::parse("pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert")
                .expect("parse");
        assert_eq!(u.token.as_deref(), Some("A name with a substring %;"));
        let u = Pkcs11Uri::parse("pkcs11:object=my-sign-key;type=private?module-name=mypkcs11").expect("parse");
        assert_eq!(u.module_name.as_deref(), Some("mypkcs11"));
        let u = Pkcs11Uri::parse("pkcs11:object=my-sign-key;type=private?module-path=/mnt/libmypkcs11.so.1")
            .expect("parse");
        assert_eq!(u.module_path.as_deref(), Some("/mnt/libmypkcs11.so.1"));
        let u = Pkcs11Uri::parse(
            "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-source=file:/etc/token",
        )
        .expect("parse");
        assert_eq!(u.pin_file(), Some(Ok("/etc/token".to_owned())));
        let u = Pkcs11Uri::parse("pkcs11:slot-description=Sun%20Metaslot").expect("parse");
        assert_eq!(u.slot_description.as_deref(), Some("Sun Metaslot"));
        let u = Pkcs11Uri::parse("pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23").expect("parse");
        assert_eq!(u.library_version.as_deref(), Some("1.23"));
        let u = Pkcs11Uri::parse("pkcs11:token=My%20token%25%20created%20by%20Joe;library-version=3;id=%01%02%03%Ba%dd%Ef%00;object=my-key;type=private;slot-id=1;x-vendor-aid=%C2%B5").expect("parse");
        assert_eq!(u.id.as_deref(), Some(&[1, 2, 3, 0xba, 0xdd, 0xef, 0][..]));
        assert_eq!(u.slot_id, Some(1));
        assert_eq!(u.vendor, vec![("x-vendor-aid".to_owned(), "µ".to_owned())]);
    }

    #[test]
    fn the_display_form_parses_back_to_the_same_uri() {
        let text = "pkcs11:token=Lading%20CA;object=root;id=%00%FF;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin";
        let u = Pkcs11Uri::parse(text).expect("parse");
        let back = Pkcs11Uri::parse(&u.to_string()).expect("reparse");
        assert_eq!(u, back);
        assert!(u.to_string().contains("module-path=/usr/lib/softhsm/libsofthsm2.so"), "{u}");
    }

    #[test]
    fn bad_uris_are_refused_without_echoing_a_pin() {
        let e = Pkcs11Uri::parse("pkcs11:token=t?pin-value=123456").expect_err("pin-value");
        assert_eq!(e, UriError::PinValue);
        assert!(!e.to_string().contains("123456"));
        assert_eq!(Pkcs11Uri::parse("pkcs11:pin-value=9").expect_err("in path"), UriError::PinValue);
        assert_eq!(Pkcs11Uri::parse("file:/x").expect_err("scheme"), UriError::Scheme);
        assert_eq!(Pkcs11Uri::parse("pkcs11:token=a;token=b").expect_err("dup"), UriError::Duplicate("token".into()));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:tokn=a").expect_err("unknown"), UriError::Unknown(_)));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:token").expect_err("no ="), UriError::NotNameValue(_)));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:id=%zz").expect_err("escape"), UriError::Encoding { .. }));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:id=%1").expect_err("short escape"), UriError::Encoding { .. }));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:object=%FF").expect_err("utf-8"), UriError::Encoding { .. }));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:slot-id=-1").expect_err("slot"), UriError::SlotId(_)));
        assert!(matches!(Pkcs11Uri::parse("pkcs11:type=key").expect_err("type"), UriError::Type(_)));
        let u = Pkcs11Uri::parse("pkcs11:?pin-source=https://x/pin").expect("parse");
        assert!(u.pin_file().expect("some").is_err());
    }

    #[test]
    fn vendor_names_are_checked_and_unique_across_path_and_query() {
        // Found by the pkcs11_uri fuzz target: a query attribute named
        // "x-pkcs11:?x-token\0…" was kept and written back unparseable.
        assert!(Pkcs11Uri::parse("pkcs11:?x-pkcs11:?x-token\0\0=\u{b}A\0").is_err());
        assert!(Pkcs11Uri::parse("pkcs11:x-a=1?x-a=2").is_err());
        let u = Pkcs11Uri::parse("pkcs11:token=t?x-vendor_1=v").expect("parse");
        assert_eq!(Pkcs11Uri::parse(&u.to_string()).expect("again"), u);
    }
}
