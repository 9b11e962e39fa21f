//! What each deliverable of a bundle concludes, beside whether the bundle
//! verifies: a bundle can verify perfectly and carry an inspection report
//! whose lot was rejected. A verdict shows both, and says which is which.
//!
//! Conclusions are read only from deliverables whose signature, kind checks
//! and log inclusion held; any other deliverable concludes nothing
//! ([`Conclusion::NotVerified`]).

use lading_model::inspection::{Inspection, InspectionReport, LotDecision, Origin};
use lading_model::maintenance::MaintenanceSegment;
use lading_model::release::{Artefact, SaasRelease};
use serde::Serialize;
use serde_json::Value;

/// One defect class of an inspection: its AQL and acceptance number (the
/// most non-conforming items a sample may hold), and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassOutcome {
    /// The defect class (`critical`, `major`, `minor`, …).
    pub class: String,
    /// Its acceptable quality limit, as written in the plan; `None` for 100 % inspection.
    pub aql: Option<String>,
    /// Accept with at most this many non-conforming items.
    pub accept: u64,
    /// Non-conforming items found.
    pub found: u64,
}

/// What one deliverable concludes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Conclusion {
    /// An AI visual inspection report: the lot accepted or rejected.
    InspectionReport {
        /// The deliverable's name in the statement.
        name: String,
        /// The lot's id.
        lot: String,
        /// Items in the lot.
        lot_size: u64,
        /// Items inspected (the sample, or the lot).
        inspected: u64,
        /// The sample size of the plan; `None` for 100 % inspection.
        sample_size: Option<u64>,
        /// The lot was accepted.
        accepted: bool,
        /// Results imported from another system (traceable, not reproducible by Lading).
        imported: bool,
        /// Per defect class.
        classes: Vec<ClassOutcome>,
    },
    /// A SaaS release: exactly the files its manifest lists.
    SaasRelease {
        /// The deliverable's name in the statement.
        name: String,
        /// The service.
        service: String,
        /// The version.
        version: String,
        /// Files the manifest lists.
        files: usize,
        /// Every file matched its digest (the package verified).
        exact: bool,
    },
    /// A maintenance-log segment: complete over its range.
    MaintenanceSegment {
        /// The deliverable's name in the statement.
        name: String,
        /// The stream.
        stream: String,
        /// First sequence number.
        first: u64,
        /// Last sequence number.
        last: u64,
        /// Events.
        events: u64,
        /// The first event's time (RFC 3339).
        from: String,
        /// The last event's time (RFC 3339).
        to: String,
        /// Complete and in order under the stream's signed checkpoint.
        complete: bool,
    },
    /// A verified deliverable of another form (a single maintenance event).
    Other {
        /// The deliverable's name in the statement.
        name: String,
        /// Its kind.
        deliverable: String,
    },
    /// A deliverable that did not verify: it concludes nothing.
    NotVerified {
        /// The deliverable's name in the statement.
        name: String,
        /// The kind the statement names.
        deliverable: String,
    },
}

impl Conclusion {
    /// The deliverable's name.
    pub fn name(&self) -> &str {
        match self {
            Conclusion::InspectionReport { name, .. }
            | Conclusion::SaasRelease { name, .. }
            | Conclusion::MaintenanceSegment { name, .. }
            | Conclusion::Other { name, .. }
            | Conclusion::NotVerified { name, .. } => name,
        }
    }

    /// Whether the deliverable's own conclusion is favourable (lot accepted,
    /// release exact, segment complete).
    pub fn favourable(&self) -> bool {
        match self {
            Conclusion::InspectionReport { accepted, .. } => *accepted,
            Conclusion::SaasRelease { exact, .. } => *exact,
            Conclusion::MaintenanceSegment { complete, .. } => *complete,
            Conclusion::Other { .. } => true,
            Conclusion::NotVerified { .. } => false,
        }
    }
}

/// What the verified `document` of deliverable `name` concludes; `None`
/// for a deliverable that did not verify.
pub fn conclude(name: &str, deliverable: &str, document: Option<&Value>) -> Conclusion {
    let Some(document) = document else {
        return Conclusion::NotVerified { name: name.to_owned(), deliverable: deliverable.to_owned() };
    };
    let other = || Conclusion::Other { name: name.to_owned(), deliverable: deliverable.to_owned() };
    match deliverable {
        "inspection-report" => match serde_json::from_value::<InspectionReport>(document.clone()) {
            Ok(r) => inspection(name, &r),
            Err(_) => other(),
        },
        "saas-release" => match serde_json::from_value::<SaasRelease>(document.clone()) {
            Ok(r) => Conclusion::SaasRelease {
                name: name.to_owned(),
                service: r.service,
                version: r.version,
                files: r.artefacts.iter().filter(|a| matches!(a, Artefact::File { .. })).count(),
                exact: true,
            },
            Err(_) => other(),
        },
        "maintenance-log" => match serde_json::from_value::<MaintenanceSegment>(document.clone()) {
            Ok(s) => Conclusion::MaintenanceSegment {
                name: name.to_owned(),
                stream: s.stream,
                first: s.first_sequence,
                last: s.last_sequence,
                events: s.event_count,
                from: s.time_range.from.to_rfc3339(),
                to: s.time_range.to.to_rfc3339(),
                complete: true,
            },
            Err(_) => other(),
        },
        _ => other(),
    }
}

fn inspection(name: &str, r: &InspectionReport) -> Conclusion {
    let found = |class: &str| r.summary.defects_by_class.get(class).copied().unwrap_or(0);
    let (sample_size, classes) = match &r.inspection {
        Inspection::Sampling(p) => (
            Some(p.sample_size),
            p.classes
                .iter()
                .map(|c| ClassOutcome {
                    class: c.class.clone(),
                    aql: Some(c.aql.to_string()),
                    accept: c.accept,
                    found: found(&c.class),
                })
                .collect(),
        ),
        Inspection::Full { classes } => (
            None,
            classes
                .iter()
                .map(|c| ClassOutcome {
                    class: c.class.clone(),
                    aql: None,
                    accept: c.max_nonconforming,
                    found: found(&c.class),
                })
                .collect(),
        ),
    };
    Conclusion::InspectionReport {
        name: name.to_owned(),
        lot: r.lot.id.clone(),
        lot_size: r.lot.lot_size,
        inspected: r.summary.inspected,
        sample_size,
        accepted: r.summary.decision == LotDecision::Accept,
        imported: matches!(r.reproducibility.origin, Origin::Imported { .. }),
        classes,
    }
}
