//! Complete, valid example documents (what `lading new KIND` prints).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::inspection::*;
use crate::maintenance::*;
use crate::meta::{Metadata, Provider};
use crate::release::*;
use crate::{Kind, Sha256Digest};

/// A complete, valid example document of `kind`, with the given id and time.
///
/// The caller supplies the id and clock so this crate stays free of I/O.
pub fn example(kind: Kind, id: Uuid, now: DateTime<Utc>) -> Value {
    let serialized = match kind {
        Kind::InspectionReport => serde_json::to_value(inspection_report(id, now)),
        Kind::MaintenanceEvent => serde_json::to_value(maintenance_event(id, now)),
        Kind::MaintenanceSegment => serde_json::to_value(maintenance_segment(id, now)),
        Kind::SaasRelease => serde_json::to_value(saas_release(id, now)),
    };
    // Serialising these plain data types to a `Value` cannot fail.
    serialized.unwrap_or(Value::Null)
}

fn meta(kind: Kind, id: Uuid, now: DateTime<Utc>) -> Metadata {
    let provider = Provider {
        legal_name: "Shenzhen Example Vision Technology Co., Ltd.".into(),
        registration_id: "91440300MA5EXAMPLE".into(),
        white_list_entry: Some("SZ-DSE-2026-0042".into()),
        pilot_zone: Some("shenzhen".into()),
    };
    Metadata::new(kind, id, provider, vec!["DE".into(), "SG".into()], now)
}

fn inspection_report(id: Uuid, now: DateTime<Utc>) -> InspectionReport {
    let start = now - Duration::hours(2);
    let classes = vec![
        ClassPlan { class: "critical".into(), aql: 1.5, accept: 0, reject: 1 },
        ClassPlan { class: "major".into(), aql: 6.5, accept: 1, reject: 2 },
    ];
    let seed = "5eed000000000000000000000000002a";
    let positions = crate::sampling::select(100, 8, &hex::decode(seed).unwrap_or_default());
    let items: Vec<Item> = (0..8u32)
        .zip(positions)
        .map(|(i, position)| {
            let defective = i == 5;
            Item {
                position,
                image: ImageRef {
                    name: format!("lot-2026-1127-a/img_{i:04}.png"),
                    sha256: Sha256Digest::of(format!("example image {i}").as_bytes()),
                },
                acquired_at: start + Duration::seconds(30 * i64::from(i)),
                scores: if defective { vec![0.08, 0.91, 0.01] } else { vec![0.97, 0.02, 0.01] },
                detections: Vec::new(),
                verdict: if defective { Verdict::Fail } else { Verdict::Pass },
                defect_classes: if defective { vec!["major".into()] } else { Vec::new() },
                review: None,
            }
        })
        .collect();
    InspectionReport {
        meta: meta(Kind::InspectionReport, id, now),
        client: Client {
            name: "Example Automotive GmbH".into(),
            country: "DE".into(),
            reference: Some("PO-77812".into()),
        },
        lot: Lot {
            id: "LOT-2026-1127-A".into(),
            part_number: "BRK-4410".into(),
            part_revision: "C".into(),
            lot_size: 100,
            site: "Shenzhen Plant 2".into(),
            line: "L3".into(),
            station: "AOI-1".into(),
            started_at: start,
            ended_at: start + Duration::hours(1),
            images_sha256: None,
        },
        inspection: Inspection::Sampling(SamplingPlan {
            standard: SamplingStandard::Iso2859_1,
            inspection_level: InspectionLevel::S4,
            severity: Severity::Normal,
            code_letter: "D".into(),
            sample_size: 8,
            classes,
            sample_seed: seed.into(),
        }),
        acquisition: Acquisition {
            camera: Camera { make: "Hikrobot".into(), model: "MV-CS050-10GC".into(), serial: "K12345678".into() },
            lighting_recipe: "ring-white-70pct".into(),
            calibration: Calibration {
                id: "CAL-AOI1-2026-11".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
            },
        },
        model: ModelInfo {
            id: "brake-pad-surface-classifier".into(),
            version: "3.1.0".into(),
            sha256: Sha256Digest::of(b"example model"),
            runtime: Runtime { name: "tract-onnx".into(), version: "0.23.9".into() },
            preprocessing: Preprocessing {
                width: 224,
                height: 224,
                channels: Channels::Rgb,
                layout: Layout::Nchw,
                resize: ResizeMode::CenterCrop,
                scale: 1.0 / 255.0,
                mean: vec![0.485, 0.456, 0.406],
                std: vec![0.229, 0.224, 0.225],
                resize_filter: Some(ResizeFilter::Triangle),
                decoder: Some(ImageDecoder {
                    library: "image 0.25.10".into(),
                    jpeg: "zune-jpeg 0.5.15".into(),
                    png: "png 0.18.1".into(),
                }),
            },
            head: ModelHead::Classifier { ok_class: "ok".into() },
            class_map: vec![
                ClassMapEntry { index: 0, name: "ok".into(), defect_class: None },
                ClassMapEntry { index: 1, name: "scratch".into(), defect_class: Some("major".into()) },
                ClassMapEntry { index: 2, name: "crack".into(), defect_class: Some("critical".into()) },
            ],
        },
        items,
        summary: LotSummary {
            inspected: 8,
            defects_by_class: BTreeMap::from([("critical".into(), 0), ("major".into(), 1)]),
            decision: LotDecision::Accept,
        },
        reproducibility: Reproducibility {
            environment: Environment { os: "linux".into(), arch: "x86_64".into(), lading_version: "0.1.0".into() },
            tolerance: 1e-6,
            reproducible: None,
            origin: Origin::LadingInference,
        },
    }
}

fn maintenance_event(id: Uuid, now: DateTime<Utc>) -> MaintenanceEvent {
    let mut m = meta(Kind::MaintenanceEvent, id, now);
    m.provider.legal_name = "Suzhou Example Cloud Operations Co., Ltd.".into();
    m.provider.pilot_zone = Some("suzhou".into());
    MaintenanceEvent {
        meta: m,
        event_id: "evt-000042".into(),
        stream: "fleet-example-de".into(),
        sequence: 42,
        occurred_at: now - Duration::seconds(3),
        observed_at: now,
        clock_source: ClockSource::Ntp,
        actor: Actor {
            id: "eng-1187".into(),
            role: "field-engineer".into(),
            organisation: "Suzhou Example Cloud Operations Co., Ltd.".into(),
            auth_method: AuthMethod::Mfa,
        },
        session: Session { id: "sess-9f2c".into(), access_path: AccessPath::JumpHost },
        asset: Asset {
            id: "cnc-0007".into(),
            serial: "SN-2291-0007".into(),
            model: "VMC-850".into(),
            firmware_before: Some("4.2.1".into()),
            firmware_after: Some("4.2.3".into()),
            site: "Example Automotive GmbH, Plant Leipzig".into(),
        },
        category: EventCategory::ConfigurationChanges,
        action: "firmware.update".into(),
        target: "controller".into(),
        result: EventResult::Success,
        severity_number: 9,
        work_order: Some("WO-2026-5531".into()),
        attributes: BTreeMap::from([("ticket_priority".into(), json!("P3"))]),
        value_types: BTreeMap::new(),
    }
}

fn maintenance_segment(id: Uuid, now: DateTime<Utc>) -> MaintenanceSegment {
    let mut m = meta(Kind::MaintenanceSegment, id, now);
    m.provider.pilot_zone = Some("suzhou".into());
    MaintenanceSegment {
        meta: m,
        stream: "fleet-example-de".into(),
        first_sequence: 0,
        last_sequence: 99,
        event_count: 100,
        time_range: TimeRange { from: now - Duration::days(30), to: now - Duration::hours(1) },
        clock_tolerance_ms: 5_000,
        merkle_root: Sha256Digest::of(b"example segment root"),
        checkpoint: CheckpointRef {
            origin: "lading.example/maint/fleet-example-de".into(),
            tree_size: 120,
            root_hash: Sha256Digest::of(b"example checkpoint root"),
            note_sha256: Sha256Digest::of(b"example checkpoint note"),
        },
        retention_until: now + Duration::days(3 * 365),
    }
}

fn saas_release(id: Uuid, now: DateTime<Utc>) -> SaasRelease {
    let sbom = b"example sbom";
    SaasRelease {
        meta: meta(Kind::SaasRelease, id, now),
        service: "example-mes-cloud".into(),
        version: "2.4.0".into(),
        channel: "stable".into(),
        released_at: now,
        previous: Some(PreviousRelease {
            version: "2.3.1".into(),
            manifest_sha256: Sha256Digest::of(b"example previous manifest"),
        }),
        artefacts: vec![
            Artefact::File {
                path: "bin/mes-server".into(),
                size: 18_874_368,
                sha256: Sha256Digest::of(b"example binary"),
                media_type: "application/octet-stream".into(),
                mode: Some("0755".into()),
            },
            Artefact::File {
                path: "sbom/mes-server.cdx.json".into(),
                size: sbom.len() as u64,
                sha256: Sha256Digest::of(sbom),
                media_type: "application/vnd.cyclonedx+json".into(),
                mode: Some("0644".into()),
            },
            Artefact::OciImage {
                repository: "registry.example.com/mes/server".into(),
                tag: Some("2.4.0".into()),
                sha256: Sha256Digest::of(b"example image index"),
                media_type: "application/vnd.oci.image.index.v1+json".into(),
            },
        ],
        sboms: vec![SbomRef {
            format: SbomFormat::Cyclonedx,
            spec_version: "1.6".into(),
            path: "sbom/mes-server.cdx.json".into(),
            sha256: Sha256Digest::of(sbom),
            component_count: 214,
        }],
        source: SourceProvenance {
            repository: "https://git.example.com/mes/server".into(),
            commit: "4f1c2d9e8b7a6f5e4d3c2b1a09f8e7d6c5b4a392".into(),
            builder: "example-ci/release.yml".into(),
        },
        release_notes: "Adds OPC UA alarm export; fixes shift report rounding.".into(),
        terms: ServiceTerms {
            availability_target: 99.9,
            support_hours: "24x7".into(),
            data_location: vec!["DE".into()],
        },
        scope: ReleaseScope { tenants: Vec::new(), regions: vec!["eu-central-1".into()] },
    }
}
