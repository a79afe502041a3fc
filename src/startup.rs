//! Assembles the servers: the app (pages, embedded sandbox) and the standalone sandbox.
//! Tests call the same functions with port 0.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use url::Url;

use std::sync::Arc;

use crate::config::{SandboxSettings, Settings, SolarisMode};
use crate::db::Db;
use crate::queue::{Worker, WorkerOptions};
use crate::sandbox::Sandbox;
use crate::solaris::{ClientOptions, SolarisClient};
use crate::{telemetry, web, webhooks};

/// A bound, ready server.
pub struct Server {
    listener: TcpListener,
    router: Router,
    pub addr: SocketAddr,
    pub public_url: Url,
    pub db: Db,
}

/// Request ids (generated, or taken from `x-request-id`) and one span per request.
fn with_tracing(router: Router) -> Router {
    router
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
        let listener = TcpListener::bind(settings.listen_addr).await?;
        let addr = listener.local_addr()?;
        let public_url = public_url(&settings, addr)?;
        let db = Db::connect(&settings.database_url).await?;
        let mut sandbox_router = None;
        let (api_url, auth_url) = match &settings.solaris {
            SolarisMode::Embedded => {
                let base = public_url.join("sandbox")?;
                let sandbox =
                    Sandbox::new(db.clone(), sandbox_settings(&settings, &public_url), &base)
                        .await?;
                sandbox.spawn_workers();
                sandbox_router = Some(sandbox.router());
                (base.clone(), base)
            }
            SolarisMode::Remote { api_url, auth_url } => (api_url.clone(), auth_url.clone()),
        };
        let client = Arc::new(SolarisClient::new(
            api_url,
            auth_url,
            settings.solaris_credentials.clone(),
            ClientOptions::default(),
        )?);
        let worker = Worker::new(db.clone(), client.clone(), WorkerOptions::default());
        let work = worker.waker();
        tokio::spawn(worker.run());
        let webhook_url = public_url.join(webhooks::PATH.trim_start_matches('/'))?;
        tokio::spawn(webhooks::ensure_forever(
            db.clone(),
            client.clone(),
            webhook_url.to_string(),
            Duration::from_secs(600),
        ));
        tokio::spawn(webhooks::reconcile::reconcile_forever(
            db.clone(),
            work.clone(),
            Duration::from_secs(settings.reconcile_after_seconds),
        ));
        let intake = webhooks::router(db.clone(), work.clone());
        let mut router = web::router(&settings, &public_url, db.clone(), client, work).await?;
        router = router.merge(intake);
        if let Some(sandbox) = sandbox_router {
            router = router.nest("/sandbox", sandbox);
        }
        Ok(Server {
            listener,
            router: with_tracing(router),
            addr,
            public_url,
            db,
        })
    }

    /// The sandbox alone, at the root of `addr`. Refuses when real Solaris is configured, so a
    /// sandbox can never stand in for Solaris by accident.
    pub async fn sandbox(settings: Settings, addr: SocketAddr) -> anyhow::Result<Server> {
        if !settings.sandbox_embedded() {
            anyhow::bail!(
                "the sandbox does not start while SOLARIS_API_URL and Solaris credentials are configured"
            );
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let public_url = match std::env::var("SANDBOX_PUBLIC_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(v) => {
                Url::parse(&v).map_err(|e| anyhow::anyhow!("SANDBOX_PUBLIC_URL is invalid: {e}"))?
            }
            None => Url::parse(&format!("http://{addr}"))?,
        };
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
        sandbox.spawn_workers();
        Ok(Server {
            listener,
            router: with_tracing(sandbox.router()),
            addr,
            public_url,
            db,
        })
    }

    /// Serves until Ctrl-C (or the task is dropped).
    pub async fn run(self) -> std::io::Result<()> {
        // `into_make_service` prepares the routes once; serving the `Router` itself would
        // rebuild every route for each accepted connection (axum clones and re-states the
        // whole router per connection), about 85 KB a connection with our routes.
        axum::serve(self.listener, self.router.into_make_service())
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
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

pub async fn run_standalone_sandbox(settings: Settings, addr: SocketAddr) -> anyhow::Result<()> {
    let server = Server::sandbox(settings, addr).await?;
    tracing::info!(url = %server.public_url, "Solaris + IDnow sandbox is serving");
    Ok(server.run().await?)
}
