//! Assembles the servers: the app (pages, embedded sandbox) and the standalone sandbox, each
//! with a [`Supervisor`] that owns its background loops. Tests call the same functions with
//! port 0.

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use url::Url;

use std::sync::Arc;

#[cfg(feature = "sandbox")]
use crate::config::SandboxSettings;
use crate::config::{Settings, SolarisMode};
use crate::db::session_store::DbSessionStore;
use crate::db::Db;
use crate::queue::{Worker, WorkerOptions};
#[cfg(feature = "sandbox")]
use crate::sandbox::Sandbox;
use crate::solaris::{ClientOptions, SolarisClient};
use crate::supervisor::Supervisor;
use crate::web::security::SecurityHeaders;
use crate::{telemetry, web, webhooks};

/// Why a build without the cargo feature `sandbox` needs real Solaris.
pub const NO_SANDBOX: &str = "this build has no sandbox (built without the cargo feature \
`sandbox`): set SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET";

/// A bound, ready server with its background loops running.
pub struct Server {
    listener: TcpListener,
    router: Router,
    supervisor: Supervisor,
    shutdown_grace: Duration,
    pub addr: SocketAddr,
    pub public_url: Url,
    pub db: Db,
}

/// What every response of a server gets: the security headers, request ids (generated, or
/// taken from `x-request-id`) and one span per request.
fn outermost(router: Router, security: SecurityHeaders) -> Router {
    router
        .layer(axum::middleware::from_fn(
            crate::web::security::refuse_long_uris,
        ))
        .layer(axum::middleware::from_fn_with_state(
            security,
            crate::web::security::headers,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(telemetry::request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

fn public_url(settings: &Settings, addr: SocketAddr) -> anyhow::Result<Url> {
    Ok(match &settings.public_url {
        Some(url) => url.clone(),
        None => Url::parse(&format!("http://{addr}"))?,
    })
}

#[cfg(feature = "sandbox")]
fn sandbox_settings(settings: &Settings, public_url: &Url) -> SandboxSettings {
    let mut s = settings.sandbox.clone();
    s.return_url
        .get_or_insert_with(|| Settings::default_return_url(public_url));
    s
}

impl Server {
    /// The app: binds `LISTEN_ADDR`, connects and migrates the database, and embeds the
    /// sandbox at `/sandbox` unless a Solaris URL is configured.
    pub async fn app(settings: Settings) -> anyhow::Result<Server> {
        // Before anything is bound or created: a production build needs real Solaris.
        #[cfg(not(feature = "sandbox"))]
        if settings.sandbox_embedded() {
            anyhow::bail!("{NO_SANDBOX}");
        }
        let listener = TcpListener::bind(settings.listen_addr).await?;
        let addr = listener.local_addr()?;
        let public_url = public_url(&settings, addr)?;
        let db = Db::connect(&settings.database_url).await?;
        let mut supervisor = Supervisor::new();
        let (api_url, auth_url, sandbox_router) = match &settings.solaris {
            #[cfg(not(feature = "sandbox"))]
            SolarisMode::Embedded => anyhow::bail!("{NO_SANDBOX}"),
            #[cfg(feature = "sandbox")]
            SolarisMode::Embedded => {
                let base = public_url.join("sandbox")?;
                let sandbox =
                    Sandbox::new(db.clone(), sandbox_settings(&settings, &public_url), &base)
                        .await?;
                sandbox.supervise_workers(&mut supervisor);
                (base.clone(), base, Some(sandbox.router()))
            }
            SolarisMode::Remote { api_url, auth_url } => (api_url.clone(), auth_url.clone(), None),
        };
        let client = Arc::new(SolarisClient::new(
            api_url,
            auth_url,
            settings.solaris_credentials.clone(),
            ClientOptions::default(),
        )?);
        let worker = Worker::new(db.clone(), client.clone(), WorkerOptions::default());
        let work = worker.waker();
        supervisor.spawn_draining("work queue", move |shutdown| worker.clone().run(shutdown));
        let webhook_url = public_url.join(webhooks::PATH.trim_start_matches('/'))?;
        supervisor.spawn("webhook subscriptions", {
            let (db, client) = (db.clone(), client.clone());
            move |_| {
                webhooks::ensure_forever(
                    db.clone(),
                    client.clone(),
                    webhook_url.to_string(),
                    Duration::from_secs(600),
                )
            }
        });
        supervisor.spawn("reconciliation", {
            let (db, work) = (db.clone(), work.clone());
            let after = Duration::from_secs(settings.reconcile_after_seconds);
            move |_| webhooks::reconcile::reconcile_forever(db.clone(), work.clone(), after)
        });
        let (intake, writer) = webhooks::intake(db.clone(), work.clone());
        // Drains: it stores what the intake verified until the server has stopped.
        supervisor.spawn_draining("webhook writer", move |_| writer.clone().run());
        let feed = web::live::StatusFeed::new(supervisor.shutdown());
        supervisor.spawn("live status", {
            let (db, feed) = (db.clone(), feed.clone());
            move |_| web::live::watch_forever(db.clone(), feed.clone())
        });
        let sessions = DbSessionStore::new(db.clone());
        supervisor.spawn("session purge", {
            let sessions = sessions.clone();
            move |_| web::purge_sessions_forever(sessions.clone())
        });
        let parts = web::Parts {
            db: db.clone(),
            client,
            work,
            feed,
            sessions,
        };
        let mut router = web::router(&settings, &public_url, parts).merge(intake);
        if let Some(sandbox) = sandbox_router {
            router = router.nest("/sandbox", sandbox);
        }
        // Forms redirect to IDnow's pages; the embedded sandbox's IDnow page is our own origin.
        let form_targets = match &settings.solaris {
            SolarisMode::Embedded => Vec::new(),
            SolarisMode::Remote { .. } => settings.idnow_origins.clone(),
        };
        let style_hashes = match &settings.solaris {
            #[cfg(feature = "sandbox")]
            SolarisMode::Embedded => vec![crate::sandbox::idnow::style_hash()],
            _ => Vec::new(),
        };
        let security = SecurityHeaders::new(&public_url, &form_targets, &style_hashes)?;
        Ok(Server {
            listener,
            router: outermost(router, security),
            supervisor,
            shutdown_grace: settings.shutdown_grace,
            addr,
            public_url,
            db,
        })
    }

    /// The sandbox alone, at the root of `addr`. Refuses when real Solaris is configured, so a
    /// sandbox can never stand in for Solaris by accident.
    #[cfg(feature = "sandbox")]
    pub async fn sandbox(settings: Settings, addr: SocketAddr) -> anyhow::Result<Server> {
        if !settings.sandbox_embedded() {
            anyhow::bail!(
                "the sandbox does not start while SOLARIS_API_URL and Solaris credentials are configured"
            );
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let public_url = match &settings.sandbox.public_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{addr}"))?,
        };
        // The same rule as the embedded sandbox's: beyond loopback only when asked for.
        let on_loopback = addr.ip().is_loopback() && crate::config::is_loopback(&public_url);
        if !on_loopback && !settings.sandbox.exposed {
            anyhow::bail!(
                "the sandbox would serve beyond loopback ({public_url}); set SANDBOX=on with a \
                 SANDBOX_CLIENT_SECRET of at least 32 characters for a shared test system"
            );
        }
        let db = Db::connect(&settings.database_url).await?;
        // Standalone, the partner's return page is by default the app's on its usual address.
        let app_url = match &settings.public_url {
            Some(url) => url.clone(),
            None => Url::parse(&format!("http://{}", settings.listen_addr))?,
        };
        let sandbox = Sandbox::new(
            db.clone(),
            sandbox_settings(&settings, &app_url),
            &public_url,
        )
        .await?;
        let mut supervisor = Supervisor::new();
        sandbox.supervise_workers(&mut supervisor);
        // The IDnow page's form sends the browser back to the partner's return page.
        let return_origin = Url::parse(&sandbox.return_url("x"))
            .map(|u| vec![u.origin().ascii_serialization()])
            .unwrap_or_default();
        let security = SecurityHeaders::new(
            &public_url,
            &return_origin,
            &[crate::sandbox::idnow::style_hash()],
        )?;
        Ok(Server {
            listener,
            router: outermost(sandbox.router(), security),
            supervisor,
            shutdown_grace: settings.shutdown_grace,
            addr,
            public_url,
            db,
        })
    }

    /// Serves until SIGTERM or SIGINT, then drains: it stops accepting connections, ends the
    /// live status streams with a last event, and lets open requests and the work items in
    /// flight finish within the grace period (`SHUTDOWN_GRACE_SECONDS`).
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(stop_signal()).await
    }

    /// [`Server::run`] with another stop signal.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        let Server {
            listener,
            router,
            supervisor,
            shutdown_grace,
            ..
        } = self;
        let mut stopping = supervisor.shutdown();
        let deadline = {
            // `into_make_service` prepares the routes once; serving the `Router` itself would
            // rebuild every route for each accepted connection (axum clones and re-states the
            // whole router per connection), about 85 KB a connection with our routes.
            let serve = axum::serve(listener, router.into_make_service())
                .with_graceful_shutdown(async move { stopping.requested().await })
                .into_future();
            tokio::pin!(serve);
            tokio::select! {
                served = &mut serve => {
                    supervisor.drain(tokio::time::Instant::now() + shutdown_grace).await;
                    return served;
                }
                () = stop => {}
            }
            tracing::info!(
                grace_seconds = shutdown_grace.as_secs(),
                "shutting down: finishing open requests and work"
            );
            supervisor.request_shutdown();
            let deadline = tokio::time::Instant::now() + shutdown_grace;
            match tokio::time::timeout_at(deadline, &mut serve).await {
                Ok(served) => served?,
                Err(_) => tracing::warn!(
                    "requests still open at the end of the grace period; closing them"
                ),
            }
            deadline
            // The router goes here, and with it the webhook intake's queue, so the webhook
            // writer ends once it has stored what was accepted.
        };
        if supervisor.drain(deadline).await {
            tracing::info!("stopped cleanly");
        }
        Ok(())
    }
}

/// SIGTERM (an orchestrator stopping the process) or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM cannot be watched; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub async fn run_app(settings: Settings) -> anyhow::Result<()> {
    let embedded = settings.sandbox_embedded();
    let server = Server::app(settings).await?;
    tracing::info!(
        url = %server.public_url,
        sandbox = embedded,
        "solaris-onboarding is serving; open the URL in a browser"
    );
    Ok(server.run().await?)
}

#[cfg(feature = "sandbox")]
pub async fn run_standalone_sandbox(settings: Settings, addr: SocketAddr) -> anyhow::Result<()> {
    let server = Server::sandbox(settings, addr).await?;
    tracing::info!(url = %server.public_url, "Solaris + IDnow sandbox is serving");
    Ok(server.run().await?)
}
