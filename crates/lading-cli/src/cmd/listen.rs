//! `lading maint listen`: syslog over TCP, TLS and UDP into one stream
//! (the listener is `lading_server::syslog`; the stream's writer is
//! `lading_stream::Sink`, shared with `lading serve`).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use lading_server::syslog::{Appended, Listeners, Message, Stats, SyslogFuture, SyslogSink};
use lading_stream::{IngestError, StreamStore};
use serde_json::json;

use crate::cli::MaintListenArgs;
use crate::output;

/// The syslog sink of one stream: messages are parsed as `lading maint
/// ingest --format syslog` parses lines and appended per message.
pub(crate) struct StreamSyslog<S: StreamStore> {
    pub(crate) sink: Arc<lading_stream::Sink<S>>,
    pub(crate) stream: String,
}

impl<S: StreamStore> SyslogSink for StreamSyslog<S> {
    fn append(&self, messages: Vec<Message>) -> SyslogFuture {
        let (sink, stream) = (Arc::clone(&self.sink), self.stream.clone());
        Box::pin(async move {
            let numbered =
                messages.into_iter().map(|m| (usize::try_from(m.number).unwrap_or(usize::MAX), m.text)).collect();
            match sink.ingest_syslog(&stream, numbered).await {
                Ok((outcome, appended, _)) => Ok(Appended {
                    accepted: appended as u64,
                    refused: outcome
                        .rejected
                        .into_iter()
                        .map(|e| {
                            let why = match &e.pointer {
                                Some(p) => format!("{p}: {}", e.message),
                                None => e.message,
                            };
                            (e.line as u64, why)
                        })
                        .collect(),
                }),
                Err(IngestError::Rejected(reasons)) => Err(reasons.join("; ")),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}

/// The sink of `stream` in `sink`, checked: the stream exists and its key is readable.
pub(crate) fn stream_syslog<S: StreamStore>(
    sink: Arc<lading_stream::Sink<S>>,
    stream: &str,
) -> Result<Arc<dyn SyslogSink>> {
    if sink.config(stream).is_none() {
        bail!("no maintenance stream {stream:?} (create it with `lading maint stream create`)");
    }
    sink.key(stream).with_context(|| format!("the key of stream {stream}"))?;
    Ok(Arc::new(StreamSyslog { sink, stream: stream.to_owned() }))
}

/// Binds the sockets named by flags: `tls` is the TLS address with its
/// certificate chain and key files (clap requires all three together).
pub(crate) async fn bind(
    tcp: Option<std::net::SocketAddr>,
    udp: Option<std::net::SocketAddr>,
    tls: (Option<std::net::SocketAddr>, Option<&std::path::PathBuf>, Option<&std::path::PathBuf>),
) -> Result<Listeners> {
    let tls = match tls {
        (Some(addr), Some(cert), Some(key)) => {
            Some((addr, lading_server::listen::TlsFiles { cert: cert.clone(), key: key.clone() }))
        }
        _ => None,
    };
    let mut listeners = Listeners::default();
    if let Some(addr) = tcp {
        listeners.tcp = Some(tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding TCP {addr}"))?);
    }
    if let Some(addr) = udp {
        listeners.udp = Some(tokio::net::UdpSocket::bind(addr).await.with_context(|| format!("binding UDP {addr}"))?);
    }
    if let Some((addr, files)) = tls {
        let config = lading_server::syslog::tls_config(&files)?;
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding TLS {addr}"))?;
        listeners.tls = Some((listener, config));
    }
    Ok(listeners)
}

/// The bound addresses, by transport.
pub(crate) fn addresses(listeners: &Listeners) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(Ok(a)) = listeners.tcp.as_ref().map(tokio::net::TcpListener::local_addr) {
        out.push(("tcp", a.to_string()));
    }
    if let Some(Ok(a)) = listeners.udp.as_ref().map(tokio::net::UdpSocket::local_addr) {
        out.push(("udp", a.to_string()));
    }
    if let Some(Ok(a)) = listeners.tls.as_ref().map(|(l, _)| l.local_addr()) {
        out.push(("tls", a.to_string()));
    }
    out
}

/// Says where `listeners` take syslog for `stream`: a `listening` event per
/// transport under `--json`, else a line each (and a log event either way).
pub(crate) fn announce(listeners: &Listeners, stream: &str, json_out: bool) -> Result<()> {
    for (transport, address) in addresses(listeners) {
        tracing::info!(transport, address = %address, stream, "listening for syslog");
        if json_out {
            output::json_line(
                &json!({ "event": "listening", "transport": transport, "address": address, "stream": stream }),
            )?;
        } else {
            output::line(&format!("listening for syslog over {transport} on {address} into stream {stream}"))?;
        }
    }
    Ok(())
}

pub(crate) fn listen(args: &MaintListenArgs, json_out: bool) -> Result<ExitCode> {
    lading_stream::check_name(&args.name)?;
    if args.tcp.is_none() && args.udp.is_none() && args.tls.is_none() {
        bail!("give at least one of --tcp ADDR, --udp ADDR, --tls ADDR");
    }
    let settings = args.settings()?;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    let rt = crate::cmd::log::runtime()?;
    rt.block_on(async {
        let sink = crate::cmd::maint::syslog_sink(&args.data, &args.name).await?;
        let listeners = bind(args.tcp, args.udp, (args.tls, args.tls_cert.as_ref(), args.tls_key.as_ref())).await?;
        announce(&listeners, &args.name, json_out)?;
        let stats = Arc::new(Stats::default());
        let shutdown = crate::cmd::serve::shutdown_signal("no new connections; committing what was read");
        lading_server::syslog::serve(listeners, sink, Arc::clone(&stats), settings, shutdown).await;
        let summary = stats.to_json();
        if json_out {
            let mut event = json!({ "event": "stopped", "stream": args.name });
            if let (Some(e), Some(s)) = (event.as_object_mut(), summary.as_object()) {
                e.extend(s.clone());
            }
            output::json_line(&event)?;
        } else {
            output::line(&format!("stopped; everything read was committed: {summary}"))?;
        }
        Ok(ExitCode::SUCCESS)
    })
}
