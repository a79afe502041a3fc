//! Slow, idle and too many clients are cut off, and live status streams are not.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{fresh_database_url, settings};
use solaris_onboarding::startup::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

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

/// A connection to `addr` from the loopback address `from` (any of 127.0.0.0/8), so that one
/// test can be several clients.
async fn connect_from(from: &str, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(from.parse().unwrap(), 0))
        .unwrap();
    socket.connect(addr).await.unwrap()
}

/// One request answered on a connection from `from`, which stays open; or what went wrong.
async fn answered_from(from: &str, addr: SocketAddr) -> Result<TcpStream, String> {
    let mut stream = connect_from(from, addr).await;
    stream
        .write_all(b"GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .map_err(|e| e.to_string())?;
    let mut head = [0u8; 12];
    stream
        .read_exact(&mut head)
        .await
        .map_err(|e| format!("{from}: {e}"))?;
    if &head != b"HTTP/1.1 200" {
        return Err(format!("{from}: {}", String::from_utf8_lossy(&head)));
    }
    Ok(stream)
}

/// An HTTP/2 client (prior knowledge) that opens no stream: it acknowledges the server's
/// settings, answers its PINGs and sends PINGs of its own every 300 ms. Returns, once the
/// server closes the connection, how long it was open and how many frames the server sent.
async fn only_pings(mut stream: TcpStream) -> (Duration, usize) {
    const SETTINGS: u8 = 4;
    const PING: u8 = 6;
    const ACK: u8 = 1;
    fn frame(kind: u8, flags: u8, payload: &[u8]) -> Vec<u8> {
        let len = payload.len() as u32;
        let mut f = len.to_be_bytes()[1..].to_vec();
        f.extend([kind, flags, 0, 0, 0, 0]);
        f.extend_from_slice(payload);
        f
    }
    let started = Instant::now();
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend(frame(SETTINGS, 0, &[]));
    stream.write_all(&hello).await.unwrap();
    let (mut rx, mut tx) = stream.into_split();
    let (answers, mut to_send) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let reader = tokio::spawn(async move {
        let mut frames = 0;
        loop {
            let mut head = [0u8; 9];
            if rx.read_exact(&mut head).await.is_err() {
                return frames;
            }
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            if rx.read_exact(&mut payload).await.is_err() {
                return frames;
            }
            frames += 1;
            let (kind, flags) = (head[3], head[4]);
            let answer = match kind {
                SETTINGS if flags & ACK == 0 => frame(SETTINGS, ACK, &[]),
                PING if flags & ACK == 0 => frame(PING, ACK, &payload),
                _ => continue,
            };
            if answers.send(answer).is_err() {
                return frames;
            }
        }
    });
    let mut tick = tokio::time::interval(Duration::from_millis(300));
    tokio::pin!(reader);
    loop {
        tokio::select! {
            frames = &mut reader => return (started.elapsed(), frames.unwrap_or(0)),
            Some(answer) = to_send.recv() => {
                let _ = tx.write_all(&answer).await;
            }
            _ = tick.tick() => {
                let _ = tx.write_all(&frame(PING, 0, b"still up")).await;
            }
        }
    }
}

#[tokio::test]
async fn silent_and_ping_only_connections_give_their_slots_back_and_others_get_through() {
    let app = app(&[
        ("HEADER_TIMEOUT_SECONDS", "1"),
        ("MAX_CONNECTIONS", "4"),
        ("MAX_CONNECTIONS_PER_CLIENT", "2"),
    ])
    .await;
    // A client that opens connections and sends nothing holds its share, no more.
    let opened = Instant::now();
    let mut silent = vec![
        connect_from("127.0.0.2", app.addr).await,
        connect_from("127.0.0.2", app.addr).await,
    ];
    let mut third = connect_from("127.0.0.2", app.addr).await;
    let waited = closed_after(&mut third, Duration::from_secs(2)).await;
    assert!(waited < Duration::from_millis(500), "over its share");
    // Another only talks HTTP/2 PINGs and opens no stream.
    let pings = tokio::spawn(only_pings(connect_from("127.0.0.3", app.addr).await));
    // An ordinary client still gets through.
    let ordinary = answered_from("127.0.0.4", app.addr).await;
    assert!(ordinary.is_ok(), "{ordinary:?}");

    // Each is closed after the header timeout.
    for stream in &mut silent {
        closed_after(stream, Duration::from_secs(5)).await;
        let open_for = opened.elapsed();
        assert!(
            open_for >= Duration::from_millis(800),
            "too early: {open_for:?}"
        );
    }
    let (open_for, frames) = tokio::time::timeout(Duration::from_secs(5), pings)
        .await
        .expect("the PING-only connection was still open after 5 s")
        .unwrap();
    assert!(
        open_for >= Duration::from_millis(800),
        "too early: {open_for:?}"
    );
    assert!(
        frames >= 2,
        "the server spoke HTTP/2 (settings, PING answers): {frames}"
    );

    // And the slots come back: four clients hold all four at once.
    let _held = common::eventually("all four slots are free again", || async {
        let mut held = Vec::new();
        for from in ["127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"] {
            held.push(answered_from(from, app.addr).await?);
        }
        Ok::<_, String>(held)
    })
    .await;
}

#[tokio::test]
async fn refused_connections_are_one_log_line_with_their_count() {
    let db = fresh_database_url().await;
    let app = common::binary::Binary::start(&[
        ("DATABASE_URL", db.as_str()),
        ("LOG_FORMAT", "json"),
        ("MAX_CONNECTIONS", "1"),
        ("HEADER_TIMEOUT_SECONDS", "60"),
    ])
    .await;
    let addr: SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let _held = answered_from("127.0.0.1", addr).await.unwrap();
    for _ in 0..200 {
        let mut refused = TcpStream::connect(addr).await.unwrap();
        closed_after(&mut refused, Duration::from_secs(5)).await;
    }
    let mut app = app;
    app.terminate();
    assert!(app.exited().await.success());
    let reports: Vec<serde_json::Value> = app
        .log()
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["code"] == "connections_refused")
        .collect();
    let counted: u64 = reports
        .iter()
        .map(|r| r["all_slots_taken"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 200, "{reports:?} in {:?}", app.log());
    // One line an interval (10 s): not one a refusal.
    assert!(reports.len() <= 3, "{} lines", reports.len());
}
