//! Rendering assessments: a plain-text table, CSV and a self-contained HTML
//! summary (JSON is the serde form of [`Assessment`]).

use lading_model::html::escape as esc;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::classify::Assessment;
use crate::rules::Rules;

fn kinds_cell(a: &Assessment) -> String {
    if a.out_of_scope() {
        "out of scope".into()
    } else {
        a.kinds.iter().map(|k| format!("{} ({:.0}%)", k.kind, k.confidence * 100.0)).collect::<Vec<_>>().join(", ")
    }
}

fn readiness(a: &Assessment) -> (usize, usize) {
    a.kinds.iter().fold((0, 0), |(met, all), k| (met + k.met.len(), all + k.met.len() + k.gaps.len()))
}

/// A plain-text table, one offering per block.
pub fn table(assessments: &[Assessment]) -> String {
    let mut out = String::new();
    for a in assessments {
        let _ = writeln!(out, "{} (line {}): {}", a.name, a.source_line, kinds_cell(a));
        for k in &a.kinds {
            let ebops: Vec<String> = k.ebops_2010.iter().map(|c| c.code.clone()).collect();
            let cpc: Vec<String> = k.cpc_2_1.iter().map(|c| c.code.clone()).collect();
            let _ = writeln!(
                out,
                "  {}: rule {} (matched {}); EBOPS {} · CPC {}",
                k.kind,
                k.rule,
                k.matched_terms.join(", "),
                ebops.join(" "),
                cpc.join(" ")
            );
            let _ = writeln!(out, "    ready: {}/{}", k.met.len(), k.met.len() + k.gaps.len());
            for g in &k.gaps {
                let _ = writeln!(out, "    gap: {} → {}", g.gap, g.command);
            }
        }
        for m in &a.markets {
            let status = if m.recognised { "recognised" } else { "not recognised by the policy" };
            let _ = writeln!(
                out,
                "  market {}: {status}{}",
                m.country,
                m.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default()
            );
        }
        if !a.extra.is_empty() {
            let _ = writeln!(out, "  kept, not read: {}", a.extra.keys().cloned().collect::<Vec<_>>().join(", "));
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// CSV: one row per (offering, kind), or one row marked `out-of-scope`.
pub fn csv(assessments: &[Assessment]) -> String {
    let mut out =
        String::from("name,line,kind,confidence,rule,matched_terms,ebops_2010,cpc_2_1,met,gaps,commands,markets\n");
    for a in assessments {
        let markets: Vec<String> = a
            .markets
            .iter()
            .map(|m| format!("{}:{}", m.country, if m.recognised { "recognised" } else { "not-recognised" }))
            .collect();
        let row = |fields: Vec<String>| fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",");
        if a.out_of_scope() {
            let fields = vec![
                a.name.clone(),
                a.source_line.to_string(),
                "out-of-scope".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                markets.join(";"),
            ];
            out.push_str(&row(fields));
            out.push('\n');
        }
        for k in &a.kinds {
            let fields = vec![
                a.name.clone(),
                a.source_line.to_string(),
                k.kind.clone(),
                format!("{:.2}", k.confidence),
                k.rule.clone(),
                k.matched_terms.join(";"),
                k.ebops_2010.iter().map(|c| c.code.clone()).collect::<Vec<_>>().join(";"),
                k.cpc_2_1.iter().map(|c| c.code.clone()).collect::<Vec<_>>().join(";"),
                k.met.join(";"),
                k.gaps.iter().map(|g| g.gap.clone()).collect::<Vec<_>>().join(";"),
                k.gaps.iter().map(|g| g.command.clone()).collect::<Vec<_>>().join(";"),
                markets.join(";"),
            ];
            out.push_str(&row(fields));
            out.push('\n');
        }
    }
    out
}

/// Every word of the HTML page, in one language: a language missing one
/// does not compile. `{name}` placeholders are filled with values.
#[derive(Debug)]
pub struct Words {
    /// The `lang` attribute (BCP 47); `zh-CN` also picks the rules' `*_zh` texts.
    pub lang: &'static str,
    /// `{source}`: the window title.
    pub title: &'static str,
    /// The heading.
    pub heading: &'static str,
    /// `{n}`, `{source}`, `{label}`, `{version}`: what was classified with what.
    pub intro: &'static str,
    /// Out of scope.
    pub out_of_scope: &'static str,
    /// Column: offering.
    pub col_offering: &'static str,
    /// Column: deliverable kind.
    pub col_kind: &'static str,
    /// Column: readiness.
    pub col_readiness: &'static str,
    /// Column: gaps.
    pub col_gaps: &'static str,
    /// Column: markets.
    pub col_markets: &'static str,
    /// `{confidence}`, `{rule}`: why a kind matched.
    pub matched: &'static str,
    /// `{policy}`: the market legend.
    pub markets_legend: &'static str,
}

/// English.
pub static EN: Words = Words {
    lang: "en",
    title: "Offering inventory — {source}",
    heading: "Offering inventory",
    intro: "{n} offerings from {source}, classified with {label} ({version})",
    out_of_scope: "out of scope",
    col_offering: "Offering",
    col_kind: "Deliverable kind",
    col_readiness: "Readiness",
    col_gaps: "Gaps and the command that closes each",
    col_markets: "Markets",
    matched: "({confidence}%, rule {rule})",
    markets_legend: "Markets: ✓ recognised by the policy “{policy}”, ✗ not recognised.",
};

/// Simplified Chinese.
pub static ZH_CN: Words = Words {
    lang: "zh-CN",
    title: "服务清单 — {source}",
    heading: "服务清单",
    intro: "{source} 中的 {n} 项服务，按 {label}（{version}）分类",
    out_of_scope: "不在范围内",
    col_offering: "服务",
    col_kind: "交付物类型",
    col_readiness: "就绪程度",
    col_gaps: "差距及弥补差距的命令",
    col_markets: "目标市场",
    matched: "（{confidence}%，规则 {rule}）",
    markets_legend: "目标市场：✓ 为策略“{policy}”所认可，✗ 未被认可。",
};

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// The rules' text in the page's language, escaped: the `*_zh` translation
/// on a zh-CN page, else the English text marked `lang="en"` (a rules file
/// without translations says so rather than passing English off as Chinese).
fn text_in(w: &Words, english: &str, chinese: Option<&str>) -> String {
    match (w.lang, chinese) {
        ("zh-CN", Some(zh)) => esc(zh),
        ("zh-CN", None) => format!("<span lang=\"en\">{}</span>", esc(english)),
        _ => esc(english),
    }
}

/// A self-contained HTML page in the language of `w`: counts per kind,
/// readiness per offering, gaps. Offering names, rule ids, commands and
/// country codes are shown as written.
pub fn html(assessments: &[Assessment], rules: &Rules, source: &str, w: &Words) -> String {
    let mut counts: BTreeMap<String, usize> = rules.kinds.keys().map(|k| (k.clone(), 0)).collect();
    let mut out_of_scope = 0;
    for a in assessments {
        if a.out_of_scope() {
            out_of_scope += 1;
        }
        for k in &a.kinds {
            *counts.entry(k.kind.clone()).or_default() += 1;
        }
    }
    let kind_title = |kind: &str, fallback: &str| match rules.kinds.get(kind) {
        Some(info) => text_in(w, &info.title, info.title_zh.as_deref()),
        None => text_in(w, fallback, None),
    };
    let gap_text = |g: &crate::classify::Gap| {
        let zh = rules.requirements.iter().find(|q| q.id == g.requirement).and_then(|q| q.gap_zh.as_deref());
        text_in(w, &g.gap, zh)
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
body{{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}}h1{{font-size:1.5rem}}\
table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #c9d1d9;padding:.4rem .6rem;text-align:left;vertical-align:top}}\
th{{background:#f3f5f7}}.bar{{background:#e5e9ee;height:.6rem;border-radius:.3rem;min-width:6rem}}.bar i{{display:block;height:100%;background:#2f7d4f;border-radius:.3rem}}\
.muted{{color:#57606a}}.cards{{display:flex;gap:1rem;flex-wrap:wrap}}.card{{border:1px solid #c9d1d9;border-radius:.5rem;padding:.8rem 1rem;min-width:11rem}}\
.card b{{font-size:1.6rem;display:block}}ul{{margin:.2rem 0;padding-left:1.2rem}}code{{font-size:.85em}}</style></head><body>\n",
        w.lang,
        fill(w.title, &[("source", &esc(source))])
    );
    let _ = writeln!(
        h,
        "<h1>{}</h1><p class=\"muted\">{}</p>",
        w.heading,
        fill(
            w.intro,
            &[
                ("n", &assessments.len().to_string()),
                ("source", &format!("<code>{}</code>", esc(source))),
                ("label", &text_in(w, &rules.label, rules.label_zh.as_deref())),
                ("version", &format!("<code>{}</code>", esc(&rules.version))),
            ]
        )
    );
    h.push_str("<div class=\"cards\">");
    for (kind, n) in &counts {
        let _ = write!(h, "<div class=\"card\"><b>{n}</b>{}</div>", kind_title(kind, kind));
    }
    let _ = writeln!(h, "<div class=\"card\"><b>{out_of_scope}</b>{}</div></div>", w.out_of_scope);
    let _ = writeln!(
        h,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        w.col_offering, w.col_kind, w.col_readiness, w.col_gaps, w.col_markets
    );
    for a in assessments {
        let (met, all) = readiness(a);
        let pct = (met * 100).checked_div(all).unwrap_or(0);
        let kinds = if a.out_of_scope() {
            format!("<span class=\"muted\">{}</span>", w.out_of_scope)
        } else {
            a.kinds
                .iter()
                .map(|k| {
                    format!(
                        "{} <span class=\"muted\">{}</span>",
                        kind_title(&k.kind, &k.title),
                        fill(
                            w.matched,
                            &[
                                ("confidence", &format!("{:.0}", k.confidence * 100.0)),
                                ("rule", &format!("<code>{}</code>", esc(&k.rule))),
                            ]
                        )
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let gaps: Vec<String> = a
            .kinds
            .iter()
            .flat_map(|k| &k.gaps)
            .map(|g| format!("<li>{} — <code>{}</code></li>", gap_text(g), esc(&g.command)))
            .collect();
        let markets: Vec<String> = a
            .markets
            .iter()
            .map(|m| format!("<code>{}</code>{}", esc(&m.country), if m.recognised { " ✓" } else { " ✗" }))
            .collect();
        let readiness_cell = if all == 0 {
            "—".to_owned()
        } else {
            format!("{met}/{all}<div class=\"bar\"><i style=\"width:{pct}%\"></i></div>")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{kinds}</td><td>{readiness_cell}</td><td><ul>{}</ul></td><td>{}</td></tr>",
            esc(&a.name),
            gaps.join(""),
            markets.join(" ")
        );
    }
    let _ = writeln!(
        h,
        "</tbody></table><p class=\"muted\">{}</p></body></html>",
        fill(w.markets_legend, &[("policy", &text_in(w, &rules.markets.policy, rules.markets.policy_zh.as_deref()))])
    );
    h
}
