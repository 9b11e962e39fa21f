//! The classification rules: a versioned, human-readable TOML file.
//! Lading ships `rules/inventory-rules.v1.toml`; providers may use their own
//! (`lading inventory classify --rules FILE`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The rules Lading ships.
pub const DEFAULT_RULES: &str = include_str!("../../../rules/inventory-rules.v1.toml");
/// The format this version reads.
pub const RULES_VERSION: &str = "lading-inventory-rules/v1";

/// A classification code with its official title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Code {
    /// The code, e.g. `SI2`.
    pub code: String,
    /// Its title.
    pub title: String,
}

/// A deliverable kind and its trade-statistics tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindInfo {
    /// Human title.
    pub title: String,
    /// The title in Simplified Chinese (zh-CN pages fall back to `title`, marked as English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// EBOPS 2010 codes.
    pub ebops_2010: Vec<Code>,
    /// UN CPC 2.1 codes.
    pub cpc_2_1: Vec<Code>,
}

/// One classification rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id, reported with every match.
    pub id: String,
    /// The kind it maps to.
    pub kind: String,
    /// Reported confidence, 0–1.
    pub confidence: f64,
    /// What it recognises, for people.
    pub summary: String,
    /// Every group must match at least one of its terms.
    pub require_all: Vec<Vec<String>>,
    /// No term here may match.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Offering texts that must match this rule (checked by tests).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Offering texts that must not (checked by tests).
    #[serde(default)]
    pub counter_examples: Vec<String>,
}

/// Something a kind needs for certification, found (or not) in the artefacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable id.
    pub id: String,
    /// The kind.
    pub kind: String,
    /// The gap, worded for a provider, when it is missing.
    pub gap: String,
    /// The gap in Simplified Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_zh: Option<String>,
    /// Any of these terms in the artefacts or outputs meets it.
    pub met_by: Vec<String>,
    /// The `lading` command that closes the gap.
    pub command: String,
    /// Artefact texts that meet it (checked by tests).
    #[serde(default)]
    pub examples_met: Vec<String>,
    /// Artefact texts that do not (checked by tests).
    #[serde(default)]
    pub examples_unmet: Vec<String>,
}

/// The jurisdictions a trust policy recognises, with notes per country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Markets {
    /// What the list is.
    pub policy: String,
    /// What the list is, in Simplified Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_zh: Option<String>,
    /// ISO 3166-1 alpha-2 codes recognised.
    pub recognised: Vec<String>,
    /// Notes per country code.
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

/// A whole rules file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Must be [`RULES_VERSION`].
    pub version: String,
    /// Who wrote the rules and what they are (shown in reports).
    pub label: String,
    /// The label in Simplified Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_zh: Option<String>,
    /// Kinds by name.
    pub kinds: BTreeMap<String, KindInfo>,
    /// Classification rules, in order.
    pub rules: Vec<Rule>,
    /// Readiness requirements.
    pub requirements: Vec<Requirement>,
    /// Target markets.
    #[serde(default)]
    pub markets: Markets,
}

/// Why a rules file is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rules: {0}")]
pub struct RulesError(pub String);

impl Rules {
    /// The rules Lading ships.
    pub fn reference() -> Result<Self, RulesError> {
        Self::parse(DEFAULT_RULES)
    }

    /// Parses and checks a rules file.
    pub fn parse(text: &str) -> Result<Self, RulesError> {
        let rules: Rules = toml::from_str(text).map_err(|e| RulesError(e.to_string()))?;
        if rules.version != RULES_VERSION {
            return Err(RulesError(format!("version is {:?}, this Lading reads {RULES_VERSION:?}", rules.version)));
        }
        let mut ids = std::collections::BTreeSet::new();
        for r in &rules.rules {
            if !ids.insert(&r.id) {
                return Err(RulesError(format!("rule id {:?} appears twice", r.id)));
            }
            if !rules.kinds.contains_key(&r.kind) {
                return Err(RulesError(format!("rule {} names unknown kind {:?}", r.id, r.kind)));
            }
            if !(0.0..=1.0).contains(&r.confidence) {
                return Err(RulesError(format!("rule {}: confidence {} is not between 0 and 1", r.id, r.confidence)));
            }
            if r.require_all.is_empty() || r.require_all.iter().any(Vec::is_empty) {
                return Err(RulesError(format!("rule {}: require_all needs non-empty groups", r.id)));
            }
        }
        for q in &rules.requirements {
            if !ids.insert(&q.id) {
                return Err(RulesError(format!("id {:?} appears twice", q.id)));
            }
            if !rules.kinds.contains_key(&q.kind) {
                return Err(RulesError(format!("requirement {} names unknown kind {:?}", q.id, q.kind)));
            }
        }
        Ok(rules)
    }
}

/// Text as lowercase alphanumeric words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether `term` occurs in `words`: a phrase of whole words, where a word
/// ending in `*` matches any word it starts.
pub fn term_matches(words_of_text: &[String], term: &str) -> bool {
    let pattern: Vec<(String, bool)> = term
        .split_whitespace()
        .map(|w| match w.strip_suffix('*') {
            Some(prefix) => (prefix.to_lowercase(), true),
            None => (w.to_lowercase(), false),
        })
        .collect();
    if pattern.is_empty() {
        return false;
    }
    words_of_text.windows(pattern.len()).any(|window| {
        window.iter().zip(&pattern).all(|(w, (p, prefix))| if *prefix { w.starts_with(p.as_str()) } else { w == p })
    })
}
