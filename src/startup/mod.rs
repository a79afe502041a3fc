//! Assembles the servers: the app (pages, embedded sandbox) and the standalone sandbox, each
//! with a [`Supervisor`] that owns its background loops. Tests call the same functions with
//! port 0.

mod background;
mod connections;

pub use background::{Background, Loops, Settled};

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use url::Url;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::clock::Clock;
#[cfg(feature = "sandbox")]
use crate::config::SandboxSettings;
use crate::config::{ClientLimits, Settings, SolarisMode};
use crate::db::session_store::DbSessionStore;
use crate::db::Db;
#[cfg(feature = "sandbox")]
use crate::sandbox::Sandbox;
use crate::solaris::{ClientOptions, SolarisClient};
use crate::supervisor::Supervisor;
use crate::web::security::{Edge, SecurityHeaders};
use crate::work::{Worker, WorkerOptions};
use crate::{web, webhooks};

/// What the embedded sandbox plugs into the app: its routes, and the sinks that stand in for
/// SMTP and the bank's event receiver.
struct Embedded {
    #[cfg(feature = "sandbox")]
    sandbox: Sandbox,
    router: axum::Router,
    mailbox: Arc<dyn crate::mail::MailSink>,
    event_box: Arc<dyn crate::partner::EventSink>,
}

/// A bound, ready server with its background loops running.
pub struct Server {
    listener: TcpListener,
    router: Router,
    supervisor: Supervisor,
    shutdown_grace: Duration,
    /// Set when shutdown begins; `/health/ready` then answers 503.
    draining: Arc<AtomicBool>,
    drain_notice: Duration,
    limits: ClientLimits,
    /// Proxies that carry many clients' connections: no per-client cap on theirs.
    proxies: Vec<ipnet::IpNet>,
    pub addr: SocketAddr,
    /// Where the metrics are served (the app only; not the standalone sandbox).
    pub metrics_addr: Option<SocketAddr>,
    pub public_url: Url,
    pub db: Db,
    /// The app's background work, for a test to run on demand (the standalone sandbox: none).
    pub background: Option<Background>,
}

/// What every response of a server gets: the security headers, request ids (generated, or
/// taken from `x-request-id`), one span per request, and time limits on the body and the
/// response. Nothing here compresses: see [`crate::web::assets`].
fn outermost(router: Router, security: SecurityHeaders, limits: ClientLimits) -> Router {
    // One stack around the whole router, not `Router::layer`, which wraps every route in each
    // layer and boxes it again for each: a request then cloned and dropped every one of those boxes.
    let stack = tower::ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(crate::web::request_log::request_span::<axum::body::Body>)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn_with_state(
            Edge {
                headers: security,
                respond_within: limits.request_timeout,
            },
            crate::web::security::edge,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            limits.body_timeout,
        ))
        .service(router);
    Router::new().fallback_service(stack)
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
        Server::app_with(settings, Clock::system(), Loops::Run).await
    }

    /// [`Server::app`] on a given clock (a test's manual one, which the embedded sandbox
    /// shares), with its loops running or left to [`Background::settle`].
    pub async fn app_with(
        settings: Settings,
        clock: Clock,
        loops: Loops,
    ) -> anyhow::Result<Server> {
        let manual = loops == Loops::Manual;
        // Before anything is bound or created: a production build needs real Solaris.
        #[cfg(not(feature = "sandbox"))]
        if settings.sandbox_embedded() {
            anyhow::bail!("{}", crate::config::NO_SANDBOX);
        }
        let listener = TcpListener::bind(settings.listen_addr).await?;
        let addr = listener.local_addr()?;
        let public_url = public_url(&settings, addr)?;
        let db = Db::connect(&settings.database_url, clock).await?;
        let mut supervisor = Supervisor::new();
        let (api_url, auth_url, embedded): (Url, Url, Option<Embedded>) = match &settings.solaris {
            #[cfg(not(feature = "sandbox"))]
            SolarisMode::Embedded => anyhow::bail!("{}", crate::config::NO_SANDBOX),
            #[cfg(feature = "sandbox")]
            SolarisMode::Embedded => {
                let base = public_url.join("sandbox")?;
                let sandbox =
                    Sandbox::new(db.clone(), sandbox_settings(&settings, &public_url), &base)
                        .await?;
                if !manual {
                    sandbox.supervise_workers(&mut supervisor);
                }
                // The sandbox stands in for SMTP and the bank's event receiver too.
                let embedded = Embedded {
                    sandbox: sandbox.clone(),
                    router: sandbox.router(),
                    mailbox: sandbox.mailbox(),
                    event_box: sandbox.event_box(),
                };
                (base.clone(), base, Some(embedded))
            }
            SolarisMode::Remote { api_url, auth_url } => (api_url.clone(), auth_url.clone(), None),
        };
        let client = Arc::new(SolarisClient::new(
            api_url,
            auth_url,
            settings.solaris_credentials.clone(),
            ClientOptions::default(),
        )?);
        let options = WorkerOptions {
            persons_per_window: settings.solaris_persons_per_minute,
            ..WorkerOptions::default()
        };
        let worker = Worker::new(db.clone(), client.clone(), options);
        let work = worker.waker();
        if !manual {
            let worker = worker.clone();
            supervisor.spawn_draining("work queue", move |shutdown| worker.clone().run(shutdown));
        }
        let webhook_url = public_url.join(webhooks::PATH.trim_start_matches('/'))?;
        supervisor.spawn("webhook subscriptions", {
            let (db, client) = (db.clone(), client.clone());
            move |_| {
                webhooks::ensure_forever(
                    db.clone(),
                    client.clone(),
                    webhook_url.to_string(),
                    webhooks::Schedule::default(),
                )
            }
        });
        let reconcile_after = Duration::from_secs(settings.reconcile_after_seconds);
        if !manual {
            supervisor.spawn("reconciliation", {
                let (db, work) = (db.clone(), work.clone());
                let (after, max_wait) = (reconcile_after, settings.reconcile_max_wait);
                move |_| {
                    webhooks::reconcile::reconcile_forever(
                        db.clone(),
                        work.clone(),
                        after,
                        max_wait,
                    )
                }
            });
        }
        let (intake, writer) = webhooks::intake(db.clone(), work.clone());
        // Drains: it stores what the intake verified until the server has stopped.
        supervisor.spawn_draining("webhook writer", move |_| writer.clone().run());
        let feed = web::journey::feed::StatusFeed::new(supervisor.shutdown());
        supervisor.spawn("live status", {
            let (db, feed) = (db.clone(), feed.clone());
            move |_| web::journey::feed::watch_forever(db.clone(), feed.clone())
        });
        let sessions = DbSessionStore::new(db.clone());
        if !manual {
            supervisor.spawn("retention", {
                let (db, policy) = (db.clone(), settings.retention);
                move |_| crate::retention::run_forever(db.clone(), policy)
            });
        }
        supervisor.spawn("session purge", {
            let sessions = sessions.clone();
            move |_| web::purge_sessions_forever(sessions.clone())
        });
        let links = crate::mail::Links::new(settings.mail.link_secret.clone(), &public_url);
        let mailer = Arc::new(crate::mail::Mailer::new(
            db.clone(),
            &settings.mail,
            links.clone(),
            embedded.as_ref().map(|e| e.mailbox.clone()),
        )?);
        // Drains: a mail being sent is finished (and marked) before the process stops.
        if !manual {
            let mailer = mailer.clone();
            supervisor.spawn_draining("mail sender", move |shutdown| {
                crate::outbox::run(mailer.clone(), shutdown)
            });
        }
        let events = Arc::new(crate::partner::EventSender::new(
            db.clone(),
            &settings.partner_events,
            embedded.as_ref().map(|e| e.event_box.clone()),
        )?);
        // Drains like the mail sender: an event being delivered is finished and marked.
        if !manual {
            let events = events.clone();
            supervisor.spawn_draining("partner events", move |shutdown| {
                crate::outbox::run(events.clone(), shutdown)
            });
            supervisor.spawn("mail schedule", {
                let db = db.clone();
                move |_| crate::mail::schedule_forever(db.clone())
            });
        }
        let background = Background {
            db: db.clone(),
            worker,
            mailer,
            events,
            reconcile_after,
            reconcile_max_wait: settings.reconcile_max_wait,
            retention: settings.retention,
            #[cfg(feature = "sandbox")]
            sandbox: embedded.as_ref().map(|e| e.sandbox.clone()),
        };
        let rates = web::rates::RateLimits::new(&settings.rates, &db, &settings.mail.link_secret);
        supervisor.spawn("rate limit memory", {
            let rates = rates.clone();
            move |_| web::rates::forget_idle_forever(rates.clone())
        });
        supervisor.spawn("staff session purge", {
            let db = db.clone();
            move |_| web::backoffice::purge_sessions_forever(db.clone())
        });

        crate::monitoring::handle();
        let metrics = crate::web::metrics::bind(settings.metrics_listen_addr)?;
        let metrics_addr = metrics.local_addr()?;
        supervisor.spawn("metrics listener", {
            let db = db.clone();
            move |_| {
                let listener = metrics.try_clone();
                let db = db.clone();
                async move {
                    match listener {
                        Ok(listener) => crate::web::metrics::serve(listener, db).await,
                        Err(e) => tracing::error!(error = %e, "metrics listener"),
                    }
                }
            }
        });
        let draining = Arc::new(AtomicBool::new(false));
        let state = web::AppState::new(
            &settings,
            &public_url,
            web::Parts {
                db: db.clone(),
                work,
                feed,
                rates,
                links,
                client: client.clone(),
                loops: supervisor.loops(),
                draining: draining.clone(),
            },
        );
        let mut router = web::router(state, sessions, &public_url).merge(intake);
        if let Some(embedded) = embedded {
            router = router.nest("/sandbox", embedded.router);
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
            router: outermost(router, security, settings.limits),
            supervisor,
            shutdown_grace: settings.shutdown_grace,
            draining,
            drain_notice: settings.drain_notice,
            metrics_addr: Some(metrics_addr),
            limits: settings.limits,
            proxies: settings.rates.trusted_proxies.clone(),
            addr,
            public_url,
            db,
            background: Some(background),
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
        let db = Db::connect(&settings.database_url, Clock::system()).await?;
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
            router: outermost(sandbox.router(), security, settings.limits),
            supervisor,
            shutdown_grace: settings.shutdown_grace,
            draining: Arc::new(AtomicBool::new(false)),
            drain_notice: Duration::ZERO,
            metrics_addr: None,
            limits: settings.limits,
            proxies: settings.rates.trusted_proxies.clone(),
            addr,
            public_url,
            db,
            background: None,
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
            draining,
            drain_notice,
            limits,
            proxies,
            ..
        } = self;
        // First no longer ready, then (after the notice) no longer accepting.
        let stop = async move {
            stop.await;
            draining.store(true, Ordering::SeqCst);
            if !drain_notice.is_zero() {
                tracing::info!(
                    notice_seconds = drain_notice.as_secs(),
                    "shutdown requested: reporting not ready, still serving"
                );
                tokio::time::sleep(drain_notice).await;
            }
        };
        let graceful = GracefulShutdown::new();
        {
            let slots = connections::Slots::new(
                limits.max_connections,
                limits.max_connections_per_client,
                proxies,
            );
            let connections = serve_until(listener, router, limits, slots, &graceful, stop);
            connections.await;
            // The router goes here with the accept loop, and with the last connection the
            // webhook intake's queue, so the webhook writer ends once it stored what it accepted.
        }
        tracing::info!(
            grace_seconds = shutdown_grace.as_secs(),
            "shutting down: finishing open requests and work"
        );
        // Live status streams end now, with a last event, so their connections can close.
        supervisor.request_shutdown();
        let deadline = tokio::time::Instant::now() + shutdown_grace;
        if tokio::time::timeout_at(deadline, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("requests still open at the end of the grace period; closing them");
        }
        if supervisor.drain(deadline).await {
            tracing::info!("stopped cleanly");
        }
        Ok(())
    }
}

/// Accepts connections until `stop`: HTTP/1 and HTTP/2, each request with the client's address
/// (`ConnectInfo`), each connection in one of `slots` and closed once it has had no request in
/// flight for `limits.header_timeout` (see [`connections`]). Every connection is watched by
/// `graceful`, which then lets the open ones finish.
async fn serve_until(
    listener: TcpListener,
    router: Router,
    limits: ClientLimits,
    slots: connections::Slots,
    graceful: &GracefulShutdown,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut builder = ConnectionBuilder::new(TokioExecutor::new());
    // Beside the idle deadline, hyper's own: a request head (HTTP/1) must arrive in time.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout);
    let mut refusals = connections::Refusals::default();
    let mut report = tokio::time::interval(connections::REFUSALS_REPORTED_EVERY);
    report.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = report.tick() => {
                refusals.report(&slots);
                continue;
            }
            () = &mut stop => {
                refusals.report(&slots);
                return;
            }
        };
        let slot = match slots.take(peer.ip()) {
            Ok(slot) => slot,
            Err(why) => {
                refusals.count(why);
                continue;
            }
        };
        // Responses are written in parts (head, then body): with Nagle's algorithm the second
        // part waits for the client's delayed acknowledgement, up to 40 ms a response.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "setting TCP_NODELAY");
        }
        let activity = connections::Activity::new();
        // Cloning the prepared router is cheap (its routes are shared); rebuilding it per
        // connection, as serving a `Router` with state does, costs about 85 KB a connection.
        let router = router.clone();
        let service = {
            let activity = activity.clone();
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let in_flight = activity.begin();
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                let response = tower::ServiceExt::oneshot(router.clone(), req);
                async move {
                    let response = response.await?;
                    Ok::<_, std::convert::Infallible>(response.map(|body| {
                        axum::body::Body::new(connections::Tracked::new(body, in_flight))
                    }))
                }
            })
        };
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        let idle_limit = limits.header_timeout;
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection ended with an error");
                },
                () = activity.idle_for(idle_limit) => crate::monitoring::connection_idle_closed(),
            }
            drop(slot);
        });
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
