//! SBOMs (CycloneDX, SPDX), offering inventories (CSV) and inventory rules.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = lading_release::parse_sbom(data);
    if let Ok(inventory) = lading_inventory::parse_csv(data) {
        if let Ok(rules) = lading_inventory::Rules::reference() {
            let _ = lading_inventory::classify(&inventory.offerings, &rules);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = lading_inventory::Rules::parse(text);
    }
});
