//! Arguments of `lading maint listen`: syslog over the network into a stream.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::cli::MaintDataArgs;

#[derive(Debug, clap::Args)]
pub(crate) struct MaintListenArgs {
    /// The stream the messages go to.
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) data: MaintDataArgs,
    /// Take RFC 5424 syslog over TCP here (RFC 6587: octet counting or LF framing, detected per connection).
    #[arg(long, value_name = "ADDR")]
    pub(crate) tcp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over UDP here (RFC 5426: one message per datagram; no delivery guarantee).
    #[arg(long, value_name = "ADDR")]
    pub(crate) udp: Option<SocketAddr>,
    /// Take RFC 5424 syslog over TLS here (RFC 5425; octet counting or LF framing).
    #[arg(long, value_name = "ADDR", requires_all = ["tls_cert", "tls_key"])]
    pub(crate) tls: Option<SocketAddr>,
    /// The TLS certificate chain (PEM, leaf first).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM, PKCS#8, SEC1 or PKCS#1).
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Longest message accepted, in bytes; longer ones are refused one by one and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = lading_server::syslog::DEFAULT_MAX_FRAME)]
    pub(crate) max_frame: usize,
}
