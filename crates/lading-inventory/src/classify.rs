//! Classification, tags, readiness gaps and market notes.

use serde::Serialize;

use crate::offering::Offering;
use crate::rules::{Code, Rules, term_matches, words};

/// A kind an offering maps to, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindMatch {
    /// The kind.
    pub kind: String,
    /// The kind's title.
    pub title: String,
    /// The matching rule's confidence.
    pub confidence: f64,
    /// The rule that matched (the most confident one for this kind).
    pub rule: String,
    /// What that rule recognises.
    pub rule_summary: String,
    /// The terms that made it match.
    pub matched_terms: Vec<String>,
    /// Suggested EBOPS 2010 codes.
    pub ebops_2010: Vec<Code>,
    /// Suggested UN CPC 2.1 codes.
    pub cpc_2_1: Vec<Code>,
    /// Requirements already met, by id.
    pub met: Vec<String>,
    /// What is still missing.
    pub gaps: Vec<Gap>,
}

/// One readiness gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The requirement's id.
    pub requirement: String,
    /// The gap, for a provider.
    pub gap: String,
    /// The command that closes it.
    pub command: String,
}

/// A target market note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarketNote {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Whether the trust policy recognises it.
    pub recognised: bool,
    /// The note, if any.
    pub note: Option<String>,
}

/// The assessment of one offering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Its name.
    pub name: String,
    /// The line it came from.
    pub source_line: usize,
    /// Kinds it maps to, most confident first; empty when out of scope.
    pub kinds: Vec<KindMatch>,
    /// Notes for its clients' countries.
    pub markets: Vec<MarketNote>,
    /// Columns that were kept but not read.
    pub extra: std::collections::BTreeMap<String, String>,
}

impl Assessment {
    /// Whether it maps to no kind.
    pub fn out_of_scope(&self) -> bool {
        self.kinds.is_empty()
    }
}

/// The rule ids matching a text, with the terms that matched.
pub fn matching_rules<'r>(rules: &'r Rules, text: &str) -> Vec<(&'r crate::rules::Rule, Vec<String>)> {
    let w = words(text);
    rules
        .rules
        .iter()
        .filter_map(|rule| {
            if rule.exclude.iter().any(|t| term_matches(&w, t)) {
                return None;
            }
            let mut terms = Vec::new();
            for group in &rule.require_all {
                let hit = group.iter().find(|t| term_matches(&w, t))?;
                terms.push(hit.clone());
            }
            Some((rule, terms))
        })
        .collect()
}

/// Whether a requirement is met by an artefact text.
pub fn requirement_met(requirement: &crate::rules::Requirement, artefact_text: &str) -> bool {
    let w = words(artefact_text);
    requirement.met_by.iter().any(|t| term_matches(&w, t))
}

/// Assesses every offering.
pub fn classify(offerings: &[Offering], rules: &Rules) -> Vec<Assessment> {
    offerings.iter().map(|o| assess(o, rules)).collect()
}

fn assess(o: &Offering, rules: &Rules) -> Assessment {
    let mut kinds: Vec<KindMatch> = Vec::new();
    for (rule, terms) in matching_rules(rules, &o.text()) {
        if let Some(existing) = kinds.iter_mut().find(|k| k.kind == rule.kind) {
            if rule.confidence > existing.confidence {
                existing.confidence = rule.confidence;
                existing.rule = rule.id.clone();
                existing.rule_summary = rule.summary.clone();
                existing.matched_terms = terms;
            }
            continue;
        }
        let Some(info) = rules.kinds.get(&rule.kind) else { continue };
        let artefacts = o.artefact_text();
        let (met, gaps): (Vec<_>, Vec<_>) =
            rules.requirements.iter().filter(|q| q.kind == rule.kind).partition(|q| requirement_met(q, &artefacts));
        kinds.push(KindMatch {
            kind: rule.kind.clone(),
            title: info.title.clone(),
            confidence: rule.confidence,
            rule: rule.id.clone(),
            rule_summary: rule.summary.clone(),
            matched_terms: terms,
            ebops_2010: info.ebops_2010.clone(),
            cpc_2_1: info.cpc_2_1.clone(),
            met: met.iter().map(|q| q.id.clone()).collect(),
            gaps: gaps
                .iter()
                .map(|q| Gap { requirement: q.id.clone(), gap: q.gap.clone(), command: q.command.clone() })
                .collect(),
        });
    }
    kinds.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.kind.cmp(&b.kind)));
    let markets = o
        .customer_countries
        .iter()
        .map(|c| MarketNote {
            country: c.clone(),
            recognised: rules.markets.recognised.contains(c),
            note: rules.markets.notes.get(c).cloned(),
        })
        .collect();
    Assessment { name: o.name.clone(), source_line: o.source_line, kinds, markets, extra: o.extra.clone() }
}
