//! # lading-inventory
//!
//! The first step under the action plan: take stock of a provider's
//! offerings. [`parse_csv`] / [`parse_json`] read an inventory as a provider
//! keeps it; [`classify`] maps each offering to Lading's deliverable kinds
//! with transparent rules ([`Rules`], a versioned TOML file: every match names
//! its rule and the terms that matched), suggests EBOPS 2010 and UN CPC 2.1
//! tags, lists readiness gaps with the `lading` command that closes each,
//! and notes whether each client country is recognised by the trust policy.
//! [`report`] renders a table, CSV or a self-contained HTML summary.
//!
//! No I/O: bytes in, values and strings out.
//!
//! ```
//! let rules = lading_inventory::Rules::reference().unwrap();
//! let inventory = lading_inventory::parse_csv(
//!     b"name,description,artefacts\nAOI,AI visual inspection of brake pads,PDF report per lot\n",
//! ).unwrap();
//! let result = lading_inventory::classify(&inventory.offerings, &rules);
//! assert_eq!(result[0].kinds[0].kind, "inspection-report");
//! ```

mod classify;
mod offering;
pub mod report;
mod rules;

pub use classify::{Assessment, Gap, KindMatch, MarketNote, classify, matching_rules, requirement_met};
pub use offering::{
    InputError, Inventory, KNOWN_COLUMNS, MAX_INPUT_BYTES, Offering, REQUIRED_COLUMNS, parse_csv, parse_json,
};
pub use rules::{
    Code, DEFAULT_RULES, KindInfo, Markets, RULES_VERSION, Requirement, Rule, Rules, RulesError, term_matches, words,
};

/// The shipped rules with one rule id repeated (for tests of the checks).
#[doc(hidden)]
pub fn rules_for_test_duplicate_id() -> String {
    let text = rules::DEFAULT_RULES;
    text.replacen("id = \"inspection.lot-reports\"", "id = \"inspection.ai-vision\"", 1)
}
