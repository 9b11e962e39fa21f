//! COCO results (and, after a 0xFF byte, a COCO dataset file) imported
//! against a fixed detector profile and lot: errors, never panics; every
//! imported detection is of a profile class and at or above its confidence.
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (results, dataset) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let profile = lading_inspect::Profile::parse(
        "[input]\nwidth = 4\nheight = 4\nchannels = \"gray\"\nlayout = \"nchw\"\nresize = \"stretch\"\nscale = 1.0\nmean = [0.0]\nstd = [1.0]\n\
         [head]\nkind = \"detector\"\nclasses = [\"scratch\", \"spot\"]\nconfidence = 0.25\niou = 0.45\n[defects]\nscratch = \"major\"\nspot = \"minor\"\n",
    )
    .expect("fixed profile");
    let lot: Vec<lading_inspect::lot::LotImage> = ["a.png", "7.png", "part-0001.png"]
        .iter()
        .map(|n| lading_inspect::lot::LotImage {
            name: (*n).into(),
            path: n.into(),
            modified: chrono::DateTime::from_timestamp(0, 0).expect("epoch"),
        })
        .collect();
    let digests: BTreeMap<String, lading_model::Sha256Digest> =
        lot.iter().map(|i| (i.name.clone(), lading_model::Sha256Digest::of(i.name.as_bytes()))).collect();
    let chosen: Vec<&lading_inspect::lot::LotImage> = lot.iter().collect();
    if let Ok(judged) = lading_inspect::coco::judge(results, dataset, &profile, &lot, &chosen, &digests) {
        assert_eq!(judged.len(), lot.len());
        for j in &judged {
            for d in &j.detections {
                assert!(d.category_id < 2 && d.score >= 0.25 && d.score <= 1.0);
            }
        }
    }
});
