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

/// aiosmtpd's SMTP server on loopback, storing into a Maildir (argv 1) on a port (argv 2; 0
/// for one the system picks), printing the port it listens on once it does.
const SERVER: &str = r#"
import asyncio, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP

async def main():
    handler = Mailbox(sys.argv[1])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", int(sys.argv[2]))
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"#;

impl SmtpServer {
    /// A server on a port the system picks, so no other test can take it in between.
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    /// A server on `port` (a test of an outage starts it late, on the port the app was given).
    pub async fn start_on(port: u16) -> SmtpServer {
        use std::io::BufRead;
        let dir = std::env::temp_dir()
            .join("solaris-onboarding-tests")
            .join(format!("maildir-{}", uuid::Uuid::new_v4().simple()));
        // The server creates the Maildir (with its tmp, new and cur) only where none exists.
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        let mut child = Command::new("python3")
            .args(["-c", SERVER])
            .arg(&dir)
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd) runs the test SMTP server");
        let stdout = child.stdout.take().unwrap();
        let listening = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            std::io::BufReader::new(stdout)
                .read_line(&mut line)
                .map(|_| line)
        });
        let line = tokio::time::timeout(Duration::from_secs(20), listening)
            .await
            .expect("the test SMTP server starts within 20 s (is aiosmtpd installed?)")
            .unwrap()
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the test SMTP server did not start: {line:?}"));
        SmtpServer { port, dir, child }
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

    /// Waits until at least `n` messages arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        super::eventually(&format!("{n} mails arrive"), || async {
            let got = self.messages();
            if got.len() >= n {
                Ok(got)
            } else {
                Err(got.into_iter().map(|m| m.subject).collect::<Vec<_>>())
            }
        })
        .await
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
