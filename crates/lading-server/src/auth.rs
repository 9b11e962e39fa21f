//! Bearer API tokens: minting, hashing, checking, rate limiting.
//!
//! A token is `lad_<id>_<secret>`: `id` is 8 hex digits shown in listings,
//! `secret` 32 random bytes in base64url. Only the SHA-256 of the whole token
//! is stored; a presented token is hashed, looked up by hash and the stored
//! hash compared in constant time.

use std::num::NonZeroU32;

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lading_log::{Registry, Scope, TokenRecord};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::error::ApiError;

/// A freshly minted token: the secret to show once, and the record to store.
pub struct NewToken {
    /// The token, to give to its holder (never stored).
    pub token: String,
    /// What the registry keeps.
    pub record: TokenRecord,
}

/// SHA-256 of a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// Mints a token for `log` with `scope`.
pub fn mint(log: &str, scope: Scope, label: &str, now: i64) -> Result<NewToken, ApiError> {
    let mut id = [0u8; 4];
    let mut secret = [0u8; 32];
    getrandom::fill(&mut id)
        .and_then(|()| getrandom::fill(&mut secret))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = hex::encode(id);
    let token = format!("lad_{id}_{}", URL_SAFE_NO_PAD.encode(secret));
    let record = TokenRecord {
        id,
        hash: token_hash(&token),
        log: log.to_owned(),
        scope,
        label: label.to_owned(),
        created_at: now,
        revoked_at: None,
    };
    Ok(NewToken { token, record })
}

/// Per-token request limits.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<String>,
}

impl Limiter {
    /// `per_second` requests per token, with bursts of twice that.
    pub fn new(per_second: u32) -> Self {
        let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(per_second.max(1).saturating_mul(2)).unwrap_or(NonZeroU32::MIN);
        Self { inner: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)) }
    }
}

/// Checks the bearer token of a request for `log` and `needed`; returns its record.
pub async fn authorize<R: Registry>(
    registry: &R,
    limiter: &Limiter,
    headers: &HeaderMap,
    log: &str,
    needed: Scope,
) -> Result<TokenRecord, ApiError> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("missing Authorization: Bearer token".into()))?;
    let token = value
        .to_str()
        .ok()
        // RFC 9110 §11.1: the scheme is case-insensitive.
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| t.starts_with("lad_") && t.len() < 200)
        .ok_or_else(|| ApiError::Unauthorized("Authorization must be `Bearer lad_…`".into()))?;
    let hash = token_hash(token);
    let record = registry
        .token_by_hash(hash)
        .await?
        .filter(|r| bool::from(r.hash.ct_eq(&hash)))
        .ok_or_else(|| ApiError::Unauthorized("unknown token".into()))?;
    if record.revoked_at.is_some() {
        return Err(ApiError::Unauthorized(format!("token {} was revoked", record.id)));
    }
    if record.log != log {
        return Err(ApiError::Forbidden(format!("token {} is for log {:?}, not {log:?}", record.id, record.log)));
    }
    if !record.scope.allows(needed) {
        return Err(ApiError::Forbidden(format!(
            "token {} has scope {}, {} is needed",
            record.id, record.scope, needed
        )));
    }
    if limiter.inner.check_key(&record.id).is_err() {
        return Err(ApiError::TooManyRequests(format!("token {} is over its rate limit", record.id)));
    }
    Ok(record)
}
