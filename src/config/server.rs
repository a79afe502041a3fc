//! Where the app listens and how it is reached, its database, its logs, how it stops, and
//! what slow, idle or too many clients are allowed.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use super::vars::{invalid, is_loopback, Vars};
use super::ConfigError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// What slow or idle clients are allowed before they are cut off.
#[derive(Clone, Copy, Debug)]
pub struct ClientLimits {
    /// A request's headers must arrive within this, and so must the next request on an idle
    /// keep-alive connection.
    pub header_timeout: Duration,
    /// A request's body must arrive within this.
    pub body_timeout: Duration,
    /// A response must begin within this (live status streams go on streaming after it).
    pub request_timeout: Duration,
    /// Connections open at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Connections one client address may hold at once (a trusted proxy's are not capped).
    pub max_connections_per_client: usize,
}

/// The server's own settings.
pub(super) struct Server {
    pub listen_addr: SocketAddr,
    pub public_url: Option<Url>,
    pub database_url: String,
    pub log_format: LogFormat,
    pub shutdown_grace: Duration,
    pub drain_notice: Duration,
    pub limits: ClientLimits,
    pub metrics_listen_addr: SocketAddr,
}

impl Server {
    /// The app is reached on loopback only: the demo's defaults are acceptable there.
    pub(super) fn reached_on_loopback(&self) -> bool {
        self.listen_addr.ip().is_loopback() && self.public_url.as_ref().is_none_or(is_loopback)
    }
}

pub(super) fn read(vars: &Vars) -> Result<Server, ConfigError> {
    // LISTEN_ADDR: the socket the app binds, default 127.0.0.1:3000.
    let listen_addr: SocketAddr = vars
        .get("LISTEN_ADDR")
        .unwrap_or_else(|| "127.0.0.1:3000".into())
        .parse()
        .map_err(|e| invalid("LISTEN_ADDR", e))?;
    // PUBLIC_URL: how browsers and Solaris reach the app, default http://LISTEN_ADDR.
    let public_url = vars.url("PUBLIC_URL")?;
    if let Some(url) = &public_url {
        if url.scheme() == "http" && !is_loopback(url) {
            return Err(invalid(
                "PUBLIC_URL",
                "must be https unless it is a loopback address",
            ));
        }
    }
    // DATABASE_URL: sqlite://PATH (default sqlite://data/onboarding.db) or postgres://...
    let database_url = vars
        .get("DATABASE_URL")
        .unwrap_or_else(|| "sqlite://data/onboarding.db".into());
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(invalid(
            "DATABASE_URL",
            "must start with sqlite: or postgres://",
        ));
    }
    // LOG_FORMAT: pretty (default) or json.
    let log_format = match vars.get("LOG_FORMAT").as_deref() {
        None | Some("pretty") => LogFormat::Pretty,
        Some("json") => LogFormat::Json,
        Some(other) => {
            return Err(invalid(
                "LOG_FORMAT",
                format!("{other:?} is not pretty or json"),
            ))
        }
    };
    // SHUTDOWN_GRACE_SECONDS: after SIGTERM or SIGINT, how long open requests and work items
    // may take to finish before the process exits anyway, default 20.
    let shutdown_grace = Duration::from_secs(vars.number("SHUTDOWN_GRACE_SECONDS", 20)?);
    // DRAIN_NOTICE_SECONDS: after SIGTERM, how long the app keeps serving while
    // `/health/ready` already answers 503, so a load balancer stops sending new customers
    // before connections are refused; default 0 (stop accepting at once).
    let drain_notice = Duration::from_secs(vars.number("DRAIN_NOTICE_SECONDS", 0)?);
    // HEADER_TIMEOUT_SECONDS (10), BODY_TIMEOUT_SECONDS (20), REQUEST_TIMEOUT_SECONDS (30),
    // MAX_CONNECTIONS (4096), MAX_CONNECTIONS_PER_CLIENT (256): what slow, idle or too many
    // clients are allowed.
    let max_connections: usize = vars.number("MAX_CONNECTIONS", 4096)?;
    if max_connections == 0 {
        return Err(invalid("MAX_CONNECTIONS", "must be positive"));
    }
    let max_connections_per_client: usize = vars.number("MAX_CONNECTIONS_PER_CLIENT", 256)?;
    if max_connections_per_client == 0 {
        return Err(invalid("MAX_CONNECTIONS_PER_CLIENT", "must be positive"));
    }
    let limits = ClientLimits {
        header_timeout: vars.seconds("HEADER_TIMEOUT_SECONDS", 10)?,
        body_timeout: vars.seconds("BODY_TIMEOUT_SECONDS", 20)?,
        request_timeout: vars.seconds("REQUEST_TIMEOUT_SECONDS", 30)?,
        max_connections,
        max_connections_per_client,
    };
    // METRICS_LISTEN_ADDR: the metrics' own listener, default 127.0.0.1:9464.
    let metrics_listen_addr: SocketAddr = match vars.get("METRICS_LISTEN_ADDR") {
        Some(v) => v.parse().map_err(|e| invalid("METRICS_LISTEN_ADDR", e))?,
        None => SocketAddr::from(([127, 0, 0, 1], 9464)),
    };
    if metrics_listen_addr == listen_addr && metrics_listen_addr.port() != 0 {
        return Err(invalid(
            "METRICS_LISTEN_ADDR",
            "must differ from LISTEN_ADDR: metrics are never served on the public listener",
        ));
    }
    Ok(Server {
        listen_addr,
        public_url,
        database_url,
        log_format,
        shutdown_grace,
        drain_notice,
        limits,
        metrics_listen_addr,
    })
}
