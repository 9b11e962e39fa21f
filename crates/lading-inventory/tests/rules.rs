//! Every rule and every readiness requirement in the shipped rules file is
//! exercised by its own examples and counter-examples, and the sample
//! inventory classifies as documented.

use lading_inventory::{Rules, classify, matching_rules, parse_csv, parse_json, requirement_met};

#[test]
fn every_rule_matches_its_examples_and_not_its_counter_examples() {
    let rules = Rules::reference().expect("shipped rules parse");
    assert!(rules.rules.len() >= 6);
    for rule in &rules.rules {
        assert!(!rule.examples.is_empty(), "rule {} has no example", rule.id);
        assert!(!rule.counter_examples.is_empty(), "rule {} has no counter-example", rule.id);
        for text in &rule.examples {
            let hits: Vec<&str> = matching_rules(&rules, text).iter().map(|(r, _)| r.id.as_str()).collect();
            assert!(
                hits.contains(&rule.id.as_str()),
                "rule {} does not match its example {text:?} (matched {hits:?})",
                rule.id
            );
        }
        for text in &rule.counter_examples {
            let hits: Vec<&str> = matching_rules(&rules, text).iter().map(|(r, _)| r.id.as_str()).collect();
            assert!(!hits.contains(&rule.id.as_str()), "rule {} matches its counter-example {text:?}", rule.id);
        }
    }
}

#[test]
fn every_requirement_is_met_and_unmet_by_its_examples() {
    let rules = Rules::reference().expect("rules");
    for q in &rules.requirements {
        assert!(!q.examples_met.is_empty() && !q.examples_unmet.is_empty(), "requirement {} lacks examples", q.id);
        assert!(q.command.starts_with("lading "), "requirement {}: the command must be a lading command", q.id);
        for t in &q.examples_met {
            assert!(requirement_met(q, t), "{} is not met by {t:?}", q.id);
        }
        for t in &q.examples_unmet {
            assert!(!requirement_met(q, t), "{} is met by {t:?}", q.id);
        }
    }
    // Every kind has tags and requirements.
    for (kind, info) in &rules.kinds {
        assert!(!info.ebops_2010.is_empty() && !info.cpc_2_1.is_empty(), "{kind} has no tags");
        assert!(rules.requirements.iter().any(|q| &q.kind == kind), "{kind} has no requirements");
    }
}

#[test]
fn the_sample_inventory_classifies_as_documented() {
    let rules = Rules::reference().expect("rules");
    let bytes =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/inventory/offerings.csv")).expect("sample");
    let inventory = parse_csv(&bytes).expect("sample parses");
    assert_eq!(inventory.offerings.len(), 10);
    assert_eq!(inventory.unknown_columns, vec!["owner"]);
    let result = classify(&inventory.offerings, &rules);
    let first_kind = |name: &str| {
        let a = result.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("{name} missing"));
        a.kinds.first().map(|k| k.kind.clone())
    };
    assert_eq!(first_kind("LensCheck AOI").as_deref(), Some("inspection-report"));
    assert_eq!(first_kind("FleetCare Remote").as_deref(), Some("maintenance-log"));
    assert_eq!(first_kind("OrbitMES Cloud").as_deref(), Some("saas-release"));
    assert_eq!(first_kind("Factory Layout Consulting"), None);
    let out_of_scope = result.iter().filter(|a| a.out_of_scope()).count();
    assert!((1..=3).contains(&out_of_scope), "{out_of_scope} out of scope");
    // Gaps name their commands; markets are noted.
    let lens = result.iter().find(|a| a.name == "LensCheck AOI").expect("lens");
    assert!(lens.kinds[0].gaps.iter().any(|g| g.requirement == "inspection.model-digest"));
    assert!(lens.markets.iter().any(|m| m.country == "DE" && m.recognised));
    // The same inventory as JSON gives the same result.
    let json: Vec<serde_json::Value> = inventory
        .offerings
        .iter()
        .map(|o| {
            let mut v = serde_json::json!({
                "name": o.name, "description": o.description, "delivery_channel": o.delivery_channel,
                "outputs": o.outputs, "customer_countries": o.customer_countries, "artefacts": o.artefacts,
            });
            for (k, x) in &o.extra {
                v[k] = serde_json::json!(x);
            }
            v
        })
        .collect();
    let from_json = parse_json(&serde_json::to_vec(&json).expect("json")).expect("json parses");
    let again = classify(&from_json.offerings, &rules);
    assert_eq!(again.iter().map(|a| &a.kinds).collect::<Vec<_>>(), result.iter().map(|a| &a.kinds).collect::<Vec<_>>());
}

#[test]
fn bad_rules_files_are_refused() {
    let good = lading_inventory::report::csv(&[]);
    assert!(good.starts_with("name,"));
    for (text, needle) in
        [("version = \"other\"\nlabel=\"x\"\nrules=[]\nrequirements=[]\n[kinds]\n", "version"), ("not toml", "rules")]
    {
        let e = Rules::parse(text).expect_err(text);
        assert!(e.to_string().contains(needle), "{e}");
    }
    let dup = lading_inventory::rules_for_test_duplicate_id();
    assert!(Rules::parse(&dup).expect_err("duplicate").to_string().contains("twice"));
}
