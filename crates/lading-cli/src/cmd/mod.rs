//! One module per group of commands; `run` dispatches.

pub(crate) mod bench;
mod bench_console;
mod bench_pki;
mod bench_sign;
mod blob;
mod certify;
mod credential_doc;
mod demo;
mod docs;
mod document;
mod http_client;
mod inspect;
mod inventory;
mod key;
mod listen;
mod log;
mod log_witness;
pub(crate) mod maint;
mod monitor;
pub(crate) mod pki;
mod release;
mod remote;
mod remote_scitt;
mod scitt;
mod serve;
mod serve_config;
mod serve_ops;
mod sign;
mod status;
mod timestamp;
mod trust;
pub(crate) mod verdict;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::pki::PkiCommand;
use crate::cli::{
    AlgArg, BenchCommand, BundleCommand, CertifyCommand, Cli, Command, CredentialCommand, HoldCommand, InspectCommand,
    InventoryCommand, KeyCommand, KindArg, LogCommand, LogsCommand, MaintCommand, ProviderCommand, ReleaseCommand,
    RemoteCommand, StatementCommand, StatusListCommand, StreamCommand, TokenCommand, TrustListCommand, WitnessCommand,
};

/// Runs a parsed command line; `Ok` carries the exit code of a completed check.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    let json = cli.json;
    match cli.command {
        Command::Key(KeyCommand::Generate(args)) => key::generate(&args, json),
        Command::Key(KeyCommand::Show(args)) => key::show(&args, json),
        Command::New(args) => document::new(&args, json),
        Command::Validate(args) => document::validate(&args, json),
        Command::Canonicalize(args) => document::canonicalize(&args, json),
        Command::SigstoreBundle(args) => sign::sigstore_bundle(&args, json),
        Command::Schema(args) => document::schema(&args, json),
        Command::Sign(args) => sign::sign(&args, json),
        Command::Timestamp(args) => timestamp::timestamp(&args, json),
        Command::SignBlob(args) => blob::sign_blob(&args, json),
        Command::VerifyBlob(args) => blob::verify_blob(&args, json),
        Command::VerifySignature(args) => sign::verify_signature(&args, json),
        Command::Demo(args) => demo::run(&args, json),
        Command::Completions(args) => docs::completions(&args, json),
        Command::Man(args) => docs::man(&args, json),
        Command::Log(LogCommand::Init(args)) => log::init(&args, json),
        Command::Log(LogCommand::Append(args)) => log::append(&args, json),
        Command::Log(LogCommand::Checkpoint(args)) => log::checkpoint(&args, json),
        Command::Log(LogCommand::Prove(args)) => log::prove(&args, json),
        Command::Log(LogCommand::Get(args)) => log::get(&args, json),
        Command::Log(LogCommand::VerifyProof(args)) => log::verify_proof(&args, json),
        Command::Log(LogCommand::Consistency(args)) => log::consistency(&args, json),
        Command::Log(LogCommand::VerifyConsistency(args)) => log::verify_consistency(&args, json),
        Command::Log(LogCommand::AddWitness(args)) => log_witness::add_witness(&args, json),
        Command::Log(LogCommand::Witness(args)) => log_witness::witness_now(&args, json),
        Command::Maint(MaintCommand::Stream(StreamCommand::Create(args))) => maint::stream_create(&args, json),
        Command::Maint(MaintCommand::Ingest(args)) => maint::ingest(&args, json),
        Command::Maint(MaintCommand::Listen(args)) => listen::listen(&args, json),
        Command::Maint(MaintCommand::Export(args)) => maint::export(&args, json),
        Command::Maint(MaintCommand::Verify(args)) => maint::verify(&args, json),
        Command::Maint(MaintCommand::Hold(HoldCommand::Add(args))) => maint::hold_add(&args, json),
        Command::Maint(MaintCommand::Hold(HoldCommand::Release(args))) => maint::hold_release(&args, json),
        Command::Maint(MaintCommand::Hold(HoldCommand::List(args))) => maint::hold_list(&args, json),
        Command::Maint(MaintCommand::Retention(args)) => maint::retention(&args, json),
        Command::Maint(MaintCommand::Token(args)) => maint::token(&args, json),
        Command::Maint(MaintCommand::Migrate(args)) => maint::migrate(&args, json),
        Command::Credential(CredentialCommand::Sign(args)) => trust::credential_sign(&args, json),
        Command::Credential(CredentialCommand::Verify(args)) => trust::credential_verify(&args, json),
        Command::TrustList(TrustListCommand::New(args)) => trust::list_new(&args, json),
        Command::TrustList(TrustListCommand::Add(args)) => trust::list_add(&args, json),
        Command::TrustList(TrustListCommand::SetStatus(args)) => trust::list_set_status(&args, json),
        Command::TrustList(TrustListCommand::Sign(args)) => trust::list_sign(&args, json),
        Command::TrustList(TrustListCommand::Show(args)) => trust::list_show(&args, json),
        Command::StatusList(StatusListCommand::New(args)) => status::new(&args, json),
        Command::StatusList(StatusListCommand::Set(args)) => status::set(&args, json),
        Command::StatusList(StatusListCommand::Show(args)) => status::show(&args, json),
        Command::Certify(CertifyCommand::Revoke(args)) => status::change(&args, status::Change::Revoke, json),
        Command::Certify(CertifyCommand::Suspend(args)) => status::change(&args, status::Change::Suspend, json),
        Command::Certify(CertifyCommand::Reinstate(args)) => status::change(&args, status::Change::Reinstate, json),
        Command::Statement(StatementCommand::Revoke(args)) => {
            status::change(&args, status::Change::RevokeStatement, json)
        }
        Command::Inspect(InspectCommand::Plan(args)) => inspect::plan(&args, json),
        Command::Inspect(InspectCommand::Sample(args)) => inspect::sample(&args, json),
        Command::Inspect(InspectCommand::Run(args)) => inspect::run(&args, json),
        Command::Inspect(InspectCommand::Reproduce(args)) => inspect::reproduce(&args, json),
        Command::Inspect(InspectCommand::Import(args)) => inspect::import(&args, json),
        Command::Inspect(InspectCommand::Render(args)) => inspect::render(&args, json),
        Command::Certify(CertifyCommand::Evaluate(args)) => certify::evaluate(&args, json),
        Command::Certify(CertifyCommand::Issue(args)) => certify::issue(&args, json),
        Command::Statement(StatementCommand::Issue(args)) => certify::statement_issue(&args, json),
        Command::Bundle(BundleCommand::Create(args)) => certify::bundle_create(&args, json),
        Command::Verify(args) => verdict::verify(&args, json),
        Command::Bench(BenchCommand::Log(args)) => bench::log(&args, json),
        Command::Bench(BenchCommand::Hash(args)) => bench::hash(&args, json),
        Command::Bench(BenchCommand::Maint(args)) => maint::bench(&args, json),
        Command::Bench(BenchCommand::Inspect(args)) => inspect::bench(&args, json),
        Command::Bench(BenchCommand::Console(args)) => bench_console::console(&args, json),
        Command::Bench(BenchCommand::Pki(args)) => bench_pki::pki(&args, json),
        Command::Bench(BenchCommand::Sign(args)) => bench_sign::sign(&args, json),
        Command::Inventory(InventoryCommand::Classify(args)) => inventory::classify(&args, json),
        Command::Release(ReleaseCommand::Pack(args)) => release::pack(&args, json),
        Command::Release(ReleaseCommand::Verify(args)) => release::verify(&args, json),
        Command::Release(ReleaseCommand::Diff(args)) => release::diff(&args, json),
        Command::Release(ReleaseCommand::History(args)) => release::history(&args, json),
        Command::Remote(RemoteCommand::Submit(args)) => remote::submit(&args, json),
        Command::Remote(RemoteCommand::Receipt(args)) => remote::receipt(&args, json),
        Command::Remote(RemoteCommand::Get(args)) => remote::get(&args, json),
        Command::Remote(RemoteCommand::Search(args)) => remote::search(&args, json),
        Command::Remote(RemoteCommand::Logs(args)) => remote::logs(&args, json),
        Command::Monitor(args) => monitor::run(&args, json),
        Command::Serve(args) => serve::serve(&serve_config::resolve(args)?, json),
        Command::Token(TokenCommand::Create(args)) => serve::token_create(&args, json),
        Command::Token(TokenCommand::List(args)) => serve::token_list(&args, json),
        Command::Token(TokenCommand::Revoke(args)) => serve::token_revoke(&args, json),
        Command::Provider(ProviderCommand::Add(args)) => serve::provider_add(&args, json),
        Command::Provider(ProviderCommand::List(args)) => serve::provider_list(&args, json),
        Command::Logs(LogsCommand::Create(args)) => serve::logs_create(&args, json),
        Command::Logs(LogsCommand::List(args)) => serve::logs_list(&args, json),
        Command::Logs(LogsCommand::AddWitness(args)) => serve::logs_add_witness(&args, json),
        Command::Witness(WitnessCommand::Show(args)) => serve::witness_show(&args.data, &args.origin_prefix, json),
        Command::Witness(WitnessCommand::Trust(args)) => serve::witness_trust(&args, json),
        Command::Pki(PkiCommand::InitCa(args)) => pki::init_ca(&args, json),
        Command::Pki(PkiCommand::Issue(args)) => pki::issue(&args, json),
        Command::Pki(PkiCommand::Crl(args)) => pki::crl(&args, json),
        Command::Pki(PkiCommand::Show(args)) => pki::show(&args, json),
        Command::Pki(PkiCommand::Verify(args)) => pki::verify(&args, json),
        Command::Scitt(command) => scitt::run(command, json),
    }
}

impl From<AlgArg> for lading_crypto::Algorithm {
    fn from(a: AlgArg) -> Self {
        match a {
            AlgArg::Ed25519 => lading_crypto::Algorithm::Ed25519,
            AlgArg::P256 => lading_crypto::Algorithm::P256,
            AlgArg::Sm2 => lading_crypto::Algorithm::Sm2,
        }
    }
}

impl From<KindArg> for lading_model::Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::InspectionReport => lading_model::Kind::InspectionReport,
            KindArg::MaintenanceEvent => lading_model::Kind::MaintenanceEvent,
            KindArg::MaintenanceSegment => lading_model::Kind::MaintenanceSegment,
            KindArg::SaasRelease => lading_model::Kind::SaasRelease,
        }
    }
}
