//! Why a check held or failed, as a code with named values.
//!
//! A verdict is read by people in more than one language, so a check's
//! reason is not a formatted English sentence but a [`ReasonCode`] — whose
//! [English template](ReasonCode::english) names its values in braces — and
//! the values themselves. Renderers in other languages keep one template per
//! code (the web console matches on the code, so the compiler finds a code
//! without a translation). Values are data: key ids, times, paths, names,
//! and the error text of a parser, which stays as the parser wrote it.

use std::fmt;

use serde::Serialize;

macro_rules! reasons {
    ($($(#[doc = $doc:literal])* $code:ident => $en:literal,)*) => {
        /// What a check's reason says; see [`ReasonCode::english`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum ReasonCode {
            $($(#[doc = $doc])* $code,)*
        }

        impl ReasonCode {
            /// Every code.
            pub const ALL: &[ReasonCode] = &[$(ReasonCode::$code,)*];

            /// The English template; `{name}` stands for the value `name`.
            pub fn english(self) -> &'static str {
                match self {
                    $(ReasonCode::$code => $en,)*
                }
            }
        }
    };
}

reasons! {
    /// A parser's or verifier's own error text, given as is.
    Error => "{error}",
    /// A member could not be read.
    MemberUnreadable => "{path}: {error}",
    /// A credential that does not verify.
    CredentialInvalid => "{path}: {error}",
    /// A role that must appear once is absent.
    MemberAbsent => "the bundle has no {role} member",
    /// A role that must appear once appears more often.
    MemberRepeated => "the bundle has {count} {role} members; one is expected",
    /// The package is of another kind.
    NotABundle => "a {kind} package, not an evidence bundle",
    /// Every member matches its digest.
    BundleIntact => "{count} members, each matching its digest in bundle.json",
    /// No operator key of the policy verifies the white list.
    TrustListUnrecognised => "{path} is not signed by an operator this policy recognises ({why})",
    /// The white list verifies.
    TrustListSigned => "{list} sequence {sequence} signed by {operator} ({zone})",
    /// The white list is at least as new as the policy requires.
    TrustListRecentEnough => "sequence {sequence} ≥ {min}, the oldest the policy accepts from {operator}",
    /// The white list is older than the policy accepts.
    TrustListReplayed => "sequence {sequence} is older than {min}, the oldest the policy accepts from {operator}: an old list replayed?",
    /// A stale white list the policy refuses.
    TrustListStaleRefused => "stale: its next update was due {due}; the policy requires a fresh list",
    /// A stale white list the policy accepts.
    TrustListStaleAccepted => "stale: its next update was due {due}; accepted, the policy does not require fresh lists",
    /// The white list is current.
    TrustListCurrent => "current until {until}",
    /// The white list is dated after the moment of verification.
    TrustListFromTheFuture => "issued at {issued}, in the future of the verification time {now} (more than 5 minutes' clock skew): refused",
    /// A credential of the wrong type.
    WrongCredentialType => "{path}: not a {credential_type}",
    /// A credential's issuer.
    SignedBy => "signed by {issuer}",
    /// A receipt proves the entry under a trusted log.
    ReceiptVerifies => "receipt verifies: index {index} of {origin} (size {size})",
    /// A receipt proves the entry under a trusted log, cosigned by trusted witnesses.
    ReceiptWitnessed => "receipt verifies: index {index} of {origin} (size {size}), cosigned by {witnesses}",
    /// No receipt proves the statement.
    StatementNotLogged => "no receipt proves the statement is in a log this policy trusts",
    /// No receipt proves a deliverable.
    DeliverableNotLogged => "no receipt proves its envelope is in a log this policy trusts",
    /// The time of logging comes from witnesses.
    LoggedAtWitnessed => "{time} (earliest of {count} trusted witness cosignature(s))",
    /// No witness time, and the policy requires one.
    WitnessedTimeRequired => "no trusted witness cosigned the receipt's checkpoint; the policy requires a witnessed time",
    /// The time of logging is the provider's claim.
    LoggedAtClaimed => "{time} (claimed by the provider: the proof's created time; no witness cosignature)",
    /// The statement's key is not on the white list.
    StatementKeyNotListed => "the statement's signing key {key} is not on the list",
    /// The provider is granted.
    ProviderGranted => "{name}: granted since {since}",
    /// The provider is suspended or withdrawn.
    ProviderNotGranted => "{name} was {status} at {at} (since {since}: {why})",
    /// The entity was not on the list yet.
    NotYetListed => "{name} was not yet listed at {at}",
    /// The provider's key was outside its validity.
    ProviderKeyNotValid => "{name}'s key {key} was not valid at {at}",
    /// The statement's signer is listed in another role.
    NotAProvider => "{name} is listed as a {role}, not a provider",
    /// The bundle carries no certificate.
    NoCertificate => "the bundle has no certificate",
    /// A member the statement names is absent.
    NamedButMissing => "named by the statement but missing from the bundle (sha256 {sha256})",
    /// A member the statement does not name.
    NotNamedByStatement => "in the bundle but not named by the statement",
    /// A conformity report no certificate names.
    ReportNotNamed => "in the bundle but named by no certificate",
    /// An attachment a verified deliverable names by digest.
    AttachmentNamed => "named by digest in deliverable {by}",
    /// An attachment no verified deliverable names.
    AttachmentNotNamed => "in the bundle but named by digest in no verified deliverable: unsigned bytes",
    /// A receipt that proves neither the statement nor a verified deliverable.
    ReceiptProvesNothing => "proves neither the statement nor a verified deliverable under the policy's logs",
    /// A member whose role no verifier knows.
    UnknownRole => "role {role} is not one of an evidence bundle: its bytes are no evidence",
    /// No certificate covers a kind.
    NotCertified => "no valid certificate from an accredited body covers {kind}",
    /// The certificates covering a kind.
    CertifiedBy => "by {certificates}",
    /// The statement names no deliverable.
    NoDeliverables => "the statement names no deliverable",
    /// A certificate that does not verify at the time of logging.
    CertificateInvalid => "{error} (judged at the time of logging)",
    /// A certificate that verifies.
    CertificateValid => "signed by {issuer}, valid at {at}",
    /// A credential that is not of the expected type.
    NotOfType => "not a {credential_type}",
    /// The certificate's issuer is not on the white list.
    IssuerNotListed => "{issuer} is not on the white list",
    /// The certificate's issuer is listed in another role.
    NotACertificationBody => "{id} is listed as a {role}, not a certification body",
    /// The body is accredited for the certificate's scope.
    BodyAccredited => "{name} ({id}) accredited for {scope}",
    /// The body is not accredited for part of the scope.
    BodyNotAccreditedFor => "{id} is not accredited for {kinds}",
    /// The body was suspended or withdrawn.
    BodyNotGranted => "{id} was {status} at {at}",
    /// The certificate names this provider.
    IssuedTo => "issued to {provider}",
    /// The certificate names another provider.
    IssuedToAnother => "issued to {named}, but the statement is {provider}'s",
    /// The conformity report is not carried.
    ReportNotCarried => "not in the bundle; the certificate names its digest",
    /// The conformity report records a pass.
    ReportPassed => "{path} passed, as the certificate says",
    /// The conformity report does not record a pass.
    ReportNotPassed => "{path} does not record a pass",
    /// The statement names another kind than the deliverable's.
    KindMismatch => "the statement says {named}, the deliverable is a {kind}",
    /// The deliverable's key is on no entry of the list.
    SignerNotListed => "signed by key {key}, which is not on the white list",
    /// A certificate-bound signature attributed to its entity.
    CertificateSigner => "certificate of {subject} ({registration_id}) valid via {anchor} at {time} (the statement's established time)",
    /// The same, judged at the time of a trusted RFC 3161 timestamp over the signature.
    CertificateSignerTimestamped => "certificate of {subject} ({registration_id}) valid via {anchor} at {time} (RFC 3161 timestamp by {tsa} (serial {serial}))",
    /// The same, at the statement's time: the bundle's timestamps cannot be judged.
    CertificateSignerTimestampsUntrusted => "certificate of {subject} ({registration_id}) valid via {anchor} at {time} (the statement's established time; its timestamps are not trusted: the policy pins no TSA roots)",
    /// A certificate-bound deliverable's chain, judged at the time of a certification body's evaluation.
    CertificateSignerAtEvaluation => "certificate of {subject} ({registration_id}) valid via {anchor} at {time} (the time of evaluation)",
    /// The same, its timestamps not trusted for want of TSA roots.
    CertificateSignerAtEvaluationTimestampsUntrusted => "certificate of {subject} ({registration_id}) valid via {anchor} at {time} (the time of evaluation; its timestamps are not trusted: no TSA roots were given)",
    /// Every non-anchor certificate of a validated path is on its issuer's newest carried CRL's good side.
    RevocationChecked => "not revoked at {time}: {count} certificate(s) checked against CRLs the bundle carries (newest thisUpdate {this_update})",
    /// Revocation checked at a certification body's evaluation.
    RevocationCheckedAtEvaluation => "not revoked at {time}: {count} certificate(s) checked against the CRLs given and those the bundle carries (newest thisUpdate {this_update})",
    /// Revocation not checked at a certification body's evaluation.
    RevocationNotCheckedAtEvaluation => "revocation not checked for {subjects}: no CRL of their issuer was given (--crl) or carried by the bundle",
    /// A certificate of a validated path whose issuer's CRL the bundle does not carry.
    RevocationNotChecked => "revocation not checked for {subjects}: the bundle carries no CRL of their issuer",
    /// The policy requires revocation data and the bundle lacks it.
    RevocationDataRequired => "revocation not checked for {subjects}: the bundle carries no CRL of their issuer, and the policy requires one",
    /// A certificate revoked after the time it was judged at.
    RevokedAfterSigning => "{subject} was revoked at {revoked_at}, after {time}, the time it is judged at: signatures made before stay valid",
    /// A carried CRL that does not parse.
    CrlUnreadable => "{path}: not a CRL (PEM or DER): {error}",
    /// A carried CRL no certificate of a validated path issued.
    CrlNotUsed => "issued by {issuer}, which issued no certificate of a path that validated: no signature over it was checked",
    /// A carried CRL signed by a certificate of a validated path.
    CrlUsed => "issued by {issuer}, thisUpdate {this_update}, nextUpdate {next_update}; its signature verifies",
    /// An RFC 3161 timestamp over the statement's bytes.
    StatementTimestamped => "{time} by {tsa} (serial {serial}), over the statement's exact bytes",
    /// A statement timestamp with no TSA roots pinned to judge it.
    TimestampUntrusted => "the policy pins no TSA roots (tsa_roots): this timestamp cannot be verified",
    /// The time of logging comes from an RFC 3161 timestamp over the statement.
    LoggedAtTimestamped => "{time} (RFC 3161 timestamp by {tsa}, serial {serial}: the statement existed then)",
    /// The statement's key certified by a chain the white list attributes to the provider.
    StatementCertificate => "certificate of {subject} ({registration_id}) valid via {anchor} at {time}, the statement's established time",
    /// The deliverable's key is someone else's.
    SignerNotTheProvider => "signed by key {key}, which is {owner}'s, not the provider's",
    /// The provider is not listed for the deliverable's kind.
    ProviderOutOfScope => "{provider} is not listed for {kind}",
    /// The envelope's signature verifies.
    SignedByKey => "signed by key {key}",
    /// A release package verifies.
    ReleaseVerifies => "{service} {version} verifies: {count} SBOM(s)",
    /// A segment package is complete.
    SegmentComplete => "{count} events, complete and in order under the stream's signed checkpoint",
    /// A segment's document names no checkpoint origin.
    SegmentNoOrigin => "the segment names no checkpoint origin",
    /// A segment's document did not verify.
    SegmentDocumentInvalid => "the segment document did not verify",
    /// A stream key of another algorithm.
    StreamKeyNotEd25519 => "a stream's log key is Ed25519",
    /// Signed by another key than the one given.
    NotTheProvidersKey => "signed by key {key}, not the provider's {provider_key}",
    /// A credentialStatus that cannot be read.
    StatusEntryInvalid => "credentialStatus: {error}",
    /// No carried status list is the one an entry names.
    StatusListMissing => "the bundle carries no status list {list}; the {purpose} status cannot be checked",
    /// A carried status list that does not fit the entry (issuer, purpose, range).
    StatusListRefused => "{path}: {error}",
    /// The newest carried status list is older than the policy accepts.
    StatusListStale => "status list {list} version {version} was issued {issued}, {age} ago; the policy accepts status information at most {max} old",
    /// Not revoked / suspended.
    StatusClear => "not {word}: {list} version {version} issued {issued} ({age} old) by {issuer}",
    /// Revoked or suspended at the time the statement was established.
    StatusSetBefore => "{word} when the statement was established ({established}): since {since} ({why}); {list} version {version}",
    /// Revoked or suspended after the statement was established: a warning.
    StatusSetAfter => "{word} on {since} ({why}), after the statement was established ({established}); {list} version {version}",
    /// Set, and the list does not say since when.
    StatusSetUnknownSince => "{word} in {list} version {version} issued {issued}, which does not record since when: it may predate the statement ({established})",
    /// A carried status list no credential of the bundle names.
    StatusListNotNamed => "no certificate or statement of this bundle names this status list (from its issuer): it is no evidence",
    /// No receipt proves a carried status list version.
    StatusListNotLogged => "no receipt proves version {version} of this status list is in a log this policy trusts",
    /// A version of the list logged and witnessed before the statement was established already showed it set.
    StatusProvenBefore => "{word} when the statement was established ({established}): {list} version {version}, logged and first witnessed {witnessed}, already has it set",
    /// Set now, but a version logged and witnessed after the statement was established shows it clear then.
    StatusSetAfterLogged => "{word} after the statement was established ({established}): {list} version {logged_version}, logged and first witnessed {witnessed}, shows it valid then; set in version {version} (recorded as of {since}: {why})",
    /// A carried status list version issued after the time of verification.
    StatusListLater => "version {version} was issued {issued}, after the time of verification ({at}): not used",
    /// The statement was revoked by its provider.
    StatementRevoked => "revoked by its provider (since {since}: {why}); {list} version {version}",
}

/// A reason: its code and values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// What it says.
    pub code: ReasonCode,
    /// The values its template names, in the order given.
    #[serde(serialize_with = "as_map")]
    pub args: Vec<(&'static str, String)>,
}

fn as_map<S: serde::Serializer>(args: &[(&'static str, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(args.iter().map(|(k, v)| (*k, v)))
}

/// Builds a [`Reason`]: `reason!(Code, name = value, …)`.
#[macro_export]
macro_rules! reason {
    ($code:ident $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::reason::Reason {
            code: $crate::reason::ReasonCode::$code,
            args: vec![$((stringify!($k), ($v).to_string())),*],
        }
    };
}

impl Reason {
    /// A parser's or verifier's error text, as is.
    pub fn error(e: impl fmt::Display) -> Self {
        Self { code: ReasonCode::Error, args: vec![("error", e.to_string())] }
    }

    /// The value named `name`.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// Fills `template`'s `{name}` placeholders with this reason's values
    /// (through `value`, which may translate them); values are not scanned
    /// again, and an unknown placeholder is kept as written.
    pub fn render_with(&self, template: &str, value: impl Fn(&str, &str) -> String) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').map(|close| (&after[..close], &after[close + 1..])) {
                Some((name, tail)) if self.arg(name).is_some() => {
                    out.push_str(&value(name, self.arg(name).unwrap_or_default()));
                    rest = tail;
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_with(self.code.english(), |_, v| v.to_owned()))
    }
}

/// The `{name}` placeholders of a template, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                out.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_render_their_values_once_and_keep_what_they_do_not_know() {
        let r = reason!(TrustListSigned, list = "Shenzhen {x}", sequence = 7, operator = "op", zone = "SZ");
        assert_eq!(r.to_string(), "Shenzhen {x} sequence 7 signed by op (SZ)");
        assert_eq!(r.render_with("{list}/{nope}/{", |_, v| v.to_owned()), "Shenzhen {x}/{nope}/{");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"code": "trust-list-signed", "args": {"list": "Shenzhen {x}", "sequence": "7", "operator": "op", "zone": "SZ"}})
        );
    }

    #[test]
    fn every_template_names_distinct_plain_placeholders() {
        for code in ReasonCode::ALL {
            let names = placeholders(code.english());
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "{code:?} repeats a placeholder");
        }
    }
}
