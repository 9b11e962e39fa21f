//! Keys inside a PKCS#11 token: finding them, signing with them, making them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use lading_crypto::{Algorithm, SignError, Signer, VerifyingKey};
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::uri::Pkcs11Uri;

/// DER of the Ed25519 OID 1.3.101.112 (RFC 8410), as `CKA_EC_PARAMS`.
const ED25519_PARAMS: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER of the `PrintableString` "edwards25519", the older `CKA_EC_PARAMS` form.
const ED25519_PARAMS_NAME: &[u8] = b"\x13\x0cedwards25519";
/// DER of the P-256 OID 1.2.840.10045.3.1.7.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// DER of the SM2 curve OID 1.2.156.10197.1.301.
const SM2_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];

/// Why a token key could not be used. Every variant names the URI, which
/// never holds a PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// No module: neither `module-path` nor `LADING_PKCS11_MODULE`.
    #[error("{uri}: no PKCS#11 module: add ?module-path=/path/to/module.so to the URI or set LADING_PKCS11_MODULE")]
    NoModule {
        /// The URI.
        uri: String,
    },
    /// The module could not be loaded or initialised.
    #[error("{uri}: cannot load the PKCS#11 module {module}: {detail}")]
    Module {
        /// The URI.
        uri: String,
        /// The module path.
        module: String,
        /// What failed.
        detail: String,
    },
    /// No token matches the URI's token attributes.
    #[error("{uri}: no token matches (tokens present: {present})")]
    NoToken {
        /// The URI.
        uri: String,
        /// The labels of the tokens present.
        present: String,
    },
    /// More than one token matches.
    #[error("{uri}: {count} tokens match; name one with token=, serial= or slot-id=")]
    AmbiguousToken {
        /// The URI.
        uri: String,
        /// How many matched.
        count: usize,
    },
    /// The PIN could not be read.
    #[error("{uri}: cannot read the PIN: {detail}")]
    Pin {
        /// The URI.
        uri: String,
        /// What failed (a file name, never the PIN).
        detail: String,
    },
    /// The token refused the PIN.
    #[error("{uri}: the token refused the user PIN (wrong PIN)")]
    WrongPin {
        /// The URI.
        uri: String,
    },
    /// The user PIN is locked.
    #[error("{uri}: the token's user PIN is locked (too many wrong PINs); its security officer must unlock it")]
    Locked {
        /// The URI.
        uri: String,
    },
    /// The token's user PIN was never set (`C_InitPIN`), so nobody can log in.
    #[error(
        "{uri}: the token's user PIN was never initialised; its security officer must set it first (e.g. pkcs11-tool --init-pin --login --login-type so)"
    )]
    PinNotInitialized {
        /// The URI.
        uri: String,
    },
    /// No key object matches.
    #[error("{uri}: no {what} on the token matches the URI's object=/id=")]
    NoObject {
        /// The URI.
        uri: String,
        /// What was looked for.
        what: &'static str,
    },
    /// More than one key object matches.
    #[error("{uri}: {count} {what}s match; add object= or id= to name one")]
    AmbiguousObject {
        /// The URI.
        uri: String,
        /// What was looked for.
        what: &'static str,
        /// How many matched.
        count: usize,
    },
    /// An object already exists where a new key was to be made.
    #[error("{uri}: the token already holds a key with this object=/id=; choose another label")]
    Exists {
        /// The URI.
        uri: String,
    },
    /// The key or the token's mechanisms are not ones Lading signs with.
    #[error("{uri}: {detail}")]
    Unsupported {
        /// The URI.
        uri: String,
        /// What is unsupported.
        detail: String,
    },
    /// The URI lacks something this operation needs.
    #[error("{uri}: {detail}")]
    Uri {
        /// The URI.
        uri: String,
        /// What is missing.
        detail: String,
    },
    /// Any other PKCS#11 failure.
    #[error("{uri}: PKCS#11 {detail}")]
    Token {
        /// The URI.
        uri: String,
        /// The function and return value.
        detail: String,
    },
}

/// Where the module and PIN come from when the URI does not say
/// (`LADING_PKCS11_MODULE`, `LADING_PKCS11_PIN_FILE`, read by the caller).
#[derive(Debug, Clone, Default)]
pub struct Fallbacks {
    /// The module to load when the URI has no `module-path`.
    pub module: Option<PathBuf>,
    /// The PIN file to read when the URI has no `pin-source`.
    pub pin_file: Option<PathBuf>,
}

/// A vendor mechanism for SM2 signatures (SM3 with the default user id
/// hashed in), for modules certified in China that offer one.
///
/// Standard PKCS#11 (3.1) defines no SM2 mechanism; vendors number their
/// own (`CKM_VENDOR_DEFINED | n`) and their own key type. Lading signs an
/// SM2 key only when told the mechanism, through the URI's vendor attribute
/// `x-sm2-mechanism=0x…` (the number from the module's documentation).
/// The mechanism must take the message (it computes Z and SM3 itself) and
/// return raw `r ‖ s`, which Lading converts to DER. SoftHSM2 has no SM2, so
/// this path is not tested here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sm2Mechanism(pub u64);

impl Sm2Mechanism {
    /// The mechanism named by the URI's `x-sm2-mechanism`, if any.
    pub fn from_uri(uri: &Pkcs11Uri) -> Result<Option<Self>, String> {
        let Some((_, value)) = uri.vendor.iter().find(|(n, _)| n == "x-sm2-mechanism") else { return Ok(None) };
        let digits = value.strip_prefix("0x").or_else(|| value.strip_prefix("0X"));
        let n = match digits {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => value.parse(),
        };
        n.map(|n| Some(Sm2Mechanism(n))).map_err(|_| format!("x-sm2-mechanism={value:?} is not a number"))
    }
}

/// The process's PKCS#11 contexts, one per module: `C_Initialize` may run
/// once per process, and finalising one signer's context must not pull the
/// module from under another's.
fn context(module: &Path) -> Result<Pkcs11, String> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let modules = MODULES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut modules = modules.lock().map_err(|_| "a PKCS#11 thread panicked".to_owned())?;
    if let Some(ctx) = modules.get(module) {
        return Ok(ctx.clone());
    }
    if !module.is_file() {
        return Err("no such file".into());
    }
    let ctx = Pkcs11::new(module).map_err(|e| e.to_string())?;
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(e.to_string()),
    }
    modules.insert(module.to_owned(), ctx.clone());
    Ok(ctx)
}

/// An open token: its module context, slot, and a logged-in session.
struct Opened {
    session: Session,
    slot: Slot,
    ctx: Pkcs11,
}

fn token_error(uri: &str, e: CkError) -> Pkcs11Error {
    match e {
        CkError::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange, _) => {
            Pkcs11Error::WrongPin { uri: uri.to_owned() }
        }
        CkError::Pkcs11(RvError::PinLocked, _) => Pkcs11Error::Locked { uri: uri.to_owned() },
        CkError::Pkcs11(RvError::UserPinNotInitialized, _) => Pkcs11Error::PinNotInitialized { uri: uri.to_owned() },
        CkError::Pkcs11(RvError::MechanismInvalid, f) => Pkcs11Error::Unsupported {
            uri: uri.to_owned(),
            detail: format!("the token does not offer the mechanism ({f})"),
        },
        other => Pkcs11Error::Token { uri: uri.to_owned(), detail: other.to_string() },
    }
}

fn read_pin(uri: &Pkcs11Uri, shown: &str, fallbacks: &Fallbacks) -> Result<Option<AuthPin>, Pkcs11Error> {
    let path = match uri.pin_file() {
        Some(Ok(p)) => PathBuf::from(p),
        Some(Err(detail)) => return Err(Pkcs11Error::Pin { uri: shown.to_owned(), detail }),
        None => match &fallbacks.pin_file {
            Some(p) => p.clone(),
            None => return Ok(None),
        },
    };
    let bytes = Zeroizing::new(
        std::fs::read(&path)
            .map_err(|e| Pkcs11Error::Pin { uri: shown.to_owned(), detail: format!("{}: {e}", path.display()) })?,
    );
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Pkcs11Error::Pin { uri: shown.to_owned(), detail: format!("{} is not UTF-8", path.display()) })?;
    // One trailing line end is the file's, not the PIN's.
    let pin = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    Ok(Some(AuthPin::from(pin)))
}

fn open(uri: &Pkcs11Uri, fallbacks: &Fallbacks, read_write: bool) -> Result<Opened, Pkcs11Error> {
    let shown = uri.to_string();
    let module = match (&uri.module_path, &fallbacks.module) {
        (Some(p), _) => PathBuf::from(p),
        (None, Some(p)) => p.clone(),
        (None, None) => return Err(Pkcs11Error::NoModule { uri: shown }),
    };
    let ctx = context(&module).map_err(|detail| Pkcs11Error::Module {
        uri: shown.clone(),
        module: module.display().to_string(),
        detail,
    })?;
    let slots = ctx.get_slots_with_token().map_err(|e| token_error(&shown, e))?;
    let mut matching = Vec::new();
    let mut present = Vec::new();
    for slot in slots {
        let info = ctx.get_token_info(slot).map_err(|e| token_error(&shown, e))?;
        present.push(format!("{:?}", info.label().trim_end()));
        let fits = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have.trim_end());
        if fits(&uri.token, info.label())
            && fits(&uri.serial, info.serial_number())
            && fits(&uri.manufacturer, info.manufacturer_id())
            && fits(&uri.model, info.model())
            && uri.slot_id.is_none_or(|id| id == slot.id())
        {
            matching.push((slot, info));
        }
    }
    let (slot, info) = match matching.len() {
        1 => matching.remove(0),
        0 => return Err(Pkcs11Error::NoToken { uri: shown, present: present.join(", ") }),
        count => return Err(Pkcs11Error::AmbiguousToken { uri: shown, count }),
    };
    if info.user_pin_locked() {
        return Err(Pkcs11Error::Locked { uri: shown });
    }
    if info.login_required() && !info.user_pin_initialized() {
        return Err(Pkcs11Error::PinNotInitialized { uri: shown });
    }
    let session = if read_write { ctx.open_rw_session(slot) } else { ctx.open_ro_session(slot) }
        .map_err(|e| token_error(&shown, e))?;
    match read_pin(uri, &shown, fallbacks)? {
        Some(pin) => match session.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(token_error(&shown, e)),
        },
        None if info.login_required() => {
            return Err(Pkcs11Error::Pin {
                uri: shown,
                detail: "the token needs a PIN: add ?pin-source=file:/path to the URI or set LADING_PKCS11_PIN_FILE"
                    .into(),
            });
        }
        None => {}
    }
    Ok(Opened { session, slot, ctx })
}

fn key_template(uri: &Pkcs11Uri, class: ObjectClass) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(class)];
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    template
}

fn find_one(
    session: &Session,
    uri: &Pkcs11Uri,
    shown: &str,
    class: ObjectClass,
    what: &'static str,
) -> Result<ObjectHandle, Pkcs11Error> {
    let found = session.find_objects(&key_template(uri, class)).map_err(|e| token_error(shown, e))?;
    match found.len() {
        1 => Ok(found[0]),
        0 => Err(Pkcs11Error::NoObject { uri: shown.to_owned(), what }),
        count => Err(Pkcs11Error::AmbiguousObject { uri: shown.to_owned(), what, count }),
    }
}

/// The public key of the public-key object `handle`.
fn public_key(
    session: &Session,
    handle: ObjectHandle,
    shown: &str,
    sm2: Option<Sm2Mechanism>,
) -> Result<VerifyingKey, Pkcs11Error> {
    let unsupported = |detail: String| Pkcs11Error::Unsupported { uri: shown.to_owned(), detail };
    let attrs = session
        .get_attributes(handle, &[AttributeType::KeyType, AttributeType::EcParams, AttributeType::EcPoint])
        .map_err(|e| token_error(shown, e))?;
    let (mut key_type, mut params, mut point) = (None, None, None);
    for a in attrs {
        match a {
            Attribute::KeyType(t) => key_type = Some(t),
            Attribute::EcParams(p) => params = Some(p),
            Attribute::EcPoint(p) => point = Some(p),
            _ => {}
        }
    }
    let point =
        point.ok_or_else(|| unsupported("the public key has no CKA_EC_POINT (not an EC or EdDSA key)".into()))?;
    // CKA_EC_POINT is a DER OCTET STRING around the point; some modules
    // store the bare point.
    let raw = match point.as_slice() {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && rest.len() < 128 => rest.to_vec(),
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest.to_vec(),
        other => other.to_vec(),
    };
    let params = params.unwrap_or_default();
    let (algorithm, spki) = if key_type == Some(KeyType::EC_EDWARDS) {
        if params != ED25519_PARAMS && params != ED25519_PARAMS_NAME {
            return Err(unsupported("the EdDSA key is not on Ed25519 (Ed448 is not supported)".into()));
        }
        (Algorithm::Ed25519, spki_der(&[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70], &raw))
    } else if key_type == Some(KeyType::EC) && params == P256_PARAMS {
        (
            Algorithm::P256,
            spki_der(
                &[
                    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                    0xce, 0x3d, 0x03, 0x01, 0x07,
                ],
                &raw,
            ),
        )
    } else if params == SM2_PARAMS {
        if sm2.is_none() {
            return Err(unsupported(
                "the key is SM2, which standard PKCS#11 cannot sign; add the module's vendor mechanism as x-sm2-mechanism=0x… (see docs/keys.md)".into(),
            ));
        }
        (
            Algorithm::Sm2,
            spki_der(
                &[
                    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x81, 0x1c,
                    0xcf, 0x55, 0x01, 0x82, 0x2d,
                ],
                &raw,
            ),
        )
    } else {
        return Err(unsupported(format!(
            "the key (type {}) is not Ed25519, P-256 or SM2",
            key_type.map_or_else(|| "unknown".to_owned(), |t| t.to_string())
        )));
    };
    let key = VerifyingKey::from_spki_der(&spki)
        .map_err(|e| unsupported(format!("the token's public key is not a valid {algorithm} key: {e}")))?;
    Ok(key)
}

/// SPKI DER: `SEQUENCE { algorithm, BIT STRING point }` (short forms only:
/// every supported key fits in 127 bytes).
fn spki_der(algorithm: &[u8], point: &[u8]) -> Vec<u8> {
    let bit_string_len = point.len() + 1;
    let inner_len = algorithm.len() + 2 + bit_string_len;
    let mut out = Vec::with_capacity(inner_len + 2);
    out.push(0x30);
    out.push(u8::try_from(inner_len).unwrap_or(0));
    out.extend_from_slice(algorithm);
    out.push(0x03);
    out.push(u8::try_from(bit_string_len).unwrap_or(0));
    out.push(0);
    out.extend_from_slice(point);
    out
}

/// How a key in the token signs.
#[derive(Debug, Clone, Copy)]
enum How {
    /// `CKM_EDDSA` over the message.
    Eddsa,
    /// `CKM_ECDSA_SHA256` over the message.
    EcdsaSha256,
    /// `CKM_ECDSA` over the SHA-256 digest computed here.
    EcdsaDigest,
    /// A vendor SM2 mechanism over the message.
    Sm2(Sm2Mechanism),
}

/// A [`Signer`] whose private key stays in a PKCS#11 token.
///
/// One logged-in session, used by one signature at a time. Each signature
/// is verified with the public key before it is returned, so a token that
/// holds another key than the one named, or returns garbage, cannot produce
/// a signed document nobody can verify.
pub struct TokenSigner {
    uri: String,
    session: Mutex<Session>,
    key: ObjectHandle,
    public: VerifyingKey,
    how: How,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenSigner({})", self.uri)
    }
}

impl TokenSigner {
    /// Opens the private key `uri` names (and its public key, same label or id).
    pub fn open(uri: &Pkcs11Uri, fallbacks: &Fallbacks) -> Result<Self, Pkcs11Error> {
        let shown = uri.to_string();
        if uri.object.is_none() && uri.id.is_none() {
            return Err(Pkcs11Error::Uri { uri: shown, detail: "name the key with object=LABEL or id=%XX…".into() });
        }
        let sm2 = Sm2Mechanism::from_uri(uri).map_err(|detail| Pkcs11Error::Uri { uri: shown.clone(), detail })?;
        let opened = open(uri, fallbacks, false)?;
        let key = find_one(&opened.session, uri, &shown, ObjectClass::PRIVATE_KEY, "private key")?;
        let public_handle = find_one(&opened.session, uri, &shown, ObjectClass::PUBLIC_KEY, "public key")?;
        let public = public_key(&opened.session, public_handle, &shown, sm2)?;
        let mechanisms = opened.ctx.get_mechanism_list(opened.slot).map_err(|e| token_error(&shown, e))?;
        let has = |m: MechanismType| mechanisms.contains(&m);
        let how = match public.algorithm() {
            Algorithm::Ed25519 if has(MechanismType::EDDSA) => How::Eddsa,
            Algorithm::P256 if has(MechanismType::ECDSA_SHA256) => How::EcdsaSha256,
            Algorithm::P256 if has(MechanismType::ECDSA) => How::EcdsaDigest,
            Algorithm::Sm2 => match sm2 {
                Some(m) => How::Sm2(m),
                None => {
                    return Err(Pkcs11Error::Unsupported { uri: shown, detail: "SM2 needs x-sm2-mechanism".into() });
                }
            },
            other => {
                return Err(Pkcs11Error::Unsupported {
                    uri: shown,
                    detail: format!("the token offers no mechanism that signs with its {other} key"),
                });
            }
        };
        Ok(Self { uri: shown, session: Mutex::new(opened.session), key, public, how })
    }

    fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let session = self.session.lock().map_err(|_| "a signing thread panicked".to_owned())?;
        let sign = |mechanism: &Mechanism<'_>, data: &[u8]| {
            session.sign(mechanism, self.key, data).map_err(|e| token_error(&self.uri, e).to_string())
        };
        match self.how {
            How::Eddsa => sign(&Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Ed25519)), message),
            How::EcdsaSha256 => sign(&Mechanism::EcdsaSha256, message).and_then(|raw| der(&raw)),
            How::EcdsaDigest => sign(&Mechanism::Ecdsa, &sha2::Sha256::digest(message)).and_then(|raw| der(&raw)),
            How::Sm2(m) => {
                let mechanism = MechanismType::new_vendor_defined(m.0).map_err(|e| e.to_string())?;
                let vendor = cryptoki::mechanism::vendor_defined::VendorDefinedMechanism::new::<()>(mechanism, None);
                sign(&Mechanism::VendorDefined(vendor), message).and_then(|raw| der(&raw))
            }
        }
    }
}

fn der(raw: &[u8]) -> Result<Vec<u8>, String> {
    lading_crypto::signer::ecdsa_raw_to_der(raw)
}

impl Signer for TokenSigner {
    fn verifying_key(&self) -> VerifyingKey {
        self.public.clone()
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let failed = |reason: String| SignError { signer: self.uri.clone(), reason };
        let signature = self.sign_raw(message).map_err(failed)?;
        self.public
            .verify(message, &signature)
            .map_err(|e| failed(format!("the token's signature does not verify with its public key: {e}")))?;
        Ok(signature)
    }

    fn describe(&self) -> String {
        self.uri.clone()
    }

    /// Each signature is verified in [`Signer::try_sign`] before it is returned.
    fn signatures_need_no_check(&self) -> bool {
        true
    }

    fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }
}

/// Generates a key pair of `algorithm` inside the token `uri` names, with
/// the URI's `object` label (and `id`, or a random one): the private key
/// sensitive and never extractable. Refuses to touch a token that already
/// holds a key with that label or id. Returns the public key.
pub fn generate(uri: &Pkcs11Uri, fallbacks: &Fallbacks, algorithm: Algorithm) -> Result<VerifyingKey, Pkcs11Error> {
    let shown = uri.to_string();
    let Some(label) = uri.object.clone() else {
        return Err(Pkcs11Error::Uri { uri: shown, detail: "name the new key with object=LABEL".into() });
    };
    let (mechanism, params) = match algorithm {
        Algorithm::Ed25519 => (Mechanism::EccEdwardsKeyPairGen, ED25519_PARAMS),
        Algorithm::P256 => (Mechanism::EccKeyPairGen, P256_PARAMS),
        Algorithm::Sm2 => {
            return Err(Pkcs11Error::Unsupported {
                uri: shown,
                detail: "generating SM2 keys in a token is vendor-specific; make the key with the vendor's tool and use it by URI".into(),
            });
        }
    };
    let opened = open(uri, fallbacks, true)?;
    for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
        let by_label = Pkcs11Uri { object: Some(label.clone()), ..Pkcs11Uri::default() };
        let by_id = Pkcs11Uri { id: uri.id.clone(), ..Pkcs11Uri::default() };
        let label_taken = !opened
            .session
            .find_objects(&key_template(&by_label, class))
            .map_err(|e| token_error(&shown, e))?
            .is_empty();
        let id_taken = uri.id.is_some()
            && !opened
                .session
                .find_objects(&key_template(&by_id, class))
                .map_err(|e| token_error(&shown, e))?
                .is_empty();
        if label_taken || id_taken {
            return Err(Pkcs11Error::Exists { uri: shown });
        }
    }
    let id = match &uri.id {
        Some(id) => id.clone(),
        None => sha2::Sha256::digest(format!("{label}\0{:?}", std::time::SystemTime::now()))
            .get(..8)
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
    };
    let public_template = vec![
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::EcParams(params.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id.clone()),
    ];
    let private_template = vec![
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id),
    ];
    let (public_handle, private_handle) = opened
        .session
        .generate_key_pair(&mechanism, &public_template, &private_template)
        .map_err(|e| token_error(&shown, e))?;
    match public_key(&opened.session, public_handle, &shown, None) {
        Ok(key) => Ok(key),
        Err(e) => {
            // Nothing half-made stays behind.
            let _ = opened.session.destroy_object(private_handle);
            let _ = opened.session.destroy_object(public_handle);
            Err(e)
        }
    }
}

/// The public key of the key `uri` names (a private or public key object).
pub fn show(uri: &Pkcs11Uri, fallbacks: &Fallbacks) -> Result<VerifyingKey, Pkcs11Error> {
    let shown = uri.to_string();
    let sm2 = Sm2Mechanism::from_uri(uri).map_err(|detail| Pkcs11Error::Uri { uri: shown.clone(), detail })?;
    let opened = open(uri, fallbacks, false)?;
    let public_handle = find_one(&opened.session, uri, &shown, ObjectClass::PUBLIC_KEY, "public key")?;
    public_key(&opened.session, public_handle, &shown, sm2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki::context::Function;

    const URI: &str = "pkcs11:token=t;object=k?module-path=/m.so&pin-source=file:/secret/pin";

    /// SoftHSM2 never locks a PIN (it sets CKF_USER_PIN_COUNT_LOW after a
    /// wrong one, and the right PIN still works), so the locked state is
    /// mapped here from the return value a locking HSM gives.
    #[test]
    fn a_locked_pin_and_other_login_failures_are_clear_errors_naming_the_uri() {
        let cases = [
            (RvError::PinLocked, "user PIN is locked"),
            (RvError::PinIncorrect, "wrong PIN"),
            (RvError::UserPinNotInitialized, "never initialised"),
            (RvError::MechanismInvalid, "does not offer the mechanism"),
            (RvError::DeviceRemoved, "PKCS#11"),
        ];
        for (rv, expected) in cases {
            let text = token_error(URI, CkError::Pkcs11(rv, Function::Login)).to_string();
            assert!(text.starts_with(URI) && text.contains(expected), "{rv:?}: {text}");
        }
        assert!(matches!(
            token_error(URI, CkError::Pkcs11(RvError::PinLocked, Function::Login)),
            Pkcs11Error::Locked { .. }
        ));
    }
}
