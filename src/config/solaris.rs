//! Where the app's Solaris calls go, with which credentials, how fast new persons may be
//! created, where IDnow's pages are, and how often a quiet identification is read again.

use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::vars::{invalid, is_loopback, parse_url, Vars};
use super::ConfigError;

/// Where the app sends its Solaris calls.
#[derive(Clone, Debug)]
pub enum SolarisMode {
    /// No Solaris URL is configured: the sandbox runs inside the app at `{PUBLIC_URL}/sandbox`.
    Embedded,
    /// A Solaris API (the real one, or a standalone sandbox) at these URLs.
    Remote { api_url: Url, auth_url: Url },
}

/// Client credentials, either for Solaris or for the sandbox.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// The Solaris section.
pub(super) struct Solaris {
    pub mode: SolarisMode,
    pub credentials: Credentials,
    pub persons_per_minute: u32,
    pub idnow_origins: Vec<String>,
    pub reconcile_after_seconds: u64,
    pub reconcile_max_wait: Duration,
}

/// `sandbox`: the embedded sandbox's credentials, which the app uses without real Solaris.
pub(super) fn read(vars: &Vars, sandbox: &Credentials) -> Result<Solaris, ConfigError> {
    // SOLARIS_API_URL / SOLARIS_AUTH_URL / SOLARIS_CLIENT_ID / SOLARIS_CLIENT_SECRET:
    // all four for a remote Solaris, none for the embedded sandbox.
    let api = vars.get("SOLARIS_API_URL");
    let auth = vars.get("SOLARIS_AUTH_URL");
    let id = vars.get("SOLARIS_CLIENT_ID");
    let secret = vars.get("SOLARIS_CLIENT_SECRET");
    let (mode, credentials) =
        match (api, auth, id, secret) {
            (None, None, None, None) => (SolarisMode::Embedded, sandbox.clone()),
            (Some(api), Some(auth), Some(id), Some(secret)) => {
                let api_url = parse_url("SOLARIS_API_URL", &api)?;
                let auth_url = parse_url("SOLARIS_AUTH_URL", &auth)?;
                for (name, url) in [
                    ("SOLARIS_API_URL", &api_url),
                    ("SOLARIS_AUTH_URL", &auth_url),
                ] {
                    if url.scheme() == "http" && !is_loopback(url) {
                        return Err(invalid(
                            name,
                            "must be https unless it is a loopback address",
                        ));
                    }
                }
                (
                    SolarisMode::Remote { api_url, auth_url },
                    Credentials {
                        client_id: id,
                        client_secret: secret.into(),
                    },
                )
            }
            _ => return Err(ConfigError(
                "SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET \
                 must be set together (for real Solaris) or not at all (for the embedded sandbox)"
                    .into(),
            )),
        };
    // SOLARIS_PERSONS_PER_MINUTE (60): new Solaris persons per minute, all instances; more
    // confirmed applications wait in the queue.
    let persons_per_minute = vars.positive("SOLARIS_PERSONS_PER_MINUTE", 60)?;
    // IDNOW_ORIGINS: where identification links of real Solaris lead (space-separated),
    // default IDnow's live and test hosts. With a standalone sandbox as "Solaris", its origin.
    let idnow_origins = vars
        .get("IDNOW_ORIGINS")
        .unwrap_or_else(|| "https://go.idnow.de https://go.test.idnow.de".into())
        .split_whitespace()
        .map(|o| {
            Ok(parse_url("IDNOW_ORIGINS", o)?
                .origin()
                .ascii_serialization())
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;
    // RECONCILE_AFTER_SECONDS: a waiting application that heard no webhook for this long is
    // read from Solaris again (then after twice as long, and so on), default 120.
    let reconcile_after_seconds: u64 = vars.number("RECONCILE_AFTER_SECONDS", 120)?;
    if reconcile_after_seconds == 0 {
        return Err(invalid("RECONCILE_AFTER_SECONDS", "must be positive"));
    }
    // RECONCILE_MAX_WAIT_SECONDS: the longest wait between two reconciliation reads of an
    // identification that can still change, default an hour.
    let reconcile_max_wait = vars.seconds("RECONCILE_MAX_WAIT_SECONDS", 3600)?;
    Ok(Solaris {
        mode,
        credentials,
        persons_per_minute,
        idnow_origins,
        reconcile_after_seconds,
        reconcile_max_wait,
    })
}
