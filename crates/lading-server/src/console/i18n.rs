//! The console's two languages. Every user-facing string is a field of
//! [`Strings`], so a language missing one does not compile; templates
//! hold no text of their own.

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
    /// (not a signed statement)
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
    /// not yet listed
    pub status_none: &'static str,
    /// Signer on the white list
    pub signer_standing: &'static str,
    /// the key is on no entity of the white list
    pub not_listed: &'static str,
    /// the key is not valid now
    pub key_not_valid: &'static str,
}

impl Strings {
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
    unknown_kind: "(not a signed statement)",
    err_bad_search: "Give an entry index (digits) or a leaf hash (64 hex digits).",
    err_no_such_entry: "This log has no such entry:",
    err_no_such_log: "This deployment has no log of that name:",
    err_log_unreadable: "The log could not be read:",
    check_terms: &[],
    check_prefixes: &[],
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
    status_none: "not yet listed",
    signer_standing: "Signer on the white list",
    not_listed: "the key is on no entity of the white list",
    key_not_valid: "the key is not valid now",
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
    unknown_kind: "（非签名声明）",
    err_bad_search: "请输入条目序号（数字）或叶哈希（64 位十六进制）。",
    err_no_such_entry: "此日志没有该条目：",
    err_no_such_log: "本部署没有该名称的日志：",
    err_log_unreadable: "无法读取日志：",
    check_terms: &[
        ("bundle", "证据包"),
        ("certificates", "证书"),
        ("deliverables", "交付物"),
        ("provider on the white list", "白名单上的提供方"),
        ("statement logged", "声明已记录"),
        ("statement signature", "声明签名"),
        ("statement signer", "声明签名者"),
        ("time of logging", "记录时间"),
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
    check_prefixes: &[
        ("certificate ", "证书 "),
        ("deliverable ", "交付物 "),
        ("certified for ", "认证范围："),
        ("report ", "报告 "),
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
    status_none: "尚未列入",
    signer_standing: "签名者白名单状态",
    not_listed: "该密钥不属于白名单上的任何主体",
    key_not_valid: "该密钥当前无效",
};

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
