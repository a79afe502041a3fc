//! The real binary, as an orchestrator runs it: on a port it picks itself (read from its first
//! log line, so no other test can take the port meanwhile), its log kept for the test to read.

use std::io::BufRead;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

pub struct Binary {
    pub child: Child,
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Binary {
    /// The debug or release binary cargo built for this test, with `vars` beside the ones every
    /// start needs (its own ports, real time in the sandbox).
    pub async fn start(vars: &[(&str, &str)]) -> Binary {
        let mut command = Command::new(env!("CARGO_BIN_EXE_solaris-onboarding"));
        command
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("METRICS_LISTEN_ADDR", "127.0.0.1:0")
            .env("SANDBOX_TIME_SCALE", "1")
            .env("RUST_LOG", "warn,solaris_onboarding::startup=info");
        for (k, v) in vars {
            command.env(k, v);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        let serving = tokio::task::spawn_blocking(move || {
            let mut lines = std::io::BufReader::new(stdout).lines();
            let base = lines.by_ref().map_while(Result::ok).find_map(|line| {
                let at = line.find("http://127.0.0.1:")?;
                let rest = &line[at..];
                let end = rest[17..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(rest.len(), |n| n + 17);
                Some(rest[..end].to_string())
            });
            // The rest of the log is read and kept, so the process never blocks on a full pipe.
            std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    kept.lock().unwrap().push(line);
                }
            });
            base
        });
        let base = tokio::time::timeout(super::DEADLINE, serving)
            .await
            .expect("the app says where it serves")
            .unwrap()
            .expect("the app's log names its address");
        Binary { child, base, log }
    }

    /// Sends SIGTERM, as an orchestrator stops a process.
    pub fn terminate(&self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }

    /// Waits for the process to exit (within the test deadline).
    pub async fn exited(&mut self) -> ExitStatus {
        let child = std::cell::RefCell::new(&mut self.child);
        super::eventually("the process exits", || async {
            child
                .borrow_mut()
                .try_wait()
                .unwrap()
                .ok_or("still running")
        })
        .await
    }

    /// The log lines after the one that named the address, so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}
