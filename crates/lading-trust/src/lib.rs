//! # lading-trust
//!
//! What makes a deliverable a certified export product, as data and pure
//! decisions (no I/O):
//!
//! - [`credential`]: W3C Verifiable Credentials 2.0 secured with Data
//!   Integrity `eddsa-jcs-2022` proofs by `did:key` issuers — issuing and
//!   verifying the envelope every certificate and compliance statement
//!   shares.
//! - [`trustlist`]: the pilot zone's white list, modelled on ETSI TS 119 612:
//!   an operator, a strictly increasing sequence number, issue and
//!   next-update times, and entries (providers and certification bodies) with
//!   scope, keys with validity periods and a status history, signed as a
//!   DSSE envelope; and the status of an entity and its key at a given time.
//! - [`status_list`]: W3C Bitstring Status List v1.0 — revocation and
//!   suspension lists of certificates and compliance statements, their
//!   versions and history, and the entries credentials carry.
//! - [`verify`]: the offline verdict on an evidence bundle, and
//!   [`conclusion`]: what each deliverable in it concludes.

pub mod certified;
pub mod conclusion;
pub mod credential;
pub mod deliverable;
pub mod policy;
pub mod profile;
pub mod reason;
pub mod status_list;
pub mod trustlist;
pub mod verify;
