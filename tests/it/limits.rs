//! Slow, idle and too many clients are cut off, and live status streams are not.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{fresh_database_url, settings};
use solaris_onboarding::startup::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct App {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn app(extra: &[(&str, &str)]) -> App {
    let db = fresh_database_url().await;
    let mut vars = vec![
        ("LISTEN_ADDR", "127.0.0.1:0"),
        ("DATABASE_URL", db.as_str()),
    ];
    vars.extend_from_slice(extra);
    let server = Server::app(settings(&vars)).await.expect("the app starts");
    let addr = server.addr;
    App {
        addr,
        task: tokio::spawn(server.run()),
    }
}

/// How long until the server closes `stream` (bounded by `at_most`).
async fn closed_after(stream: &mut TcpStream, at_most: Duration) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(at_most, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("still open after {at_most:?}"),
        }
    }
}

#[tokio::test]
async fn a_half_sent_request_and_an_idle_connection_are_closed_after_the_header_timeout() {
    let app = app(&[("HEADER_TIMEOUT_SECONDS", "1")]).await;
    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let waited = closed_after(&mut half, Duration::from_secs(5)).await;
    assert!(
        waited >= Duration::from_millis(800),
        "closed too early: {waited:?}"
    );

    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /favicon.svg HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(
        idle.read(&mut buf).await.unwrap() > 0,
        "the first request is answered"
    );
    closed_after(&mut idle, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_frees_the_connection() {
    let app = app(&[("BODY_TIMEOUT_SECONDS", "1")]).await;
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(
        b"POST /webhooks/solaris HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the slow upload was still open after 5 s");
}

/// A connection that has had one request answered, and stays open (keep-alive).
async fn answered_connection(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 200", "the server took the connection");
    stream
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let app = app(&[("MAX_CONNECTIONS", "2")]).await;
    // Two connections the server has taken: each answered a request and is kept alive.
    let _first = answered_connection(app.addr).await;
    let _second = answered_connection(app.addr).await;
    let mut third = TcpStream::connect(app.addr).await.unwrap();
    let waited = closed_after(&mut third, Duration::from_secs(2)).await;
    assert!(waited < Duration::from_secs(1));
}

#[tokio::test]
async fn a_live_status_stream_outlives_the_header_timeout() {
    let app = app(&[
        ("HEADER_TIMEOUT_SECONDS", "1"),
        ("REQUEST_TIMEOUT_SECONDS", "1"),
    ])
    .await;
    let base = format!("http://{}", app.addr);
    let browser = common::started_browser(&base).await;
    let mut stream = browser
        .get(format!("{base}/identification/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(stream.chunk().await.unwrap().is_some(), "the first status");
    // Nothing to say for a while: the stream stays open past both timeouts.
    let next = tokio::time::timeout(Duration::from_millis(2500), stream.chunk()).await;
    assert!(next.is_err(), "the stream ended: {next:?}");
}
