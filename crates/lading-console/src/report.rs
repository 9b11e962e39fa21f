//! The verdict for people who were not there: one self-contained HTML page
//! (`lading verify --html`) and one PDF/A-3b document (`lading verify --pdf`)
//! in English or Simplified Chinese, from the same [`Sheet`].
//!
//! The sheet says first whether the bundle verifies, then — separately —
//! what each deliverable concludes (a verified bundle can carry a rejected
//! lot); it names the bundle and the trust policy by SHA-256, the Lading
//! version and the time of verification, and shows the time of logging
//! with its source, as a warning when it is only the provider's claim.
//! Every translated word comes from the console's own tables ([`Strings`],
//! the verifier's reasons through [`Strings::reason`]) and from
//! [`ReportStrings`] here, complete in both languages by construction.

use askama::Template;
use lading_report::{Attachment, Block, Doc, Relationship, Row, Stamp, Tone};
use lading_trust::conclusion::Conclusion;
use lading_trust::verify::{CheckStatus, Verdict};
use serde::Serialize;

use crate::deliverables::View;
use crate::i18n::{Lang, Strings};

/// What the caller knows of a verification beyond the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictContext {
    /// The bundle's file name.
    pub bundle_name: String,
    /// The bundle's SHA-256 (hex).
    pub bundle_sha256: String,
    /// The trust policy's file name.
    pub policy_name: String,
    /// The trust policy's SHA-256 (hex).
    pub policy_sha256: String,
    /// The Lading version that verified (with its commit).
    pub lading_version: String,
}

/// The words of the verdict documents that the console's pages do not use.
#[derive(Debug)]
pub struct ReportStrings {
    /// Document title.
    pub title: &'static str,
    /// The verdict, verified.
    pub verified_line: &'static str,
    /// The verdict, not verified.
    pub not_verified_line: &'static str,
    /// What the verdict is and is not.
    pub verdict_note: &'static str,
    /// Label: the bundle's file name.
    pub bundle: &'static str,
    /// Label: the bundle's digest.
    pub bundle_sha256: &'static str,
    /// Label: the policy's file name.
    pub policy: &'static str,
    /// Label: the policy's digest.
    pub policy_sha256: &'static str,
    /// Label: the client.
    pub client: &'static str,
    /// Label: the white list and its version.
    pub white_list: &'static str,
    /// Label: the time of logging and its source.
    pub logging_time: &'static str,
    /// Said when the time of logging is only the provider's claim.
    pub claimed_warning: &'static str,
    /// Label: the time of verification.
    pub verified_at: &'static str,
    /// Label: the Lading version.
    pub version: &'static str,
    /// Said when a value is not known.
    pub unknown: &'static str,
    /// Heading: conclusions.
    pub conclusions: &'static str,
    /// Column: deliverable.
    pub col_deliverable: &'static str,
    /// Column: conclusion.
    pub col_conclusion: &'static str,
    /// `{lot}`, `{inspected}`, `{lot_size}`: the lot inspected.
    pub lot_line: &'static str,
    /// `{class}`, `{aql}`, `{accept}`, `{found}`: one defect class under sampling.
    pub class_line: &'static str,
    /// `{class}`, `{accept}`, `{found}`: one defect class under 100 % inspection.
    pub class_full_line: &'static str,
    /// Imported results.
    pub imported: &'static str,
    /// `{service}`, `{version}`, `{files}`: a release whose files all match.
    pub release_exact: &'static str,
    /// `{stream}`, `{first}`, `{last}`, `{events}`, `{from}`, `{to}`: a complete segment.
    pub segment_complete: &'static str,
    /// A deliverable of another form that verified.
    pub other_verified: &'static str,
    /// A deliverable that did not verify.
    pub not_verified_conclusion: &'static str,
    /// Heading: certificates.
    pub certificates: &'static str,
    /// Column: certificate.
    pub col_certificate: &'static str,
    /// Heading: revocation and suspension.
    pub statuses: &'static str,
    /// Column: credential.
    pub col_credential: &'static str,
    /// Column: purpose.
    pub col_purpose: &'static str,
    /// Column: status list and version.
    pub col_list: &'static str,
    /// No credential carries a status.
    pub no_status: &'static str,
    /// A status: valid.
    pub status_valid: &'static str,
    /// A status: unknown.
    pub status_unknown: &'static str,
    /// A status: revoked.
    pub status_revoked: &'static str,
    /// Heading: checks.
    pub checks: &'static str,
    /// How the document was made.
    pub footer: &'static str,
    /// The attached bundle's description.
    pub attachment_bundle: &'static str,
    /// The attached verdict's description.
    pub attachment_verdict: &'static str,
}

/// English.
pub static EN: ReportStrings = ReportStrings {
    title: "Verification of an evidence bundle",
    verified_line: "VERIFIED: the evidence holds under this trust policy",
    not_verified_line: "NOT VERIFIED: do not rely on this evidence",
    verdict_note: "The verdict says whether the evidence is authentic, logged and issued by parties the trust policy recognises. What each deliverable concludes is shown separately below: a verified bundle can carry a rejected lot.",
    bundle: "Evidence bundle",
    bundle_sha256: "Bundle SHA-256",
    policy: "Trust policy",
    policy_sha256: "Trust policy SHA-256",
    client: "Client",
    white_list: "White list",
    logging_time: "Time of logging",
    claimed_warning: "Warning: only the provider's claim; no witness or timestamp authority attests this time.",
    verified_at: "Verified at",
    version: "Lading version",
    unknown: "unknown",
    conclusions: "What the deliverables conclude",
    col_deliverable: "Deliverable",
    col_conclusion: "Conclusion",
    lot_line: "lot {lot}: {inspected} of {lot_size} items inspected",
    class_line: "{class}: AQL {aql}, accept ≤ {accept}, found {found}",
    class_full_line: "{class}: at most {accept} allowed, found {found}",
    imported: "imported results: traceable, not reproducible by Lading",
    release_exact: "EXACT: {service} {version}, {files} files, each matching its digest",
    segment_complete: "COMPLETE: stream {stream}, sequences {first}–{last}, {events} events, {from} to {to}",
    other_verified: "verified",
    not_verified_conclusion: "DID NOT VERIFY: it concludes nothing",
    certificates: "Certificates",
    col_certificate: "Certificate",
    statuses: "Revocation and suspension",
    col_credential: "Credential",
    col_purpose: "Purpose",
    col_list: "Status list (version)",
    no_status: "No certificate or statement of this bundle carries a credentialStatus.",
    status_valid: "valid",
    status_unknown: "unknown",
    status_revoked: "revoked",
    checks: "Checks",
    footer: "Made by lading verify, offline, from the bundle and the trust policy alone; anyone can repeat it. The bundle is attached to this PDF.",
    attachment_bundle: "The evidence bundle this verdict is about",
    attachment_verdict: "This verdict as JSON (lading verify --json)",
};

/// Simplified Chinese.
pub static ZH_CN: ReportStrings = ReportStrings {
    title: "证据包核验报告",
    verified_line: "验证通过：在此信任策略下证据成立",
    not_verified_line: "验证未通过：请勿依赖此证据",
    verdict_note: "核验结论说明证据是否真实、已记录，并由信任策略认可的各方签发。各交付物自身的结论在下方单独列出：验证通过的证据包也可能包含被拒收的批次。",
    bundle: "证据包",
    bundle_sha256: "证据包 SHA-256",
    policy: "信任策略",
    policy_sha256: "信任策略 SHA-256",
    client: "客户",
    white_list: "白名单",
    logging_time: "记录时间",
    claimed_warning: "警告：仅为提供方自称的时间，没有见证方或时间戳机构证明。",
    verified_at: "核验时间",
    version: "Lading 版本",
    unknown: "未知",
    conclusions: "各交付物的结论",
    col_deliverable: "交付物",
    col_conclusion: "结论",
    lot_line: "批次 {lot}：共 {lot_size} 件，检验 {inspected} 件",
    class_line: "{class}：AQL {aql}，合格判定数 ≤ {accept}，发现 {found}",
    class_full_line: "{class}：最多允许 {accept}，发现 {found}",
    imported: "导入的结果：可追溯，但 Lading 无法复现",
    release_exact: "完全一致：{service} {version}，{files} 个文件，均与摘要一致",
    segment_complete: "完整：流 {stream}，序号 {first}–{last}，{events} 个事件，{from} 至 {to}",
    other_verified: "已验证",
    not_verified_conclusion: "未通过验证：不得出任何结论",
    certificates: "证书",
    col_certificate: "证书",
    statuses: "撤销与暂停",
    col_credential: "凭证",
    col_purpose: "用途",
    col_list: "状态列表（版本）",
    no_status: "此证据包中的证书和声明均未携带撤销或暂停状态条目。",
    status_valid: "有效",
    status_unknown: "未知",
    status_revoked: "已撤销",
    checks: "检查项",
    footer: "由 lading verify 离线生成，仅依据证据包和信任策略；任何人均可复核。证据包已附于本 PDF 中。",
    attachment_bundle: "本核验结论所针对的证据包",
    attachment_verdict: "本核验结论的 JSON 形式（lading verify --json）",
};

impl Lang {
    /// The verdict documents' words in this language.
    pub fn report_strings(self) -> &'static ReportStrings {
        match self {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        }
    }
}

/// A row of a sheet's table.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// Its cue.
    pub tone: Tone,
    /// Its cells.
    pub cells: Vec<String>,
}

impl SheetRow {
    /// The CSS class of the row.
    pub fn class(&self) -> &'static str {
        match self.tone {
            Tone::Good => "pass",
            Tone::Bad => "fail",
            Tone::Warning => "warn",
            Tone::Muted => "na",
            Tone::Plain => "",
        }
    }
}

/// A labelled fact; `warning` when it must be read with care.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The label.
    pub label: String,
    /// The value.
    pub value: String,
    /// Shown as a warning.
    pub warning: bool,
}

/// The verdict, translated and laid out as facts and tables: what both the
/// HTML page and the PDF show.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The language.
    pub lang: Lang,
    /// The title.
    pub title: String,
    /// Verified or not.
    pub verified: bool,
    /// The verdict line.
    pub headline: String,
    /// What the verdict is and is not.
    pub note: String,
    /// The facts.
    pub facts: Vec<Fact>,
    /// Conclusion table: deliverable, kind, conclusion.
    pub conclusions: Vec<SheetRow>,
    /// Certificate table: certificate, result, reason.
    pub certificates: Vec<SheetRow>,
    /// Status table: credential, purpose, status, list.
    pub statuses: Vec<SheetRow>,
    /// Check table: check, result, reason.
    pub checks: Vec<SheetRow>,
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn result_word(s: &Strings, status: CheckStatus) -> (&'static str, Tone) {
    match status {
        CheckStatus::Pass => (s.pass, Tone::Good),
        CheckStatus::Warn => (s.warn, Tone::Warning),
        CheckStatus::Fail => (s.fail, Tone::Bad),
        CheckStatus::NotApplicable => (s.not_applicable, Tone::Muted),
    }
}

pub(crate) fn kind_name(s: &Strings, kind: &str) -> String {
    match kind {
        "inspection-report" => s.view.inspection.to_owned(),
        "saas-release" => s.view.release.to_owned(),
        "maintenance-log" => s.view.segment.to_owned(),
        other => other.to_owned(),
    }
}

fn conclusion_row(s: &Strings, r: &ReportStrings, c: &Conclusion) -> SheetRow {
    let (kind, text) = match c {
        Conclusion::InspectionReport { lot, lot_size, inspected, accepted, imported, classes, .. } => {
            let mut lines = vec![
                (if *accepted { s.view.lot_accepted } else { s.view.lot_rejected }).to_owned(),
                fill(
                    r.lot_line,
                    &[("lot", lot.clone()), ("inspected", inspected.to_string()), ("lot_size", lot_size.to_string())],
                ),
            ];
            for k in classes {
                let values = [
                    ("class", k.class.clone()),
                    ("aql", k.aql.clone().unwrap_or_default()),
                    ("accept", k.accept.to_string()),
                    ("found", k.found.to_string()),
                ];
                lines.push(fill(if k.aql.is_some() { r.class_line } else { r.class_full_line }, &values));
            }
            if *imported {
                lines.push(r.imported.to_owned());
            }
            ("inspection-report", lines.join("\n"))
        }
        Conclusion::SaasRelease { service, version, files, .. } => (
            "saas-release",
            fill(
                r.release_exact,
                &[("service", service.clone()), ("version", version.clone()), ("files", files.to_string())],
            ),
        ),
        Conclusion::MaintenanceSegment { stream, first, last, events, from, to, .. } => (
            "maintenance-log",
            fill(
                r.segment_complete,
                &[
                    ("stream", stream.clone()),
                    ("first", first.to_string()),
                    ("last", last.to_string()),
                    ("events", events.to_string()),
                    ("from", from.clone()),
                    ("to", to.clone()),
                ],
            ),
        ),
        Conclusion::Other { deliverable, .. } => (deliverable.as_str(), r.other_verified.to_owned()),
        Conclusion::NotVerified { deliverable, .. } => (deliverable.as_str(), r.not_verified_conclusion.to_owned()),
    };
    SheetRow {
        tone: if c.favourable() { Tone::Good } else { Tone::Bad },
        cells: vec![c.name().to_owned(), kind_name(s, kind), text],
    }
}

/// One row per credentialStatus entry of `verdict` (credential, purpose,
/// status, list and version), in `lang`: the verdict sheet's and the
/// console's status table.
pub(crate) fn status_rows(verdict: &Verdict, lang: Lang) -> Vec<SheetRow> {
    let (s, r) = (lang.strings(), lang.report_strings());
    verdict
        .statuses
        .iter()
        .map(|st| {
            let status = match st.status.as_str() {
                "valid" => r.status_valid,
                "revoked" => r.status_revoked,
                "suspended" => s.status_suspended,
                _ => r.status_unknown,
            };
            let purpose = match serde_json::to_value(st.purpose).ok().as_ref().and_then(|v| v.as_str()) {
                Some("suspension") => s.purpose_suspension,
                _ => s.purpose_revocation,
            };
            let list = match st.version {
                Some(n) => format!("{} ({n})", st.list),
                None => st.list.clone(),
            };
            SheetRow {
                tone: if st.status == "valid" { Tone::Good } else { Tone::Bad },
                cells: vec![s.check_name(&st.credential), purpose.into(), status.into(), list],
            }
        })
        .collect()
}

impl Sheet {
    /// The sheet of `verdict` in `lang`.
    pub fn new(verdict: &Verdict, context: &VerdictContext, lang: Lang) -> Sheet {
        let s = lang.strings();
        let r = lang.report_strings();
        let check = |name: &str| verdict.checks.iter().find(|c| c.name == name);
        let mut facts = vec![
            Fact { label: r.bundle.into(), value: context.bundle_name.clone(), warning: false },
            Fact { label: r.bundle_sha256.into(), value: context.bundle_sha256.clone(), warning: false },
            Fact { label: r.policy.into(), value: context.policy_name.clone(), warning: false },
            Fact { label: r.policy_sha256.into(), value: context.policy_sha256.clone(), warning: false },
            Fact {
                label: s.provider.into(),
                value: verdict.provider.clone().unwrap_or_else(|| r.unknown.into()),
                warning: false,
            },
            Fact {
                label: r.client.into(),
                value: verdict.client.clone().unwrap_or_else(|| r.unknown.into()),
                warning: false,
            },
        ];
        if let Some(c) = check("trust list signature").filter(|c| c.status == CheckStatus::Pass) {
            facts.push(Fact { label: r.white_list.into(), value: s.reason(&c.why), warning: false });
        }
        // The time of logging and where it comes from: the verifier's own
        // check, so every source it knows (witnesses, timestamps, a claim) shows.
        let logged = match (check("time of logging").or_else(|| check("statement logged")), verdict.logged_at) {
            (Some(c), _) => {
                let warning = c.status != CheckStatus::Pass;
                let mut value = s.reason(&c.why);
                if c.status == CheckStatus::Warn {
                    value = format!("{value}\n{}", r.claimed_warning);
                } else if c.status == CheckStatus::Fail {
                    value = format!("{value} ({})", s.fail);
                }
                Fact { label: r.logging_time.into(), value, warning }
            }
            (None, Some(t)) => Fact { label: r.logging_time.into(), value: t.to_rfc3339(), warning: true },
            (None, None) => Fact { label: r.logging_time.into(), value: r.unknown.into(), warning: true },
        };
        facts.push(logged);
        facts.push(Fact { label: r.verified_at.into(), value: verdict.verified_at.to_rfc3339(), warning: false });
        facts.push(Fact { label: r.version.into(), value: context.lading_version.clone(), warning: false });

        let certificates = verdict
            .checks
            .iter()
            .filter(|c| c.name.starts_with("certificate") && !c.name.contains(": "))
            .map(|c| {
                let (word, tone) = result_word(s, c.status);
                SheetRow { tone, cells: vec![s.check_name(&c.name), word.into(), s.reason(&c.why)] }
            })
            .collect();
        let statuses = status_rows(verdict, lang);
        let checks = verdict
            .checks
            .iter()
            .map(|c| {
                let (word, tone) = result_word(s, c.status);
                SheetRow { tone, cells: vec![s.check_name(&c.name), word.into(), s.reason(&c.why)] }
            })
            .collect();
        Sheet {
            lang,
            title: r.title.into(),
            verified: verdict.verified,
            headline: (if verdict.verified { r.verified_line } else { r.not_verified_line }).into(),
            note: r.verdict_note.into(),
            facts,
            conclusions: verdict.conclusions.iter().map(|c| conclusion_row(s, r, c)).collect(),
            certificates,
            statuses,
            checks,
        }
    }

    /// The words a reader of the rendered sheet must find on its pages —
    /// the verdict line, the bundle's and policy's digests, every
    /// conclusion and every check's result — with all white space removed
    /// (line breaks fall anywhere).
    pub fn visible_essentials(&self) -> Vec<String> {
        let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut out = vec![squeeze(&self.headline)];
        out.extend(self.facts.iter().take(4).map(|f| squeeze(&f.value)));
        for row in self.conclusions.iter().chain(&self.checks) {
            out.push(squeeze(&row.cells.join("")));
        }
        out
    }

    /// The PDF/A-3 document of this sheet, carrying the bundle (`Source`)
    /// and the verdict as JSON (`Data`).
    pub fn to_doc(&self, created: Stamp, bundle_name: &str, bundle: &[u8], verdict_json: &[u8]) -> Doc {
        let s = self.lang.strings();
        let r = self.lang.report_strings();
        let row = |x: &SheetRow| Row { tone: x.tone, cells: x.cells.clone() };
        let mut blocks = vec![
            Block::Title(self.title.clone()),
            Block::Banner { text: self.headline.clone(), tone: if self.verified { Tone::Good } else { Tone::Bad } },
            Block::Text(self.note.clone()),
            Block::Facts(
                self.facts
                    .iter()
                    .map(|f| (f.label.clone(), f.value.clone(), if f.warning { Tone::Warning } else { Tone::Plain }))
                    .collect(),
            ),
        ];
        if !self.conclusions.is_empty() {
            blocks.push(Block::Heading(r.conclusions.into()));
            blocks.push(Block::Table {
                columns: vec![r.col_deliverable.into(), s.col_kind.into(), r.col_conclusion.into()],
                widths: vec![1.4, 1.2, 3.0],
                rows: self.conclusions.iter().map(row).collect(),
            });
        }
        if !self.certificates.is_empty() {
            blocks.push(Block::Heading(r.certificates.into()));
            blocks.push(Block::Table {
                columns: vec![r.col_certificate.into(), s.col_result.into(), s.col_reason.into()],
                widths: vec![1.6, 0.7, 3.2],
                rows: self.certificates.iter().map(row).collect(),
            });
        }
        blocks.push(Block::Heading(r.statuses.into()));
        if self.statuses.is_empty() {
            blocks.push(Block::Text(r.no_status.into()));
        } else {
            blocks.push(Block::Table {
                columns: vec![r.col_credential.into(), r.col_purpose.into(), s.col_status.into(), r.col_list.into()],
                widths: vec![1.5, 0.8, 0.8, 2.5],
                rows: self.statuses.iter().map(row).collect(),
            });
        }
        blocks.push(Block::Heading(r.checks.into()));
        blocks.push(Block::Table {
            columns: vec![s.col_check.into(), s.col_result.into(), s.col_reason.into()],
            widths: vec![1.6, 0.7, 3.2],
            rows: self.checks.iter().map(row).collect(),
        });
        blocks.push(Block::Text(r.footer.into()));
        Doc {
            title: self.title.clone(),
            lang: self.lang.tag().into(),
            subject: self.headline.clone(),
            created,
            blocks,
            attachments: vec![
                Attachment {
                    name: bundle_name.into(),
                    mime: "application/zip".into(),
                    description: r.attachment_bundle.into(),
                    relationship: Relationship::Source,
                    bytes: bundle.to_vec(),
                },
                Attachment {
                    name: VERDICT_JSON.into(),
                    mime: "application/json".into(),
                    description: r.attachment_verdict.into(),
                    relationship: Relationship::Data,
                    bytes: verdict_json.to_vec(),
                },
            ],
        }
    }

    /// The self-contained HTML page of this sheet (no script, no external
    /// resource), with the deliverables of `bundle` shown as the console
    /// shows them (the inspection gallery with its boxes, release trees,
    /// segment timelines).
    pub fn to_html(&self, bundle: &[u8]) -> String {
        let s = self.lang.strings();
        let page = OfflineVerdict {
            lang: self.lang,
            s,
            rs: self.lang.report_strings(),
            sheet: self,
            css: crate::STYLESHEET,
            views: crate::deliverables::views(bundle, s),
        };
        // The template has no fallible filter; a failure is a bug, said plainly.
        page.render().unwrap_or_else(|e| format!("<!doctype html><p>the page could not be rendered: {e}</p>"))
    }
}

/// The name of the verdict's JSON inside a verdict PDF.
pub const VERDICT_JSON: &str = "verdict.json";

#[derive(Template)]
#[template(path = "offline_verdict.html")]
struct OfflineVerdict<'a> {
    lang: Lang,
    s: &'static Strings,
    rs: &'static ReportStrings,
    sheet: &'a Sheet,
    css: &'static str,
    views: Vec<View>,
}
