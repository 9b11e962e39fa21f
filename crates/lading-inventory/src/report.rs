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

/// A self-contained HTML page: counts per kind, readiness per offering, gaps.
pub fn html(assessments: &[Assessment], rules: &Rules, source: &str) -> String {
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
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Offering inventory — {}</title>\n<style>\
body{{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}}h1{{font-size:1.5rem}}\
table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{border:1px solid #c9d1d9;padding:.4rem .6rem;text-align:left;vertical-align:top}}\
th{{background:#f3f5f7}}.bar{{background:#e5e9ee;height:.6rem;border-radius:.3rem;min-width:6rem}}.bar i{{display:block;height:100%;background:#2f7d4f;border-radius:.3rem}}\
.muted{{color:#57606a}}.cards{{display:flex;gap:1rem;flex-wrap:wrap}}.card{{border:1px solid #c9d1d9;border-radius:.5rem;padding:.8rem 1rem;min-width:11rem}}\
.card b{{font-size:1.6rem;display:block}}ul{{margin:.2rem 0;padding-left:1.2rem}}code{{font-size:.85em}}</style></head><body>\n",
        esc(source)
    );
    let _ = writeln!(
        h,
        "<h1>Offering inventory</h1><p class=\"muted\">{} offerings from <code>{}</code>, classified with {} ({})</p>",
        assessments.len(),
        esc(source),
        esc(&rules.label),
        esc(&rules.version)
    );
    h.push_str("<div class=\"cards\">");
    for (kind, n) in &counts {
        let title = rules.kinds.get(kind).map_or(kind.as_str(), |k| k.title.as_str());
        let _ = write!(h, "<div class=\"card\"><b>{n}</b>{}</div>", esc(title));
    }
    let _ = writeln!(h, "<div class=\"card\"><b>{out_of_scope}</b>out of scope</div></div>");
    h.push_str("<table><thead><tr><th>Offering</th><th>Deliverable kind</th><th>Readiness</th><th>Gaps and the command that closes each</th><th>Markets</th></tr></thead><tbody>\n");
    for a in assessments {
        let (met, all) = readiness(a);
        let pct = (met * 100).checked_div(all).unwrap_or(0);
        let kinds = if a.out_of_scope() {
            "<span class=\"muted\">out of scope</span>".to_owned()
        } else {
            a.kinds
                .iter()
                .map(|k| {
                    format!(
                        "{} <span class=\"muted\">({:.0}%, rule <code>{}</code>)</span>",
                        esc(&k.title),
                        k.confidence * 100.0,
                        esc(&k.rule)
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let gaps: Vec<String> = a
            .kinds
            .iter()
            .flat_map(|k| &k.gaps)
            .map(|g| format!("<li>{} — <code>{}</code></li>", esc(&g.gap), esc(&g.command)))
            .collect();
        let markets: Vec<String> = a
            .markets
            .iter()
            .map(|m| format!("{}{}", esc(&m.country), if m.recognised { " ✓" } else { " ✗" }))
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
        "</tbody></table><p class=\"muted\">Markets: ✓ recognised by the policy “{}”, ✗ not recognised.</p></body></html>",
        esc(&rules.markets.policy)
    );
    h
}
