//! `solaris-onboarding` serves the app; `solaris-onboarding sandbox --listen ADDR` serves the
//! Solaris + IDnow sandbox alone; `solaris-onboarding staff …` manages the back office's staff
//! accounts.

use solaris_onboarding::config::Settings;
use solaris_onboarding::{startup, telemetry};

/// mimalloc instead of the system allocator: glibc's keeps what a burst of requests freed in
/// per-thread arenas, so the process stays large after load; mimalloc returns freed pages to
/// the system soon after and allocates the many small, short-lived objects of a request faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("solaris-onboarding: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => startup::run_app(settings).await,
        #[cfg(feature = "sandbox")]
        Some("sandbox") => match parse_listen(&args[1..]) {
            Ok(addr) => startup::run_standalone_sandbox(settings, addr).await,
            Err(e) => Err(e),
        },
        #[cfg(not(feature = "sandbox"))]
        Some("sandbox") => Err(anyhow::anyhow!(
            "this build has no sandbox: it was built without the cargo feature `sandbox` \
             (build with default features to serve the Solaris + IDnow sandbox)"
        )),
        Some("staff") => match solaris_onboarding::staff_cli::run(&settings, &args[1..]).await {
            Ok(out) => {
                print!("{out}");
                Ok(())
            }
            Err(e) => Err(e),
        },
        Some(other) => Err(anyhow::anyhow!(
            "unknown command {other:?}; usage: solaris-onboarding [sandbox --listen ADDR | staff …]"
        )),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("solaris-onboarding: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(feature = "sandbox")]
fn parse_listen(args: &[String]) -> anyhow::Result<std::net::SocketAddr> {
    match args {
        [] => Ok("127.0.0.1:4000".parse()?),
        [flag, addr] if flag == "--listen" => addr
            .parse()
            .map_err(|e| anyhow::anyhow!("--listen {addr:?}: {e}")),
        _ => Err(anyhow::anyhow!(
            "usage: solaris-onboarding sandbox --listen ADDR"
        )),
    }
}
