//! The console's two languages. Every user-facing string is a field of
//! [`Strings`], so a language missing one does not compile; templates
//! hold no text of their own.

use lading_trust::reason::{Reason, ReasonCode};

/// A language of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Lang {
    /// The BCP 47 tag (`lang` attribute, `?lang=` value).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        }
    }

    /// `?lang=` first, then the first supported language of `Accept-Language`
    /// (by quality), else English.
    pub fn choose(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        match query.map(str::to_ascii_lowercase).as_deref() {
            Some("en") => return Lang::En,
            Some("zh-cn" | "zh") => return Lang::ZhCn,
            _ => {}
        }
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = if tag == "zh" || tag.starts_with("zh-cn") || tag.starts_with("zh-hans") || tag == "zh-sg" {
                Some(Lang::ZhCn)
            } else if tag == "en" || tag.starts_with("en-") {
                Some(Lang::En)
            } else {
                None
            };
            if let Some(l) = lang
                && q > 0.0
                && best.is_none_or(|(b, _)| q > b)
            {
                best = Some((q, l));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }
}

/// Every string the console shows.
#[derive(Debug)]
pub struct Strings {
    /// The product line under the name.
    pub tagline: &'static str,
    /// Navigation: the dashboard.
    pub nav_dashboard: &'static str,
    /// Navigation: verify a bundle.
    pub nav_verify: &'static str,
    /// The language switch's label.
    pub language: &'static str,
    /// Dashboard title.
    pub dashboard_title: &'static str,
    /// Dashboard introduction.
    pub dashboard_intro: &'static str,
    /// Column: log.
    pub col_log: &'static str,
    /// Column: origin.
    pub col_origin: &'static str,
    /// Column: entries.
    pub col_size: &'static str,
    /// Column: witnesses.
    pub col_witnesses: &'static str,
    /// Column: latest cosignature.
    pub col_cosigned: &'static str,
    /// No cosignature yet.
    pub not_cosigned: &'static str,
    /// No logs.
    pub no_logs: &'static str,
    /// After a count of witness cosignatures.
    pub cosignatures: &'static str,
    /// Before the tree size a cosigned checkpoint commits to.
    pub at_size: &'static str,
    /// Verify page title.
    pub verify_title: &'static str,
    /// Verify page introduction.
    pub verify_intro: &'static str,
    /// The bundle field.
    pub field_bundle: &'static str,
    /// The configured-policy field.
    pub field_policy_choice: &'static str,
    /// The uploaded-policy field.
    pub field_policy_upload: &'static str,
    /// No configured policy.
    pub no_policy_configured: &'static str,
    /// The submit button.
    pub verify_button: &'static str,
    /// Nothing is stored.
    pub nothing_stored: &'static str,
    /// Verdict: verified.
    pub verified: &'static str,
    /// Verdict: not verified.
    pub not_verified: &'static str,
    /// Column: check.
    pub col_check: &'static str,
    /// Column: result.
    pub col_result: &'static str,
    /// Column: reason.
    pub col_reason: &'static str,
    /// A check that passed.
    pub pass: &'static str,
    /// A check that holds with a warning.
    pub warn: &'static str,
    /// A check that failed.
    pub fail: &'static str,
    /// A check that did not apply.
    pub not_applicable: &'static str,
    /// The bundle's provider.
    pub provider: &'static str,
    /// When the statement was logged.
    pub logged_at: &'static str,
    /// Error page title.
    pub error_title: &'static str,
    /// Error: no bundle uploaded.
    pub err_no_bundle: &'static str,
    /// Error: no policy chosen or uploaded.
    pub err_no_policy: &'static str,
    /// Error: the chosen policy does not exist.
    pub err_unknown_policy: &'static str,
    /// Error: the policy is malformed.
    pub err_bad_policy: &'static str,
    /// Error: the upload is too large.
    pub err_too_large: &'static str,
    /// Error: the form is malformed.
    pub err_bad_form: &'static str,
    /// Error: as many verifications as the deployment allows are running.
    pub err_busy: &'static str,
    /// Error: no such page.
    pub err_not_found: &'static str,
    /// Back to the form.
    pub back: &'static str,
    /// The log
    pub log_title: &'static str,
    /// Entry index or leaf hash (hex)
    pub search_label: &'static str,
    /// Find
    pub search_button: &'static str,
    /// This log holds no entries yet.
    pub no_entries: &'static str,
    /// Index
    pub col_index: &'static str,
    /// Kind
    pub col_kind: &'static str,
    /// Signer's key id
    pub col_signer: &'static str,
    /// Leaf hash
    pub col_leaf_hash: &'static str,
    /// Pages
    pub pages: &'static str,
    /// Newer
    pub newer: &'static str,
    /// Older
    pub older: &'static str,
    /// Entry
    pub entry_title: &'static str,
    /// Content
    pub entry_content: &'static str,
    /// Inclusion path
    pub inclusion_path: &'static str,
    /// The hashes that connect this entry to the root of the latest checkpoint (RFC 9162); the receipt carries them with the signed checkpoint:
    pub inclusion_intro: &'static str,
    /// download the receipt (c2sp.org/tlog-proof)
    pub download_receipt: &'static str,
    /// root
    pub root: &'static str,
    /// entry
    pub leaf: &'static str,
    /// step
    pub level: &'static str,
    /// left sibling
    pub left_sibling: &'static str,
    /// right sibling
    pub right_sibling: &'static str,
    /// An entry whose signature the service did not verify when it logged it.
    pub unknown_kind: &'static str,
    /// Give an entry index (digits) or a leaf hash (64 hex digits).
    pub err_bad_search: &'static str,
    /// This log has no such entry:
    pub err_no_such_entry: &'static str,
    /// This deployment has no log of that name:
    pub err_no_such_log: &'static str,
    /// The log could not be read:
    pub err_log_unreadable: &'static str,
    /// The verifier's check names (`lading_trust::verify`, English) in this
    /// language: whole names or the parts of `LABEL: PART` names.
    pub check_terms: &'static [(&'static str, &'static str)],
    /// Prefixes of check labels (`certificate X`, `deliverable Y`) in this language.
    pub check_prefixes: &'static [(&'static str, &'static str)],
    /// The verifier's reason templates in this language (placeholders as
    /// in [`ReasonCode::english`]).
    pub reason_template: fn(ReasonCode) -> &'static str,
    /// White list
    pub nav_trust: &'static str,
    /// The white list
    pub trust_title: &'static str,
    /// The providers and certification bodies the pilot-zone authority lists, with the history of their status.
    pub trust_intro: &'static str,
    /// This deployment shows no white list (lading serve --trust-list FILE --trust-list-key KEY).
    pub no_trust_list: &'static str,
    /// Operator
    pub operator: &'static str,
    /// Sequence number
    pub sequence: &'static str,
    /// Issued
    pub issued_at: &'static str,
    /// Next update due
    pub next_update: &'static str,
    /// Entity
    pub col_entity: &'static str,
    /// Role
    pub col_role: &'static str,
    /// Scope
    pub col_scope: &'static str,
    /// Status now
    pub col_status: &'static str,
    /// Keys
    pub col_keys: &'static str,
    /// Status history
    pub history: &'static str,
    /// provider
    pub role_provider: &'static str,
    /// certification body
    pub role_certification_body: &'static str,
    /// granted
    pub status_granted: &'static str,
    /// suspended
    pub status_suspended: &'static str,
    /// withdrawn
    pub status_withdrawn: &'static str,
    /// A status list's purpose: revocation.
    pub purpose_revocation: &'static str,
    /// A status list's purpose: suspension.
    pub purpose_suspension: &'static str,
    /// not yet listed
    pub status_none: &'static str,
    /// Signer on the white list
    pub signer_standing: &'static str,
    /// the key is on no entity of the white list
    pub not_listed: &'static str,
    /// the key is not valid now
    pub key_not_valid: &'static str,
    /// Dashboard: latest checkpoint's age, submissions per minute, witness cosignatures.
    pub dash: DashStrings,
    /// Deliverable views.
    pub view: ViewStrings,
    /// Maintenance stream pages.
    pub streams: StreamStrings,
    /// Admin pages.
    pub admin: AdminStrings,
}

/// The dashboard's live figures. (Each field is the string its name says.)
#[allow(missing_docs)]
#[derive(Debug)]
pub struct DashStrings {
    pub col_age: &'static str,
    pub col_rate: &'static str,
    pub col_cosigned: &'static str,
    pub seconds_ago: &'static str,
    pub never: &'static str,
    pub since_start: &'static str,
}

/// Deliverable views. (Each field is the string its name says.)
#[allow(missing_docs)]
#[derive(Debug)]
pub struct ViewStrings {
    pub title: &'static str,
    pub caution: &'static str,
    pub no_view_for: &'static str,
    /// the package has no member of role
    pub no_member: &'static str,
    /// the package's manifest is not a
    pub manifest_not: &'static str,
    pub unreadable: &'static str,
    pub inspection: &'static str,
    pub lot: &'static str,
    pub part: &'static str,
    pub client: &'static str,
    pub lot_size: &'static str,
    pub inspected: &'static str,
    pub lot_accepted: &'static str,
    pub lot_rejected: &'static str,
    pub imported: &'static str,
    pub sampling_plan: &'static str,
    pub full_inspection: &'static str,
    pub code_letter: &'static str,
    pub sample_size: &'static str,
    pub seed: &'static str,
    pub level: &'static str,
    pub col_class: &'static str,
    pub col_aql: &'static str,
    pub col_accept: &'static str,
    pub col_reject: &'static str,
    pub col_found: &'static str,
    pub non_conforming: &'static str,
    pub none: &'static str,
    pub shown: &'static str,
    pub item: &'static str,
    pub no_image: &'static str,
    pub reviewed: &'static str,
    pub scores: &'static str,
    pub axis_ok_probability: &'static str,
    pub axis_anomaly: &'static str,
    pub axis_detection: &'static str,
    pub items_counted: &'static str,
    pub threshold: &'static str,
    pub model: &'static str,
    pub runtime: &'static str,
    pub release: &'static str,
    pub service: &'static str,
    pub version: &'static str,
    pub channel: &'static str,
    pub released: &'static str,
    pub source: &'static str,
    pub files: &'static str,
    pub col_path: &'static str,
    pub col_size: &'static str,
    pub col_mode: &'static str,
    pub oci_images: &'static str,
    pub components: &'static str,
    pub col_component: &'static str,
    pub col_version: &'static str,
    pub col_licences: &'static str,
    pub col_purl: &'static str,
    pub no_components: &'static str,
    pub chain: &'static str,
    pub this_release: &'static str,
    pub previous_release: &'static str,
    pub first_release: &'static str,
    pub listed_first: &'static str,
    pub segment: &'static str,
    pub stream: &'static str,
    pub sequences: &'static str,
    pub events: &'static str,
    pub time_range: &'static str,
    pub timeline: &'static str,
    pub col_time: &'static str,
    pub col_asset: &'static str,
    pub col_actor: &'static str,
    pub col_category: &'static str,
    pub col_action: &'static str,
    pub col_result: &'static str,
    pub other_assets: &'static str,
}

/// Maintenance stream pages. (Each field is the string its name says.)
#[allow(missing_docs)]
#[derive(Debug)]
pub struct StreamStrings {
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub col_stream: &'static str,
    pub col_events: &'static str,
    pub col_latest: &'static str,
    pub none: &'static str,
    pub filters: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub any: &'static str,
    pub apply: &'static str,
    pub scanned: &'static str,
    pub matched: &'static str,
    pub no_match: &'static str,
    pub older: &'static str,
    pub export: &'static str,
    pub export_help: &'static str,
    pub sign_in_needed: &'static str,
    pub err_no_stream: &'static str,
    pub err_bad_time: &'static str,
    pub err_bad_range: &'static str,
    pub err_stream: &'static str,
}

/// Admin pages. (Each field is the string its name says.)
#[allow(missing_docs)]
#[derive(Debug)]
pub struct AdminStrings {
    pub nav: &'static str,
    pub title: &'static str,
    pub login_intro: &'static str,
    pub token: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub tokens: &'static str,
    pub tokens_help: &'static str,
    pub col_id: &'static str,
    pub col_label: &'static str,
    pub col_scope: &'static str,
    pub col_created: &'static str,
    pub col_status: &'static str,
    pub active: &'static str,
    pub revoked: &'static str,
    pub revoke: &'static str,
    pub mint: &'static str,
    pub label: &'static str,
    pub minted: &'static str,
    pub token_revoked: &'static str,
    pub logs: &'static str,
    pub logs_help: &'static str,
    pub col_vkey: &'static str,
    pub publish: &'static str,
    pub publish_help: &'static str,
    pub file: &'static str,
    pub published: &'static str,
    pub err_login: &'static str,
    pub err_session: &'static str,
    pub err_csrf: &'static str,
    pub err_too_many: &'static str,
    pub err_no_publisher: &'static str,
    pub err_no_token: &'static str,
    pub err_publish: &'static str,
    pub create_log: &'static str,
    pub log_name: &'static str,
    pub log_origin: &'static str,
    pub log_origin_help: &'static str,
    pub log_created: &'static str,
    pub err_create_log: &'static str,
    pub err_log_exists: &'static str,
    pub err_no_log_creator: &'static str,
}

impl Strings {
    /// A verifier's reason in this language. Statuses and roles are
    /// translated; other values (names, key ids, times, parsers' error
    /// text) are data and stay as they are.
    pub fn reason(&self, r: &Reason) -> String {
        r.render_with((self.reason_template)(r.code), |name, value| {
            let word = match (name, value) {
                ("status", "granted") => self.status_granted,
                ("status", "suspended") => self.status_suspended,
                ("status", "withdrawn") => self.status_withdrawn,
                ("role", "provider") => self.role_provider,
                ("role", "certification-body") => self.role_certification_body,
                ("word", "revoked") => self.status_withdrawn,
                ("word", "suspended") => self.status_suspended,
                ("purpose", "revocation") => self.purpose_revocation,
                ("purpose", "suspension") => self.purpose_suspension,
                _ => return value.to_owned(),
            };
            word.to_owned()
        })
    }

    /// A check name of the verifier in this language; parts it does not
    /// know stay as they are.
    pub fn check_name(&self, name: &str) -> String {
        let term = |t: &str| self.check_terms.iter().find(|(en, _)| *en == t).map(|(_, l)| (*l).to_owned());
        let label = |t: &str| {
            term(t)
                .or_else(|| {
                    self.check_prefixes.iter().find_map(|(en, l)| t.strip_prefix(en).map(|rest| format!("{l}{rest}")))
                })
                .unwrap_or_else(|| t.to_owned())
        };
        match name.split_once(": ") {
            Some((head, tail)) if !self.check_terms.is_empty() => {
                format!("{}：{}", label(head), term(tail).unwrap_or_else(|| tail.to_owned()))
            }
            _ => label(name),
        }
    }
}

/// English.
pub static EN: Strings = Strings {
    tagline: "Certifiable, tamper-evident digital service deliverables",
    nav_dashboard: "Logs",
    nav_verify: "Verify a bundle",
    language: "Language",
    dashboard_title: "Transparency logs",
    dashboard_intro: "Every log this deployment keeps, with its size and the latest checkpoint its witnesses cosigned.",
    col_log: "Log",
    col_origin: "Origin",
    col_size: "Entries",
    col_witnesses: "Witnesses",
    col_cosigned: "Latest cosigned checkpoint",
    not_cosigned: "none yet",
    no_logs: "This deployment keeps no logs.",
    cosignatures: "cosignature(s)",
    at_size: "size",
    verify_title: "Verify an evidence bundle",
    verify_intro: "Upload a .lading evidence bundle and choose the trust policy to judge it by. You get the verdict and every check behind it.",
    field_bundle: "Evidence bundle (.lading)",
    field_policy_choice: "Trust policy of this deployment",
    field_policy_upload: "or your own trust policy (JSON)",
    no_policy_configured: "(none configured: upload one)",
    verify_button: "Verify",
    nothing_stored: "Nothing you upload is stored.",
    verified: "VERIFIED",
    not_verified: "NOT VERIFIED",
    col_check: "Check",
    col_result: "Result",
    col_reason: "Reason",
    pass: "pass",
    warn: "warning",
    fail: "fail",
    not_applicable: "not applicable",
    provider: "Provider",
    logged_at: "Statement logged at",
    error_title: "That did not work",
    err_no_bundle: "No evidence bundle was uploaded (field \"bundle\").",
    err_no_policy: "Choose a trust policy or upload one (field \"policy\").",
    err_unknown_policy: "This deployment has no trust policy of that name.",
    err_bad_policy: "The trust policy is not valid:",
    err_too_large: "The upload is larger than this deployment accepts:",
    err_bad_form: "The form could not be read:",
    err_busy: "As many verifications as this deployment runs at once are under way; try again in a moment.",
    err_not_found: "There is no such page.",
    back: "Back",
    log_title: "The log",
    search_label: "Entry index or leaf hash (hex)",
    search_button: "Find",
    no_entries: "This log holds no entries yet.",
    col_index: "Index",
    col_kind: "Kind",
    col_signer: "Signer's key id",
    col_leaf_hash: "Leaf hash",
    pages: "Pages",
    newer: "Newer",
    older: "Older",
    entry_title: "Entry",
    entry_content: "Content",
    inclusion_path: "Inclusion path",
    inclusion_intro: "The hashes that connect this entry to the root of the latest checkpoint (RFC 9162); the receipt carries them with the signed checkpoint:",
    download_receipt: "download the receipt (c2sp.org/tlog-proof)",
    root: "root",
    leaf: "entry",
    level: "step",
    left_sibling: "left sibling",
    right_sibling: "right sibling",
    unknown_kind: "raw entry (no signature was verified when it was logged)",
    err_bad_search: "Give an entry index (digits) or a leaf hash (64 hex digits).",
    err_no_such_entry: "This log has no such entry:",
    err_no_such_log: "This deployment has no log of that name:",
    err_log_unreadable: "The log could not be read:",
    check_terms: &[],
    check_prefixes: &[],
    reason_template: ReasonCode::english,
    nav_trust: "White list",
    trust_title: "The white list",
    trust_intro: "The providers and certification bodies the pilot-zone authority lists, with the history of their status.",
    no_trust_list: "This deployment shows no white list (lading serve --trust-list FILE --trust-list-key KEY).",
    operator: "Operator",
    sequence: "Sequence number",
    issued_at: "Issued",
    next_update: "Next update due",
    col_entity: "Entity",
    col_role: "Role",
    col_scope: "Scope",
    col_status: "Status now",
    col_keys: "Keys",
    history: "Status history",
    role_provider: "provider",
    role_certification_body: "certification body",
    status_granted: "granted",
    status_suspended: "suspended",
    status_withdrawn: "withdrawn",
    purpose_revocation: "revocation",
    purpose_suspension: "suspension",
    status_none: "not yet listed",
    signer_standing: "Signer on the white list",
    not_listed: "the key is on no entity of the white list",
    key_not_valid: "the key is not valid now",
    dash: DashStrings {
        col_age: "Checkpoint age",
        col_rate: "Submissions / min",
        col_cosigned: "Latest cosignatures",
        seconds_ago: "s ago",
        never: "none yet",
        since_start: "since start",
    },
    view: ViewStrings {
        title: "What the bundle delivers",
        caution: "As the bundle states it: the verdict above says whether to rely on it.",
        no_view_for: "the console has no view for",
        no_member: "the package has no member of role",
        manifest_not: "the package's manifest is not a",
        unreadable: "Cannot be shown:",
        inspection: "AI visual inspection report",
        lot: "Lot",
        part: "Part",
        client: "Client",
        lot_size: "Lot size",
        inspected: "Items inspected",
        lot_accepted: "LOT ACCEPTED",
        lot_rejected: "LOT REJECTED",
        imported: "Imported results: traceable, but not reproducible by Lading.",
        sampling_plan: "Sampling plan",
        full_inspection: "100 % inspection: every item of the lot.",
        code_letter: "Code letter",
        sample_size: "Sample size",
        seed: "Sample seed",
        level: "Inspection level",
        col_class: "Defect class",
        col_aql: "AQL",
        col_accept: "Accept ≤",
        col_reject: "Reject ≥",
        col_found: "Found",
        non_conforming: "Non-conforming items",
        none: "None.",
        shown: "shown",
        item: "item",
        no_image: "The bundle does not carry this image (or not the one the report recorded).",
        reviewed: "reviewed by",
        scores: "Score distribution",
        axis_ok_probability: "probability of",
        axis_anomaly: "anomaly score",
        axis_detection: "highest detection score per item (0 = none)",
        items_counted: "items",
        threshold: "threshold",
        model: "Model",
        runtime: "Runtime",
        release: "SaaS release",
        service: "Service",
        version: "Version",
        channel: "Channel",
        released: "Released",
        source: "Source",
        files: "Files",
        col_path: "Path",
        col_size: "Bytes",
        col_mode: "Mode",
        oci_images: "OCI images",
        components: "SBOM components",
        col_component: "Component",
        col_version: "Version",
        col_licences: "Licences",
        col_purl: "Package URL",
        no_components: "The package carries no SBOM.",
        chain: "Version chain",
        this_release: "this release",
        previous_release: "previous release",
        first_release: "The first release: it has no predecessor.",
        listed_first: "Listed: the first",
        segment: "Maintenance log segment",
        stream: "Stream",
        sequences: "Sequences",
        events: "Events",
        time_range: "Time range",
        timeline: "Events by asset and time",
        col_time: "Time (UTC)",
        col_asset: "Asset",
        col_actor: "Actor",
        col_category: "Category",
        col_action: "Action",
        col_result: "Result",
        other_assets: "other assets",
    },
    streams: StreamStrings {
        nav: "Streams",
        title: "Maintenance streams",
        intro: "Remote equipment maintenance events as they were logged, by asset and time.",
        col_stream: "Stream",
        col_events: "Events",
        col_latest: "Latest event",
        none: "This deployment has no maintenance streams.",
        filters: "Filters",
        from: "From (RFC 3339)",
        to: "Until (RFC 3339)",
        any: "any",
        apply: "Apply",
        scanned: "Sequences read",
        matched: "events match",
        no_match: "No event in this range matches.",
        older: "Older events",
        export: "Export these sequences as a segment",
        export_help: "A signed segment package with a range proof, verifiable offline with lading maint verify.",
        sign_in_needed: "Maintenance events name people and network addresses: sign in as an administrator to read them.",
        err_no_stream: "There is no maintenance stream named",
        err_bad_time: "Not an RFC 3339 time:",
        err_bad_range: "Not a range of this stream's sequences:",
        err_stream: "The stream could not be read:",
    },
    admin: AdminStrings {
        nav: "Admin",
        title: "Administration",
        login_intro: "Sign in with an admin token (lad_…, scope admin). It is exchanged for a session cookie and is not kept.",
        token: "Admin token",
        sign_in: "Sign in",
        sign_out: "Sign out",
        signed_in_as: "Signed in with token",
        tokens: "API tokens",
        tokens_help: "Tokens of the log your admin token is for. Only their SHA-256 is stored.",
        col_id: "ID",
        col_label: "Label",
        col_scope: "Scope",
        col_created: "Created",
        col_status: "Status",
        active: "active",
        revoked: "revoked",
        revoke: "Revoke",
        mint: "Create a token",
        label: "Label",
        minted: "New token: copy it now, it is shown only once.",
        token_revoked: "Revoked token",
        logs: "Logs",
        logs_help: "A new log gets its own key and is served at once; its origin names it in checkpoints and cannot change. Only admins of the deployment's first log (registry) create logs; lading logs create does the same from a terminal.",
        col_vkey: "Verifier key",
        publish: "Publish a white list",
        publish_help: "Upload the white list signed by the pilot-zone authority (lading trust-list sign). It must verify with the operator key this server was started with and be newer than the list served; it then replaces it.",
        file: "Signed white list",
        published: "Published the white list, sequence",
        err_login: "That token is unknown, revoked or not an admin token.",
        err_session: "You are not signed in, or your session has ended.",
        err_csrf: "The form is stale or did not come from this console (CSRF check failed): reload the page and try again.",
        err_too_many: "Too many failed sign-ins: wait a minute and try again.",
        err_no_publisher: "This server was started without --trust-list, so it has no white list to replace.",
        err_no_token: "No such token on your log:",
        err_publish: "The white list was not published:",
        create_log: "Create a log",
        log_name: "Name (a-z, 0-9, '.', '_', '-')",
        log_origin: "Origin",
        log_origin_help: "empty: the deployment's prefix and the name",
        log_created: "Log created:",
        err_create_log: "The log was not created:",
        err_log_exists: "This deployment already serves a log named",
        err_no_log_creator: "This deployment does not create logs while it runs.",
    },
};

/// Simplified Chinese.
pub static ZH_CN: Strings = Strings {
    tagline: "可认证、防篡改的数字服务交付物",
    nav_dashboard: "日志",
    nav_verify: "验证证据包",
    language: "语言",
    dashboard_title: "透明日志",
    dashboard_intro: "本部署维护的每个日志，及其条目数和见证方最新联署的检查点。",
    col_log: "日志",
    col_origin: "来源标识",
    col_size: "条目数",
    col_witnesses: "见证方",
    col_cosigned: "最新联署检查点",
    not_cosigned: "尚无",
    no_logs: "本部署没有日志。",
    cosignatures: "个联署",
    at_size: "树大小",
    verify_title: "验证证据包",
    verify_intro: "上传 .lading 证据包，并选择用于评判的信任策略。您将看到结论及其背后的每一项检查。",
    field_bundle: "证据包（.lading）",
    field_policy_choice: "本部署的信任策略",
    field_policy_upload: "或上传您自己的信任策略（JSON）",
    no_policy_configured: "（未配置：请上传）",
    verify_button: "验证",
    nothing_stored: "您上传的内容不会被保存。",
    verified: "验证通过",
    not_verified: "验证未通过",
    col_check: "检查项",
    col_result: "结果",
    col_reason: "原因",
    pass: "通过",
    warn: "警告",
    fail: "未通过",
    not_applicable: "不适用",
    provider: "提供方",
    logged_at: "声明记录时间",
    error_title: "操作未成功",
    err_no_bundle: "未上传证据包（字段 \"bundle\"）。",
    err_no_policy: "请选择或上传信任策略（字段 \"policy\"）。",
    err_unknown_policy: "本部署没有该名称的信任策略。",
    err_bad_policy: "信任策略无效：",
    err_too_large: "上传内容超过本部署的限制：",
    err_bad_form: "无法读取表单：",
    err_busy: "同时进行的验证已达本部署的上限，请稍后再试。",
    err_not_found: "页面不存在。",
    back: "返回",
    log_title: "日志",
    search_label: "条目序号或叶哈希（十六进制）",
    search_button: "查找",
    no_entries: "此日志尚无条目。",
    col_index: "序号",
    col_kind: "类型",
    col_signer: "签名者密钥 ID",
    col_leaf_hash: "叶哈希",
    pages: "分页",
    newer: "较新",
    older: "较早",
    entry_title: "条目",
    entry_content: "内容",
    inclusion_path: "包含路径",
    inclusion_intro: "将此条目连接到最新检查点根哈希的各个哈希（RFC 9162）；收据包含这些哈希和已签名的检查点：",
    download_receipt: "下载收据（c2sp.org/tlog-proof）",
    root: "根",
    leaf: "条目",
    level: "步骤",
    left_sibling: "左兄弟节点",
    right_sibling: "右兄弟节点",
    unknown_kind: "原始条目（记录时未验证任何签名）",
    err_bad_search: "请输入条目序号（数字）或叶哈希（64 位十六进制）。",
    err_no_such_entry: "此日志没有该条目：",
    err_no_such_log: "本部署没有该名称的日志：",
    err_log_unreadable: "无法读取日志：",
    check_terms: &[
        ("bundle", "证据包"),
        ("certificates", "证书"),
        ("deliverables", "交付物"),
        ("provider on the white list", "白名单上的提供方"),
        ("statement", "声明"),
        ("segment", "运维日志数据段"),
        ("statement logged", "声明已记录"),
        ("statement signature", "声明签名"),
        ("statement signer", "声明签名者"),
        ("time of logging", "记录时间"),
        ("certificate", "证书"),
        ("statement certificate", "声明签名者证书"),
        ("revocation", "吊销检查"),
        ("trust list freshness", "白名单时效"),
        ("trust list signature", "白名单签名"),
        ("trust list version", "白名单版本"),
        ("certification body accredited", "认证机构具备资质"),
        ("conformity report", "符合性报告"),
        ("logged", "已记录"),
        ("names the provider", "指明提供方"),
        ("scope", "范围"),
        ("signer", "签名者"),
        ("type", "类型"),
        ("signature", "签名"),
        ("integrity", "完整性"),
    ],
    reason_template: zh_reason,
    check_prefixes: &[
        ("certificate ", "证书 "),
        ("deliverable ", "交付物 "),
        ("certified for ", "认证范围："),
        ("report ", "报告 "),
        ("status list ", "状态列表 "),
        ("statement timestamp ", "声明时间戳 "),
        ("crl ", "证书吊销列表 "),
    ],
    nav_trust: "白名单",
    trust_title: "白名单",
    trust_intro: "试点地区主管部门列入的服务提供方和认证机构，及其状态变更历史。",
    no_trust_list: "本部署未配置白名单（lading serve --trust-list 文件 --trust-list-key 密钥）。",
    operator: "发布机构",
    sequence: "序列号",
    issued_at: "发布时间",
    next_update: "下次更新",
    col_entity: "主体",
    col_role: "角色",
    col_scope: "范围",
    col_status: "当前状态",
    col_keys: "密钥",
    history: "状态历史",
    role_provider: "服务提供方",
    role_certification_body: "认证机构",
    status_granted: "已授予",
    status_suspended: "已暂停",
    status_withdrawn: "已撤销",
    purpose_revocation: "撤销",
    purpose_suspension: "暂停",
    status_none: "尚未列入",
    signer_standing: "签名者白名单状态",
    not_listed: "该密钥不属于白名单上的任何主体",
    key_not_valid: "该密钥当前无效",
    dash: DashStrings {
        col_age: "检查点时长",
        col_rate: "每分钟提交",
        col_cosigned: "最新见证签名",
        seconds_ago: "秒前",
        never: "暂无",
        since_start: "自启动以来",
    },
    view: ViewStrings {
        title: "证据包中的交付物",
        caution: "以下为证据包所载内容；是否可信，以上方的验证结论为准。",
        no_view_for: "控制台无法展示此类型：",
        no_member: "包中缺少以下角色的成员：",
        manifest_not: "包的清单（manifest）不是以下类型：",
        unreadable: "无法展示：",
        inspection: "AI 视觉质检报告",
        lot: "批次",
        part: "零件",
        client: "客户",
        lot_size: "批量",
        inspected: "已检件数",
        lot_accepted: "批次接收",
        lot_rejected: "批次拒收",
        imported: "导入的结果：可追溯，但 Lading 无法复现。",
        sampling_plan: "抽样方案",
        full_inspection: "全数检验：逐件检验整批。",
        code_letter: "样本量字码",
        sample_size: "样本量",
        seed: "抽样种子",
        level: "检验水平",
        col_class: "缺陷类别",
        col_aql: "AQL",
        col_accept: "接收数 Ac ≤",
        col_reject: "拒收数 Re ≥",
        col_found: "发现数",
        non_conforming: "不合格品",
        none: "无。",
        shown: "已显示",
        item: "序号",
        no_image: "证据包未附带该图像（或附带的图像与报告记录的不一致）。",
        reviewed: "复核人",
        scores: "分数分布",
        axis_ok_probability: "判为合格类的概率：",
        axis_anomaly: "异常分数",
        axis_detection: "每件最高检测分数（0 表示无检出）",
        items_counted: "件",
        threshold: "阈值",
        model: "模型",
        runtime: "推理引擎",
        release: "SaaS 交付包",
        service: "服务",
        version: "版本",
        channel: "发布渠道",
        released: "发布时间",
        source: "源代码",
        files: "文件",
        col_path: "路径",
        col_size: "字节",
        col_mode: "权限",
        oci_images: "OCI 镜像",
        components: "SBOM 组件",
        col_component: "组件",
        col_version: "版本",
        col_licences: "许可证",
        col_purl: "软件包 URL",
        no_components: "交付包未附带 SBOM。",
        chain: "版本链",
        this_release: "本版本",
        previous_release: "上一版本",
        first_release: "首个版本：没有前序版本。",
        listed_first: "仅列出前",
        segment: "维护日志片段",
        stream: "日志流",
        sequences: "序号",
        events: "事件数",
        time_range: "时间范围",
        timeline: "按设备与时间排列的事件",
        col_time: "时间（UTC）",
        col_asset: "设备",
        col_actor: "操作者",
        col_category: "类别",
        col_action: "操作",
        col_result: "结果",
        other_assets: "其他设备",
    },
    streams: StreamStrings {
        nav: "维护日志流",
        title: "维护日志流",
        intro: "远程设备维护事件的原始记录，按设备与时间排列。",
        col_stream: "日志流",
        col_events: "事件数",
        col_latest: "最新事件",
        none: "本部署没有维护日志流。",
        filters: "筛选",
        from: "起始（RFC 3339）",
        to: "截止（RFC 3339）",
        any: "全部",
        apply: "应用",
        scanned: "已读取序号",
        matched: "条事件符合",
        no_match: "此范围内没有符合条件的事件。",
        older: "更早的事件",
        export: "将这些序号导出为片段",
        export_help: "带范围证明的已签名片段包，可用 lading maint verify 离线验证。",
        sign_in_needed: "维护事件包含人员和网络地址：请以管理员身份登录后查看。",
        err_no_stream: "没有名为此的维护日志流：",
        err_bad_time: "不是 RFC 3339 时间：",
        err_bad_range: "不是此日志流的序号范围：",
        err_stream: "无法读取日志流：",
    },
    admin: AdminStrings {
        nav: "管理",
        title: "管理",
        login_intro: "使用管理令牌（lad_…，权限 admin）登录。令牌仅用于换取会话 Cookie，不会被保存。",
        token: "管理令牌",
        sign_in: "登录",
        sign_out: "退出登录",
        signed_in_as: "当前登录令牌",
        tokens: "API 令牌",
        tokens_help: "您的管理令牌所属日志的令牌。服务器只保存其 SHA-256。",
        col_id: "编号",
        col_label: "标签",
        col_scope: "权限",
        col_created: "创建时间",
        col_status: "状态",
        active: "有效",
        revoked: "已吊销",
        revoke: "吊销",
        mint: "创建令牌",
        label: "标签",
        minted: "新令牌：请立即复制，它只显示这一次。",
        token_revoked: "已吊销令牌",
        logs: "日志",
        logs_help: "新日志有自己的密钥，创建后立即提供服务；其来源（origin）在检查点中标识该日志，不能更改。只有部署中第一个日志（registry）的管理员可以创建日志；在终端中可用 lading logs create。",
        col_vkey: "验证公钥",
        publish: "发布白名单",
        publish_help: "上传由试点地区主管部门签名的白名单（lading trust-list sign）。它必须能用本服务器启动时配置的发布机构公钥验证，且比当前白名单更新，验证通过后替换当前白名单。",
        file: "已签名的白名单",
        published: "白名单已发布，序列号",
        err_login: "该令牌不存在、已吊销或不是管理令牌。",
        err_session: "您尚未登录，或会话已结束。",
        err_csrf: "表单已过期或并非来自本控制台（CSRF 校验失败）：请刷新页面后重试。",
        err_too_many: "登录失败次数过多：请一分钟后再试。",
        err_no_publisher: "本服务器启动时未指定 --trust-list，没有可替换的白名单。",
        err_no_token: "您的日志中没有此令牌：",
        err_publish: "白名单未发布：",
        create_log: "创建日志",
        log_name: "名称（a-z、0-9、'.'、'_'、'-'）",
        log_origin: "来源（origin）",
        log_origin_help: "留空：部署前缀加名称",
        log_created: "日志已创建：",
        err_create_log: "日志未创建：",
        err_log_exists: "本部署已提供同名日志：",
        err_no_log_creator: "本部署运行期间不创建日志。",
    },
};

/// The verifier's reasons in Simplified Chinese; a new code does not compile
/// until it is translated here.
fn zh_reason(code: ReasonCode) -> &'static str {
    use ReasonCode as C;
    match code {
        C::Error => "{error}",
        C::MemberUnreadable => "{path} 无法读取：{error}",
        C::CredentialInvalid => "{path} 未通过验证：{error}",
        C::MemberAbsent => "证据包中没有 {role} 成员",
        C::MemberRepeated => "证据包中有 {count} 个 {role} 成员，应只有一个",
        C::NotABundle => "这是 {kind} 包，不是证据包",
        C::BundleIntact => "{count} 个成员，均与 bundle.json 中的摘要一致",
        C::TrustListUnrecognised => "{path} 不是由本策略认可的运营方签名（{why}）",
        C::TrustListSigned => "{list} 第 {sequence} 版，由 {operator}（{zone}）签名",
        C::TrustListRecentEnough => "第 {sequence} 版 ≥ {min}，即本策略接受 {operator} 的最旧版本",
        C::TrustListReplayed => "第 {sequence} 版早于 {min}，即本策略接受 {operator} 的最旧版本：是否重放了旧名单？",
        C::TrustListStaleRefused => "已过期：下次更新应在 {due}；本策略要求名单为最新",
        C::TrustListStaleAccepted => "已过期：下次更新应在 {due}；本策略不要求最新名单，予以接受",
        C::TrustListCurrent => "有效至 {until}",
        C::TrustListFromTheFuture => "签发于 {issued}，晚于验证时间 {now}（超过 5 分钟的时钟偏差）：拒绝",
        C::WrongCredentialType => "{path}：不是 {credential_type}",
        C::SignedBy => "由 {issuer} 签名",
        C::ReceiptVerifies => "回执验证通过：{origin} 的第 {index} 条（日志大小 {size}）",
        C::ReceiptWitnessed => "回执验证通过：{origin} 的第 {index} 条（日志大小 {size}），由 {witnesses} 联署",
        C::StatementNotLogged => "没有回执证明该声明记录在本策略信任的日志中",
        C::DeliverableNotLogged => "没有回执证明其信封记录在本策略信任的日志中",
        C::LoggedAtWitnessed => "{time}（{count} 个受信任见证者联署中最早的时间）",
        C::WitnessedTimeRequired => "没有受信任的见证者联署回执的检查点；本策略要求经见证的时间",
        C::LoggedAtClaimed => "{time}（服务提供方自称：证明的创建时间，无见证者联署）",
        C::StatementKeyNotListed => "声明的签名密钥 {key} 不在名单上",
        C::ProviderGranted => "{name}：自 {since} 起已授予",
        C::ProviderNotGranted => "{name} 在 {at} 时为{status}状态（自 {since} 起：{why}）",
        C::NotYetListed => "{name} 在 {at} 时尚未列入名单",
        C::ProviderKeyNotValid => "{name} 的密钥 {key} 在 {at} 时无效",
        C::NotAProvider => "{name} 以{role}身份列入名单，而不是服务提供方",
        C::NoCertificate => "证据包中没有证书",
        C::NamedButMissing => "声明列出但证据包中缺失（sha256 {sha256}）",
        C::NotNamedByStatement => "在证据包中，但声明未列出",
        C::ReportNotNamed => "在证据包中，但没有证书引用它",
        C::AttachmentNamed => "交付物 {by} 按摘要引用了它",
        C::AttachmentNotNamed => "在证据包中，但没有经验证的交付物按摘要引用它：未签名的内容",
        C::ReceiptProvesNothing => "既不证明声明，也不证明任何经验证的交付物（按策略中的日志）",
        C::UnknownRole => "角色 {role} 不属于证据包：其内容不是证据",
        C::NotCertified => "没有获认可机构的有效证书覆盖 {kind}",
        C::CertifiedBy => "由 {certificates} 覆盖",
        C::NoDeliverables => "声明未列出任何交付物",
        C::CertificateInvalid => "{error}（按记录时间判断）",
        C::CertificateValid => "由 {issuer} 签名，在 {at} 时有效",
        C::NotOfType => "不是 {credential_type}",
        C::IssuerNotListed => "{issuer} 不在白名单上",
        C::NotACertificationBody => "{id} 以{role}身份列入名单，而不是认证机构",
        C::BodyAccredited => "{name}（{id}）已获认可，范围：{scope}",
        C::BodyNotAccreditedFor => "{id} 未获 {kinds} 的认可",
        C::BodyNotGranted => "{id} 在 {at} 时为{status}状态",
        C::IssuedTo => "颁发给 {provider}",
        C::IssuedToAnother => "颁发给 {named}，但声明属于 {provider}",
        C::ReportNotCarried => "不在证据包中；证书列出了其摘要",
        C::ReportPassed => "{path} 记录为通过，与证书一致",
        C::ReportNotPassed => "{path} 未记录通过",
        C::KindMismatch => "声明称其为 {named}，交付物实为 {kind}",
        C::SignerNotListed => "由密钥 {key} 签名，该密钥不在白名单上",
        C::CertificateSigner => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，判定时间 {time}（声明的确立时间）"
        }
        C::CertificateSignerTimestamped => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，判定时间 {time}（{tsa} 签发的 RFC 3161 时间戳，序列号 {serial}）"
        }
        C::CertificateSignerTimestampsUntrusted => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，判定时间 {time}（声明的确立时间；其时间戳不受信任：本策略未固定任何时间戳机构根证书）"
        }
        C::CertificateSignerAtEvaluation => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，判定时间 {time}（评估时间）"
        }
        C::CertificateSignerAtEvaluationTimestampsUntrusted => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，判定时间 {time}（评估时间；其时间戳不受信任：未提供时间戳机构根证书）"
        }
        C::RevocationChecked => {
            "在 {time} 未被吊销：已按证据包所附的证书吊销列表检查 {count} 张证书（最新一份的本次更新时间为 {this_update}）"
        }
        C::RevocationNotChecked => "未检查 {subjects} 的吊销状态：证据包未附其签发者的证书吊销列表",
        C::RevocationCheckedAtEvaluation => {
            "在 {time} 未被吊销：已按所提供的及证据包所附的证书吊销列表检查 {count} 张证书（最新一份的本次更新时间为 {this_update}）"
        }
        C::RevocationNotCheckedAtEvaluation => {
            "未检查 {subjects} 的吊销状态：既未提供（--crl）也未在证据包中附带其签发者的证书吊销列表"
        }
        C::RevocationDataRequired => "未检查 {subjects} 的吊销状态：证据包未附其签发者的证书吊销列表，而本策略要求附带",
        C::RevokedAfterSigning => "{subject} 于 {revoked_at} 被吊销，晚于判定时间 {time}：此前所作的签名仍然有效",
        C::CrlUnreadable => "{path}：不是证书吊销列表（PEM 或 DER）：{error}",
        C::CrlNotUsed => "由 {issuer} 签发，该签发者未签发任何通过验证的证书路径中的证书：其签名未经检查",
        C::CrlUsed => "由 {issuer} 签发，本次更新时间 {this_update}，下次更新时间 {next_update}；签名验证通过",
        C::StatementTimestamped => "{time}，由 {tsa} 签发（序列号 {serial}），覆盖声明的原始字节",
        C::TimestampUntrusted => "本策略未固定任何时间戳机构根证书（tsa_roots）：无法验证此时间戳",
        C::LoggedAtTimestamped => "{time}（{tsa} 签发的 RFC 3161 时间戳，序列号 {serial}：声明在该时间已存在）",
        C::StatementCertificate => {
            "{subject}（{registration_id}）的证书，经 {anchor} 验证，于声明的确立时间 {time} 有效"
        }
        C::SignerNotTheProvider => "由密钥 {key} 签名，该密钥属于 {owner}，而非该服务提供方",
        C::ProviderOutOfScope => "{provider} 未列入 {kind} 范围",
        C::SignedByKey => "由密钥 {key} 签名",
        C::ReleaseVerifies => "{service} {version} 验证通过：{count} 份 SBOM",
        C::SegmentComplete => "{count} 个事件，在数据流签名检查点下完整且有序",
        C::SegmentNoOrigin => "该片段未指明检查点来源",
        C::SegmentDocumentInvalid => "片段文档未通过验证",
        C::StreamKeyNotEd25519 => "数据流的日志密钥应为 Ed25519",
        C::NotTheProvidersKey => "由密钥 {key} 签名，而非服务提供方的 {provider_key}",
        C::StatusEntryInvalid => "credentialStatus 无效：{error}",
        C::StatusListMissing => "证据包中没有状态列表 {list}；无法检查{purpose}状态",
        C::StatusListRefused => "{path}：{error}",
        C::StatusListStale => {
            "状态列表 {list} 第 {version} 版签发于 {issued}，已过 {age}；本策略只接受不超过 {max} 的状态信息"
        }
        C::StatusClear => "{word}：否；{list} 第 {version} 版，签发于 {issued}（{age}前），签发者 {issuer}",
        C::StatusSetBefore => "声明确立时（{established}）{word}：自 {since} 起（{why}）；{list} 第 {version} 版",
        C::StatusSetAfter => "{word}于 {since}（{why}），晚于声明确立时间（{established}）；{list} 第 {version} 版",
        C::StatusSetUnknownSince => {
            "在 {list} 第 {version} 版（签发于 {issued}）中为{word}，列表未记录起始时间：可能早于声明（{established}）"
        }
        C::StatusListNotNamed => "本证据包中没有证书或声明引用该状态列表（且由其签发者签发）：它不构成证据",
        C::StatusListNotLogged => "没有回执证明该状态列表第 {version} 版记录在本策略信任的日志中",
        C::StatusProvenBefore => {
            "声明确立时（{established}）{word}：{list} 第 {version} 版已记入日志并于 {witnessed} 首次由见证方联署，其中已置位"
        }
        C::StatusSetAfterLogged => {
            "{word}晚于声明确立时间（{established}）：{list} 第 {logged_version} 版已记入日志并于 {witnessed} 首次由见证方联署，显示当时有效；第 {version} 版中已置位（记录时间 {since}：{why}）"
        }
        C::StatusListLater => "第 {version} 版签发于 {issued}，晚于验证时间（{at}）：不予使用",
        C::StatementRevoked => "已被服务提供方撤销（自 {since} 起：{why}）；{list} 第 {version} 版",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_names_are_translated_where_known_and_kept_otherwise() {
        assert_eq!(ZH_CN.check_name("bundle"), "证据包");
        assert_eq!(ZH_CN.check_name("deliverable seg.lading: signer"), "交付物 seg.lading：签名者");
        assert_eq!(ZH_CN.check_name("certified for saas-release"), "认证范围：saas-release");
        assert_eq!(ZH_CN.check_name("something new"), "something new");
        assert_eq!(EN.check_name("deliverable seg.lading: signer"), "deliverable seg.lading: signer");
    }

    #[test]
    fn every_reason_is_translated_with_the_values_its_english_names() {
        use lading_trust::reason::placeholders;
        for code in ReasonCode::ALL {
            let mut en = placeholders(code.english());
            let mut zh = placeholders(zh_reason(*code));
            en.sort_unstable();
            zh.sort_unstable();
            assert_eq!(en, zh, "{code:?}: the Chinese template names other values than the English");
            assert!(code == &ReasonCode::Error || zh_reason(*code) != code.english(), "{code:?} is not translated");
        }
        let r = lading_trust::reason!(
            ProviderNotGranted,
            name = "Acme",
            status = "suspended",
            at = "t1",
            since = "t0",
            why = "audit"
        );
        assert_eq!(ZH_CN.reason(&r), "Acme 在 t1 时为已暂停状态（自 t0 起：audit）");
        assert_eq!(EN.reason(&r), "Acme was suspended at t1 (since t0: audit)");
    }

    #[test]
    fn the_language_comes_from_the_query_then_accept_language() {
        assert_eq!(Lang::choose(Some("zh-CN"), Some("en")), Lang::ZhCn);
        assert_eq!(Lang::choose(Some("en"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::choose(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::ZhCn);
        assert_eq!(Lang::choose(None, Some("de-DE,en;q=0.7,zh;q=0.5")), Lang::En);
        assert_eq!(Lang::choose(None, Some("fr, zh-Hans;q=0.4")), Lang::ZhCn);
        assert_eq!(Lang::choose(None, Some("zh;q=0")), Lang::En);
        assert_eq!(Lang::choose(Some("xx"), None), Lang::En);
    }
}
