//! A real SMTP server for the mail tests: Python's `aiosmtpd` (installed by `.ci/run`), which
//! stores every message it accepts in a Maildir that the tests read and parse.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One message the server accepted.
#[derive(Clone, Debug)]
pub struct Received {
    pub to: String,
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Every header, as `Name: value` lines.
    pub headers: String,
}

pub struct SmtpServer {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::start_on(free_port()).await
    }

    /// A server on `port` (a test of an outage starts it late, on the port the app was given).
    pub async fn start_on(port: u16) -> SmtpServer {
        let dir = std::env::temp_dir()
            .join("solaris-onboarding-tests")
            .join(format!("maildir-{}", uuid::Uuid::new_v4().simple()));
        // The server creates the Maildir (with its tmp, new and cur) only where none exists.
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .args(["-l", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) runs the test SMTP server");
        let server = SmtpServer { port, dir, child };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the test SMTP server did not start on port {port} (is aiosmtpd installed?)");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, in no particular order.
    pub fn messages(&self) -> Vec<Received> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(raw) = std::fs::read(entry.path()) else {
                    continue;
                };
                let Some(m) = mail_parser::MessageParser::default().parse(&raw) else {
                    continue;
                };
                let headers = m
                    .headers()
                    .iter()
                    .map(|h| {
                        let value = &raw[h.offset_start() as usize..h.offset_end() as usize];
                        format!("{}:{}", h.name(), String::from_utf8_lossy(value).trim_end())
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let address = |a: Option<&mail_parser::Address>| {
                    a.and_then(|a| a.first())
                        .and_then(|a| a.address())
                        .unwrap_or_default()
                        .to_string()
                };
                out.push(Received {
                    to: address(m.to()),
                    from: address(m.from()),
                    subject: m.subject().unwrap_or_default().to_string(),
                    text: m.body_text(0).unwrap_or_default().to_string(),
                    html: m.body_html(0).unwrap_or_default().to_string(),
                    headers,
                });
            }
        }
        out
    }

    /// Waits until at least `n` messages arrived (at most 30 s); returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..1200 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let got = self.messages();
        panic!(
            "expected {n} mails, got {}: {:?}",
            got.len(),
            got.iter().map(|m| &m.subject).collect::<Vec<_>>()
        );
    }

    /// The messages whose subject contains `needle`.
    pub fn with_subject(&self, needle: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.subject.contains(needle))
            .collect()
    }
}

/// The first link in `text` that starts with `prefix`.
pub fn link_in(text: &str, prefix: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with(prefix))
        .map(str::to_string)
}
