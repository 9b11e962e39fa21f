//! A conformity certificate or a compliance statement for people: one
//! self-contained HTML page and one PDF/A-3b document (`lading certify issue`
//! and `lading statement issue` with `--html`/`--pdf`), in English or
//! Simplified Chinese, from the same [`CredentialSheet`]. The PDF carries the
//! signed credential itself as its source (`/AF`, `AFRelationship`
//! `Source`): the pages are a reading of it, the attachment is what counts.
//!
//! Values are shown as the credential records them (names, ids, digests,
//! times); every other word comes from [`CredentialStrings`], complete in
//! both languages by construction.

use lading_model::html::escape as esc;
use lading_report::{Attachment, Block, Doc, Relationship, Row, Stamp, Tone};
use serde_json::Value;

use crate::i18n::Lang;
use crate::report::{Fact, SheetRow, kind_name};

/// Which credential a sheet shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// A certification body's conformity certificate.
    Certificate,
    /// A provider's compliance statement to a client.
    Statement,
}

/// The words of the certificate and statement documents.
#[derive(Debug)]
pub struct CredentialStrings {
    /// Title of a certificate.
    pub certificate_title: &'static str,
    /// Title of a statement.
    pub statement_title: &'static str,
    /// What the pages are, and what to check.
    pub note: &'static str,
    /// Label: the credential's id.
    pub id: &'static str,
    /// Label: the issuer.
    pub issuer: &'static str,
    /// Label: the provider.
    pub provider: &'static str,
    /// Label: the provider's key id.
    pub provider_key: &'static str,
    /// Label: the scope (deliverable kinds).
    pub scope: &'static str,
    /// Label: valid from.
    pub valid_from: &'static str,
    /// Label: valid until.
    pub valid_until: &'static str,
    /// Label: the scheme profile.
    pub profile: &'static str,
    /// Label: the scheme profile's digest.
    pub profile_sha256: &'static str,
    /// Label: the conformity report's digest.
    pub report_sha256: &'static str,
    /// Label: the client.
    pub client: &'static str,
    /// Label: the contract.
    pub contract: &'static str,
    /// Label: the client's jurisdiction.
    pub jurisdiction: &'static str,
    /// Label: the governing terms.
    pub terms: &'static str,
    /// Label: the white list entry.
    pub white_list: &'static str,
    /// `{zone}`, `{sequence}`, `{entity}`: the white list entry.
    pub white_list_entry: &'static str,
    /// Label: the white list operator's key id.
    pub operator_key: &'static str,
    /// Label: the credential's status entries.
    pub status: &'static str,
    /// `{purpose}`, `{index}`, `{list}`: one status entry.
    pub status_entry: &'static str,
    /// No status entry.
    pub no_status: &'static str,
    /// Revocation.
    pub revocation: &'static str,
    /// Suspension.
    pub suspension: &'static str,
    /// Label: the proof.
    pub proof: &'static str,
    /// `{suite}`, `{created}`: the proof.
    pub proof_line: &'static str,
    /// Heading: the deliverables.
    pub deliverables: &'static str,
    /// Heading: the certificates.
    pub certificates: &'static str,
    /// Column: name.
    pub col_name: &'static str,
    /// Column: kind.
    pub col_kind: &'static str,
    /// Column: digest.
    pub col_sha256: &'static str,
    /// Column: certificate id.
    pub col_id: &'static str,
    /// Said when a value is missing.
    pub missing: &'static str,
    /// The footer.
    pub footer: &'static str,
    /// The attachment's description.
    pub attachment: &'static str,
}

/// English.
pub static EN: CredentialStrings = CredentialStrings {
    certificate_title: "Conformity certificate",
    statement_title: "Compliance statement",
    note: "A reading of the signed credential carried in this document. What counts is the credential itself: check its signature, its issuer on the white list and its status with lading verify.",
    id: "Credential id",
    issuer: "Issuer",
    provider: "Provider",
    provider_key: "Provider key id",
    scope: "Scope",
    valid_from: "Valid from",
    valid_until: "Valid until",
    profile: "Scheme profile",
    profile_sha256: "Scheme profile SHA-256",
    report_sha256: "Conformity report SHA-256",
    client: "Client",
    contract: "Contract",
    jurisdiction: "Client's jurisdiction",
    terms: "Governing terms",
    white_list: "White list entry",
    white_list_entry: "{entity} on the list of {zone}, version {sequence}",
    operator_key: "White list operator key id",
    status: "Revocation and suspension",
    status_entry: "{purpose}: index {index} of {list}",
    no_status: "none (this credential carries no credentialStatus)",
    revocation: "revocation",
    suspension: "suspension",
    proof: "Signature",
    proof_line: "{suite}, signed at {created}",
    deliverables: "Deliverables covered",
    certificates: "Certificates named",
    col_name: "Name",
    col_kind: "Kind",
    col_sha256: "SHA-256",
    col_id: "Certificate id",
    missing: "not given",
    footer: "Made by Lading from the signed credential alone; the credential is attached to the PDF as its source.",
    attachment: "The signed credential (W3C Verifiable Credential, eddsa-jcs-2022)",
};

/// Simplified Chinese.
pub static ZH_CN: CredentialStrings = CredentialStrings {
    certificate_title: "合格评定证书",
    statement_title: "合规声明",
    note: "本文件是对所附已签名凭证的解读。以凭证本身为准：请用 lading verify 核验其签名、签发方在白名单上的状态及其撤销状态。",
    id: "凭证标识",
    issuer: "签发方",
    provider: "服务提供方",
    provider_key: "提供方密钥标识",
    scope: "范围",
    valid_from: "生效时间",
    valid_until: "失效时间",
    profile: "认证方案",
    profile_sha256: "认证方案 SHA-256",
    report_sha256: "合格评定报告 SHA-256",
    client: "客户",
    contract: "合同",
    jurisdiction: "客户所在法域",
    terms: "适用条款",
    white_list: "白名单条目",
    white_list_entry: "{zone} 白名单第 {sequence} 版中的 {entity}",
    operator_key: "白名单运营方密钥标识",
    status: "撤销与暂停",
    status_entry: "{purpose}：{list} 中的第 {index} 位",
    no_status: "无（此凭证未携带撤销或暂停状态条目）",
    revocation: "撤销",
    suspension: "暂停",
    proof: "签名",
    proof_line: "{suite}，签名时间 {created}",
    deliverables: "所涵盖的交付物",
    certificates: "所引用的证书",
    col_name: "名称",
    col_kind: "类型",
    col_sha256: "SHA-256",
    col_id: "证书标识",
    missing: "未提供",
    footer: "由 Lading 仅依据已签名凭证生成；凭证作为来源文件附于 PDF 中。",
    attachment: "已签名凭证（W3C 可验证凭证，eddsa-jcs-2022）",
};

impl Lang {
    /// The certificate and statement documents' words in this language.
    pub fn credential_strings(self) -> &'static CredentialStrings {
        match self {
            Lang::En => &EN,
            Lang::ZhCn => &ZH_CN,
        }
    }
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// A certificate or statement, translated and laid out: what both the HTML
/// page and the PDF show.
#[derive(Debug, Clone)]
pub struct CredentialSheet {
    /// The language.
    pub lang: Lang,
    /// Which credential.
    pub kind: CredentialKind,
    /// The title.
    pub title: String,
    /// The facts.
    pub facts: Vec<Fact>,
    /// Deliverables: name, kind, SHA-256.
    pub deliverables: Vec<SheetRow>,
    /// Certificates a statement names: id, SHA-256.
    pub certificates: Vec<SheetRow>,
}

impl CredentialSheet {
    /// The sheet of `credential` (a signed certificate or statement as JSON) in `lang`.
    pub fn new(credential: &Value, kind: CredentialKind, lang: Lang) -> CredentialSheet {
        let s = lang.strings();
        let c = lang.credential_strings();
        let text = |v: &Value| v.as_str().map_or_else(|| c.missing.to_owned(), str::to_owned);
        let fact = |label: &str, value: String| Fact { label: label.into(), value, warning: false };
        let subject = &credential["credentialSubject"];
        let mut facts = vec![fact(c.id, text(&credential["id"])), fact(c.issuer, text(&credential["issuer"]))];
        match kind {
            CredentialKind::Certificate => {
                let provider = &subject["provider"];
                facts.push(fact(
                    c.provider,
                    format!("{} ({})", text(&provider["legalName"]), text(&provider["entity"])),
                ));
                facts.push(fact(c.provider_key, text(&provider["keyId"])));
                let scope: Vec<String> = subject["scope"]
                    .as_array()
                    .map(|a| a.iter().map(|k| kind_name(s, k.as_str().unwrap_or_default())).collect())
                    .unwrap_or_default();
                facts.push(fact(c.scope, if scope.is_empty() { c.missing.into() } else { scope.join(", ") }));
                facts.push(fact(c.valid_from, text(&credential["validFrom"])));
                facts.push(fact(c.valid_until, text(&credential["validUntil"])));
                let profile = &subject["profile"];
                facts.push(fact(c.profile, format!("{} {}", text(&profile["id"]), text(&profile["version"]))));
                facts.push(fact(c.profile_sha256, text(&profile["sha256"])));
                facts.push(fact(c.report_sha256, text(&subject["conformityReport"]["sha256"])));
            }
            CredentialKind::Statement => {
                facts.push(fact(c.client, text(&subject["client"])));
                facts.push(fact(c.contract, text(&subject["contract"])));
                facts.push(fact(c.jurisdiction, text(&subject["jurisdiction"])));
                facts.push(fact(c.valid_from, text(&credential["validFrom"])));
                let list = &subject["whiteList"];
                facts.push(fact(
                    c.white_list,
                    fill(
                        c.white_list_entry,
                        &[
                            ("entity", text(&list["entity"])),
                            ("zone", text(&list["zone"])),
                            ("sequence", list["sequenceNumber"].to_string()),
                        ],
                    ),
                ));
                facts.push(fact(c.operator_key, text(&list["operatorKeyId"])));
                facts.push(fact(c.terms, text(&subject["terms"])));
            }
        }
        let entries: Vec<&Value> = match &credential["credentialStatus"] {
            Value::Array(a) => a.iter().collect(),
            Value::Null => Vec::new(),
            one => vec![one],
        };
        let status: Vec<String> = entries
            .iter()
            .map(|e| {
                let purpose = match e["statusPurpose"].as_str() {
                    Some("suspension") => c.suspension.to_owned(),
                    Some("revocation") => c.revocation.to_owned(),
                    _ => text(&e["statusPurpose"]),
                };
                fill(
                    c.status_entry,
                    &[
                        ("purpose", purpose),
                        ("index", text(&e["statusListIndex"])),
                        ("list", text(&e["statusListCredential"])),
                    ],
                )
            })
            .collect();
        facts.push(fact(c.status, if status.is_empty() { c.no_status.into() } else { status.join("\n") }));
        let proof = &credential["proof"];
        facts.push(fact(
            c.proof,
            fill(c.proof_line, &[("suite", text(&proof["cryptosuite"])), ("created", text(&proof["created"]))]),
        ));
        let deliverables = subject["deliverables"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| SheetRow {
                        tone: Tone::Plain,
                        cells: vec![
                            text(&d["name"]),
                            kind_name(s, d["kind"].as_str().unwrap_or_default()),
                            text(&d["sha256"]),
                        ],
                    })
                    .collect()
            })
            .unwrap_or_default();
        let certificates = subject["certificates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|d| SheetRow { tone: Tone::Plain, cells: vec![text(&d["id"]), text(&d["sha256"])] })
                    .collect()
            })
            .unwrap_or_default();
        let title = match kind {
            CredentialKind::Certificate => c.certificate_title,
            CredentialKind::Statement => c.statement_title,
        };
        CredentialSheet { lang, kind, title: title.into(), facts, deliverables, certificates }
    }

    /// The text a reader must find on the pages (the title and every fact's
    /// value, the credential id among them), white space removed.
    pub fn visible_essentials(&self) -> Vec<String> {
        let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        std::iter::once(squeeze(&self.title)).chain(self.facts.iter().map(|f| squeeze(&f.value))).collect()
    }

    /// The PDF/A-3 document of this sheet, carrying the signed credential
    /// (`credential`, its exact bytes, named `file_name`) as its source.
    pub fn to_doc(&self, created: Stamp, file_name: &str, credential: &[u8]) -> Doc {
        let c = self.lang.credential_strings();
        let mut blocks = vec![
            Block::Title(self.title.clone()),
            Block::Text(c.note.into()),
            Block::Facts(self.facts.iter().map(|f| (f.label.clone(), f.value.clone(), Tone::Plain)).collect()),
        ];
        let row = |x: &SheetRow| Row { tone: x.tone, cells: x.cells.clone() };
        if !self.deliverables.is_empty() {
            blocks.push(Block::Heading(c.deliverables.into()));
            blocks.push(Block::Table {
                columns: vec![c.col_name.into(), c.col_kind.into(), c.col_sha256.into()],
                widths: vec![1.5, 1.3, 2.6],
                rows: self.deliverables.iter().map(row).collect(),
            });
        }
        if !self.certificates.is_empty() {
            blocks.push(Block::Heading(c.certificates.into()));
            blocks.push(Block::Table {
                columns: vec![c.col_id.into(), c.col_sha256.into()],
                widths: vec![2.0, 2.6],
                rows: self.certificates.iter().map(row).collect(),
            });
        }
        blocks.push(Block::Text(c.footer.into()));
        Doc {
            title: self.title.clone(),
            lang: self.lang.tag().into(),
            subject: self.title.clone(),
            created,
            blocks,
            attachments: vec![Attachment {
                name: file_name.into(),
                mime: "application/json".into(),
                description: c.attachment.into(),
                relationship: Relationship::Source,
                bytes: credential.to_vec(),
            }],
        }
    }

    /// The self-contained HTML page of this sheet (no script, no external resource).
    pub fn to_html(&self) -> String {
        use std::fmt::Write as _;
        let c = self.lang.credential_strings();
        let value = |v: &str| {
            if v.len() >= 32 && v.chars().all(|ch| ch.is_ascii_hexdigit())
                || v.starts_with("did:")
                || v.starts_with("urn:")
            {
                format!("<code>{}</code>", esc(v))
            } else {
                esc(v).replace('\n', "<br>")
            }
        };
        let mut h = String::with_capacity(16 * 1024);
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{css}</style>\n</head>\n\
<body>\n<main>\n<h1>{title}</h1>\n<p class=\"muted\">{note}</p>\n<dl class=\"facts\" id=\"facts\">\n",
            lang = self.lang.tag(),
            title = esc(&self.title),
            css = crate::STYLESHEET,
            note = esc(c.note),
        );
        for f in &self.facts {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(&f.label), value(&f.value));
        }
        h.push_str("</dl>\n");
        let table = |h: &mut String, id: &str, heading: &str, columns: &[&str], rows: &[SheetRow]| {
            if rows.is_empty() {
                return;
            }
            let _ = write!(h, "<h2>{}</h2>\n<table id=\"{id}\">\n<thead><tr>", esc(heading));
            for col in columns {
                let _ = write!(h, "<th scope=\"col\">{}</th>", esc(col));
            }
            h.push_str("</tr></thead>\n<tbody>");
            for r in rows {
                h.push_str("<tr>");
                for cell in &r.cells {
                    let _ = write!(h, "<td>{}</td>", value(cell));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        };
        table(&mut h, "deliverables", c.deliverables, &[c.col_name, c.col_kind, c.col_sha256], &self.deliverables);
        table(&mut h, "certificates", c.certificates, &[c.col_id, c.col_sha256], &self.certificates);
        let _ = write!(h, "<p class=\"muted\">{}</p>\n</main>\n</body>\n</html>\n", esc(c.footer));
        h
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn certificate() -> Value {
        json!({
            "id": "urn:uuid:0b6f", "issuer": "did:key:z6Mk", "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2027-01-01T00:00:00Z",
            "credentialSubject": {
                "provider": {"entity": "acme", "legalName": "Acme <Ltd>", "keyId": "ab".repeat(32)},
                "scope": ["maintenance-log"],
                "profile": {"id": "p", "version": "1", "sha256": "cd".repeat(32)},
                "conformityReport": {"sha256": "ef".repeat(32)},
                "deliverables": [{"name": "seg.lading", "kind": "maintenance-log", "sha256": "01".repeat(32)}],
            },
            "credentialStatus": [{"statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": "https://cb.example/rev"}],
            "proof": {"cryptosuite": "eddsa-jcs-2022", "created": "2026-01-01T00:00:00Z"},
        })
    }

    #[test]
    fn a_certificate_reads_the_same_in_both_languages_and_escapes_its_values() {
        let en = CredentialSheet::new(&certificate(), CredentialKind::Certificate, Lang::En);
        let zh = CredentialSheet::new(&certificate(), CredentialKind::Certificate, Lang::ZhCn);
        assert_eq!(en.facts.len(), zh.facts.len());
        let page = zh.to_html();
        assert!(
            page.contains("lang=\"zh-CN\"")
                && page.contains("合格评定证书")
                && page.contains("撤销：https://cb.example/rev 中的第 7 位"),
            "{page}"
        );
        assert!(page.contains("Acme &lt;Ltd&gt;") && !page.contains("Acme <Ltd>"));
        assert!(zh.visible_essentials().contains(&"urn:uuid:0b6f".to_owned()));
        let doc = zh.to_doc(Stamp { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, "cert.json", b"{}");
        assert_eq!(doc.attachments[0].relationship, Relationship::Source);
    }
}
