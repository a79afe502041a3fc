//! Benchmark of the hot paths: starts the release build of the app on loopback (SQLite, the
//! embedded sandbox) and, as a baseline, a static-HTML axum route of similar size in a process
//! of its own; then measures journey pages with an established session, the return page,
//! webhook intake (signed, durably stored deliveries), resident memory with 1,000 customers
//! waiting on the live status stream, the Solaris calls of one happy path, and the return
//! page's latency as the number of stored applications grows. It prints figures and their
//! targets; it asserts nothing (these machines are shared and noisy).
//!
//! `cargo bench --bench hot_paths`; `BENCH_SECONDS` (default 5) per measurement,
//! `BENCH_CONNECTIONS` (50), `BENCH_ROWS` (1000000) for the largest table; `BENCH_APP` runs
//! another build of the app (a profiling build, say) instead of this one's.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::any::AnyPoolOptions;

const APP: &str = env!("CARGO_BIN_EXE_solaris-onboarding");

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The static page of the baseline: about the size of a journey page.
fn baseline_html() -> String {
    let rows: String = (0..60)
        .map(|i| format!("<li>Item {i} of a static list of the baseline page</li>"))
        .collect();
    format!("<!DOCTYPE html><html lang=\"en\"><head><title>Baseline</title></head><body><main><h1>Baseline</h1><ul>{rows}</ul></main></body></html>")
}

/// Child role: serve the baseline page until killed.
fn serve_baseline(addr: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let html = baseline_html();
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(move || {
                let html = html.clone();
                async move { axum::response::Html(html) }
            }),
        );
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        axum::serve(listener, app).await.unwrap();
    });
}

struct Process(Child);
impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A figure of `/proc/{pid}/status` in KiB: `VmRSS:` (resident in all), `RssAnon:` (the
/// process' own memory, without the program's code mapped from its file).
fn status_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS:")
}

/// Requests per second and latency percentiles of one endpoint under `connections` clients.
struct Figures {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

async fn load<F, Fut>(connections: usize, seconds: u64, request: F) -> Figures
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(100_000);
                let mut errors = 0u64;
                let mut n = 0usize;
                while Instant::now() < until {
                    let t = Instant::now();
                    if request(c * 1_000_000 + n).await {
                        latencies.push(t.elapsed().as_micros() as u32);
                    } else {
                        errors += 1;
                    }
                    n += 1;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    Figures {
        rps: all.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors,
    }
}

/// GETs of one URL by every connection; a 2xx counts as served.
async fn get_load(
    connections: usize,
    seconds: u64,
    client: reqwest::Client,
    url: String,
) -> Figures {
    load(connections, seconds, move |_| {
        let (c, u) = (client.clone(), url.clone());
        async move {
            c.get(&u)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false)
        }
    })
    .await
}

/// One line of figures; with a baseline, the throughput's ratio to it (and the target's).
fn print(name: &str, f: &Figures, baseline: Option<&Figures>, target: Option<f64>) {
    print_p99(name, f, baseline, target, 20.0)
}

/// [`print`] with another p99 target (ms).
fn print_p99(
    name: &str,
    f: &Figures,
    baseline: Option<&Figures>,
    target: Option<f64>,
    p99_target: f64,
) {
    let ratio = baseline.map(|b| f.rps / b.rps);
    let verdict = match (ratio, target) {
        (Some(r), Some(t)) => format!(
            " ratio {r:.2} (target ≥ {t}) {}",
            if r >= t { "met" } else { "MISSED" }
        ),
        (Some(r), None) => format!(" ratio {r:.2}"),
        _ => String::new(),
    };
    let p99 = if f.p99_ms < p99_target {
        "met"
    } else {
        "MISSED"
    };
    println!(
        "{name:<34} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms (target < {p99_target} ms: {p99}){verdict}{}",
        f.rps,
        f.p50_ms,
        f.p99_ms,
        if f.errors > 0 { format!("  errors {}", f.errors) } else { String::new() }
    );
}

/// The baseline again, just before a measurement that is compared with it: the machine's
/// speed drifts (shared, noisy neighbours), and a ratio to a baseline taken minutes earlier
/// would measure the drift too.
async fn fresh_baseline(
    connections: usize,
    seconds: u64,
    client: &reqwest::Client,
    url: &str,
) -> Figures {
    let b = get_load(connections, seconds, client.clone(), url.to_string()).await;
    print("  baseline, just before", &b, None, None);
    b
}

/// A customer driven through the journey with plain form posts.
struct Walker {
    base: String,
    http: reqwest::Client,
}

impl Walker {
    /// A customer in a browser of their own (a cookie jar, redirects not followed).
    fn new(base: String) -> Walker {
        Walker {
            base,
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    async fn page(&self, path: &str) -> (u16, Option<String>, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (status, location, res.text().await.unwrap())
    }

    /// The value of the input `name` in a page.
    fn value(body: &str, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        body.find(&marker).map(|i| {
            let rest = &body[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
    }

    async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Option<String> {
        let (_, _, body) = self.page(path).await;
        let find = |name: &str| Self::value(&body, name);
        let mut form: Vec<(String, String)> = vec![("_csrf".into(), find("_csrf").unwrap())];
        for hidden in ["version", "data_version"] {
            if let Some(v) = find(hidden) {
                form.push((hidden.into(), v));
            }
        }
        form.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .form(&form)
            .send()
            .await
            .unwrap();
        res.headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
    }

    /// From the start to the contact screen.
    async fn to_contact(&self) {
        self.start_as("Erika").await;
    }

    async fn start_as(&self, first_name: &str) {
        self.http
            .post(format!("{}/start", self.base))
            .header("origin", &self.base)
            .send()
            .await
            .unwrap();
        self.submit("/terms", &[("accept", "yes")]).await;
        self.submit("/privacy", &[("accept", "yes")]).await;
        self.submit(
            "/details/person",
            &[
                ("salutation", "MS"),
                ("first_name", first_name),
                ("last_name", "Beispiel"),
                ("birth_date[day]", "01"),
                ("birth_date[month]", "01"),
                ("birth_date[year]", "1990"),
                ("birth_city", "Musterstadt"),
                ("birth_country", "DE"),
                ("nationality", "DE"),
                ("employment_status", "EMPLOYED"),
                ("marital_status", "SINGLE"),
            ],
        )
        .await;
    }

    /// From the start to the redirect to IDnow.
    async fn sign_up(&self, first_name: &str) {
        self.start_as(first_name).await;
        self.submit(
            "/details/contact",
            &[
                ("mobile_number", "0151 23456789"),
                ("email", "erika@example.com"),
                ("address[line_1]", "Teststraße"),
                ("address[line_2]", "1"),
                ("address[postal_code]", "10115"),
                ("address[city]", "Berlin"),
                ("address[country]", "DE"),
                ("tax_information[tax_assessment_country]", "DE"),
            ],
        )
        .await;
        self.submit("/review", &[]).await;
        for _ in 0..400 {
            if self.page("/preparing").await.0 != 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.submit(
            "/documents",
            &[
                ("document_type", "National ID Card"),
                ("document_country", "DE"),
                ("document_version", "DEU-BO-02001"),
            ],
        )
        .await;
        self.submit("/checklist", &[]).await;
        self.submit("/identification/start", &[]).await;
    }
}

fn main() {
    if let Ok(addr) = std::env::var("BENCH_BASELINE") {
        return serve_baseline(&addr);
    }
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        // `cargo test --benches` lists or smoke-runs benchmarks; this one only runs on demand.
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
}

async fn run() {
    let seconds: u64 = env_or("BENCH_SECONDS", 5);
    let connections: usize = env_or("BENCH_CONNECTIONS", 50);
    let rows: usize = env_or("BENCH_ROWS", 1_000_000);
    let dir = std::env::temp_dir().join(format!("solaris-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("bench.db");
    let base_port = free_port();
    let _baseline = Process(
        Command::new(std::env::current_exe().unwrap())
            .env("BENCH_BASELINE", format!("127.0.0.1:{base_port}"))
            .spawn()
            .unwrap(),
    );
    let baseline_url = format!("http://127.0.0.1:{base_port}/");
    let plain = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (app, base, started_in) =
        start_app(&format!("sqlite://{}", db_path.display()), &plain).await;
    for _ in 0..200 {
        if plain.get(&baseline_url).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("solaris-onboarding hot paths — {connections} connections, {seconds} s each, release build, loopback\n");
    print_start("fresh SQLite", started_in);

    // One customer through the journey, counting the Solaris calls of a complete happy path.
    let walker = Walker::new(base.clone());
    let log_url = format!("{base}/sandbox/_sandbox/log");
    let solaris_calls = |log: &serde_json::Value| {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                let p = e["path"].as_str().unwrap_or_default();
                p.starts_with("/v1/") || p == "/oauth2/token"
            })
            .count()
    };
    let before: serde_json::Value = plain
        .get(&log_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    walker.sign_up("X-AUTOTEST-HAPPYPATH").await;
    plain
        .post(format!("{base}/sandbox/_sandbox/clock/advance"))
        .json(&serde_json::json!({"seconds": 200}))
        .send()
        .await
        .unwrap();
    for _ in 0..400 {
        if walker.page("/complete").await.2.contains("person-data") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let after: serde_json::Value = plain
        .get(&log_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let calls = solaris_calls(&after) - solaris_calls(&before);

    // A second customer waits on the return page; the load reuses their session (the client
    // shares its cookie jar across connections).
    let waiting = Walker::new(base.clone());
    waiting.sign_up("X-MANUALTEST-HAPPYPATH").await;
    let res = waiting
        .http
        .get(format!("{base}/identification/return"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        200,
        "the waiting customer is on the return page"
    );

    let baseline = get_load(connections, seconds, plain.clone(), baseline_url.clone()).await;
    print("baseline (static HTML)", &baseline, None, None);

    // A journey page this customer may still open: the terms they accepted.
    let journey = get_load(
        connections,
        seconds,
        waiting.http.clone(),
        format!("{base}/terms"),
    )
    .await;
    print(
        "journey page (terms, with session)",
        &journey,
        Some(&baseline),
        Some(0.4),
    );

    // The welcome page, without a session.
    let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
    let welcome = get_load(connections, seconds, plain.clone(), format!("{base}/")).await;
    print("welcome page", &welcome, Some(&baseline), Some(0.4));

    // A static file: the fingerprinted stylesheet the pages link.
    let home = plain
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let style = home
        .split(r#"rel="stylesheet" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the pages link a stylesheet")
        .to_string();
    let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
    let stat = get_load(
        connections,
        seconds,
        plain.clone(),
        format!("{base}{style}"),
    )
    .await;
    print(
        "static file (stylesheet)",
        &stat,
        Some(&baseline),
        Some(0.8),
    );

    // A form post with validation errors: the page comes back with every message.
    let typing = Walker::new(base.clone());
    typing.to_contact().await;
    let (_, _, contact) = typing.page("/details/contact").await;
    let token = Walker::value(&contact, "_csrf").expect("the form has a token");
    let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
    let refused = {
        let (c, u, origin) = (
            typing.http.clone(),
            format!("{base}/details/contact"),
            base.clone(),
        );
        load(connections, seconds, move |_| {
            let (c, u, origin, token) = (c.clone(), u.clone(), origin.clone(), token.clone());
            async move {
                c.post(&u)
                    .header("origin", origin)
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("mobile_number", "12345"),
                        ("email", "not an address"),
                        ("address[line_1]", "Teststraße"),
                        ("address[postal_code]", "1"),
                    ])
                    .send()
                    .await
                    .map(|r| r.status() == 422)
                    .unwrap_or(false)
            }
        })
        .await
    };
    print(
        "form post with errors (422)",
        &refused,
        Some(&baseline),
        Some(0.4),
    );

    let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
    let status = get_load(
        connections,
        seconds,
        waiting.http.clone(),
        format!("{base}/identification/return"),
    )
    .await;
    print("return page (status)", &status, Some(&baseline), Some(0.5));

    // Webhook intake: signed deliveries, each stored durably (unique ids).
    let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
    let pool = {
        sqlx::any::install_default_drivers();
        AnyPoolOptions::new()
            .max_connections(2)
            .connect(&format!("sqlite://{}", db_path.display()))
            .await
            .unwrap()
    };
    let (sub, secret): (String, String) = sqlx::query_as("select subscription_id, secret from webhook_subscription where event_type = 'IDENTIFICATION'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let intake = {
        let (c, u) = (plain.clone(), format!("{base}/webhooks/solaris"));
        load(connections, seconds, move |n| {
            let (c, u, sub, secret) = (c.clone(), u.clone(), sub.clone(), secret.clone());
            async move {
                let body =
                    format!(r#"{{"id":"{n:032x}cidt","status":"pending","method":"idnow"}}"#);
                let signature =
                    solaris_onboarding::sandbox::delivery::signature(&secret, body.as_bytes());
                c.post(&u)
                    .header("solaris-webhook-event-type", "IDENTIFICATION")
                    .header("solaris-webhook-subscription-id", &sub)
                    .header("solaris-webhook-id", format!("{n:032x}"))
                    .header("solaris-webhook-signature", signature)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        })
        .await
    };
    print_p99(
        "webhook intake (signed, stored)",
        &intake,
        Some(&baseline),
        None,
        10.0,
    );

    // 1,000 customers waiting at once on the live status stream.
    let idle = rss_kib(app.0.id());
    let mut streams = Vec::new();
    for _ in 0..1000 {
        let res = waiting
            .http
            .get(format!("{base}/identification/events"))
            .send()
            .await
            .unwrap();
        streams.push(res);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let busy = rss_kib(app.0.id());
    let anon = status_kib(app.0.id(), "RssAnon:");
    let mb = busy as f64 / 1024.0;
    println!(
        "{:<34} {:>9.1} MB resident with 1,000 open streams ({:.1} MB before; target < 40 MB: {}); \
         {:.1} MB of it the process' own memory, the rest the program's code mapped from its file",
        "1,000 waiting customers",
        mb,
        idle as f64 / 1024.0,
        if mb < 40.0 { "met" } else { "MISSED" },
        anon as f64 / 1024.0,
    );
    drop(streams);
    println!(
        "{:<34} {:>9} Solaris calls (token, person, identification, request, reads)",
        "one complete happy path", calls
    );

    // The return page's latency as the table grows.
    let mut stored = 2usize;
    for target in [1_000usize, rows] {
        let mut tx = pool.begin().await.unwrap();
        while stored < target {
            // Applications of earlier customers: identified, ended as most do, and read
            // again as often as reconciliation does after a last webhook.
            let id = format!("bench{stored:027}");
            let status = ["successful", "successful", "failed", "expired"][stored % 4];
            sqlx::query("insert into application (id, created_at, updated_at, person_id, identification_id, identification_status, last_webhook_at, reconcile_count) values ($1, 0, 0, $2, $3, $4, 0, $5)")
                .bind(&id)
                .bind(format!("{id}cper"))
                .bind(format!("{id}cidt"))
                .bind(status)
                .bind(12_i64)
                .execute(&mut *tx)
                .await
                .unwrap();
            stored += 1;
            if stored.is_multiple_of(50_000) {
                tx.commit().await.unwrap();
                tx = pool.begin().await.unwrap();
            }
        }
        tx.commit().await.unwrap();
        let baseline = fresh_baseline(connections, seconds, &plain, &baseline_url).await;
        let f = get_load(
            connections,
            seconds,
            waiting.http.clone(),
            format!("{base}/identification/return"),
        )
        .await;
        print(
            &format!("return page, {target} applications"),
            &f,
            Some(&baseline),
            None,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);

    if let Ok(admin) = std::env::var("BENCH_POSTGRES") {
        drop(app);
        postgres_scaling(&admin, connections, seconds, &plain, &baseline_url).await;
    }
}

/// The time from starting the app to its first answer, against the target of a second.
fn print_start(database: &str, took: Duration) {
    let seconds = took.as_secs_f64();
    println!(
        "{:<34} {:>9.3} s ({database}, migrations included; target < 1 s: {})",
        "start to first answer",
        seconds,
        if seconds < 1.0 { "met" } else { "MISSED" }
    );
}

/// Starts the release app on `database_url` at a free port; waits for its first answer.
async fn start_app(database_url: &str, plain: &reqwest::Client) -> (Process, String, Duration) {
    let port = free_port();
    let spawned = Instant::now();
    let app = Process(
        Command::new(std::env::var("BENCH_APP").unwrap_or_else(|_| APP.to_string()))
            .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("METRICS_LISTEN_ADDR", "127.0.0.1:0")
            // One client makes every request here: the per-client limits would refuse most.
            .env("POST_LIMIT_PER_MINUTE", "1000000000")
            .env("DATABASE_URL", database_url)
            .env("SANDBOX_TIME_SCALE", "0.001")
            .env("RUST_LOG", "warn")
            .env("LOG_FORMAT", "json")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .spawn()
            .expect("the app starts"),
    );
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..4000 {
        if plain.get(&base).send().await.is_ok() {
            return (app, base, spawned.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the app never answered");
}

/// One instance on PostgreSQL, then two on the same database: the return page's throughput.
async fn postgres_scaling(
    admin: &str,
    connections: usize,
    seconds: u64,
    plain: &reqwest::Client,
    baseline_url: &str,
) {
    sqlx::any::install_default_drivers();
    let name = format!("bench_{}", std::process::id());
    let admin_pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin)
        .await
        .expect("BENCH_POSTGRES answers");
    sqlx::query(&format!("create database {name}"))
        .execute(&admin_pool)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin.trim_end_matches('/'));
    println!("\nPostgreSQL ({url})");
    let (first, base_a, started_in) = start_app(&url, plain).await;
    print_start("fresh database", started_in);
    let waiting = Walker::new(base_a.clone());
    waiting.sign_up("X-MANUALTEST-HAPPYPATH").await;
    let baseline = fresh_baseline(connections, seconds, plain, baseline_url).await;
    let one = get_load(
        connections,
        seconds,
        waiting.http.clone(),
        format!("{base_a}/identification/return"),
    )
    .await;
    print(
        "return page, one instance",
        &one,
        Some(&baseline),
        Some(0.5),
    );
    // A second instance on the same database; sessions live there, so the same cookie works
    // on both, and the connections are split between them.
    let (second, base_b, _) = start_app(&url, plain).await;
    let baseline = fresh_baseline(connections, seconds, plain, baseline_url).await;
    let two = {
        let c = waiting.http.clone();
        let urls = [
            format!("{base_a}/identification/return"),
            format!("{base_b}/identification/return"),
        ];
        load(connections, seconds, move |n| {
            let (c, u) = (c.clone(), urls[(n / 1_000_000) % 2].clone());
            async move {
                c.get(&u)
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        })
        .await
    };
    print("return page, two instances", &two, Some(&baseline), None);
    let scaling = two.rps / one.rps;
    println!(
        "{:<34} {:>9.2}× one instance (target ≥ 1.6: {}; load generator on the same machine)",
        "two instances on one database",
        scaling,
        if scaling >= 1.6 { "met" } else { "MISSED" }
    );
    drop((first, second));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&admin_pool)
        .await;
}
