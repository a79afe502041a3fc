//! The built-in Solaris + IDnow sandbox: its credentials, scenarios' pace, the fault rules in
//! force from the start (as data: the sandbox applies them), and whether it may serve beyond
//! loopback. A deployment that is not on loopback never serves it by accident.

use serde::{Deserialize, Serialize};
use url::Url;

use super::solaris::{Credentials, SolarisMode};
use super::vars::{invalid, parse_url, Vars};
use super::ConfigError;

/// Settings of the built-in Solaris + IDnow sandbox.
#[derive(Clone, Debug)]
pub struct SandboxSettings {
    pub credentials: Credentials,
    /// Where the IDnow page sends the browser after a session; `{transaction_number}` is
    /// replaced. `None`: the app's own return page.
    pub return_url: Option<String>,
    /// Review and call delays of the test scenarios are multiplied by this factor.
    pub time_scale: f64,
    pub token_ttl_seconds: i64,
    pub company_id: String,
    /// How clients reach a standalone sandbox; `None`: `http://` and its listen address.
    pub public_url: Option<Url>,
    /// Fault rules applied from the start (`SANDBOX_FAULTS`, the body of `PUT /_sandbox/faults`).
    pub faults: FaultConfig,
    /// `SANDBOX_SEED`: the seed of the faults' random decisions; `None`: a random one, logged.
    pub seed: Option<u64>,
    /// `SANDBOX=on`: the sandbox may serve beyond loopback. Its control endpoints then need the
    /// client credentials, and every customer page says that this is a test system.
    pub exposed: bool,
}

/// The sandbox's documented default secret: fine on loopback, refused anywhere else.
const DEFAULT_SANDBOX_SECRET: &str = "sandbox-secret";

/// When a dropped connection happens relative to the sandbox doing the work.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DropWhen {
    /// The request is never served.
    Before,
    /// The request is served (the person exists), then the answer is lost.
    After,
}

/// One rule for the Solaris routes. `path` is relative to the sandbox root (`/v1/persons/*`):
/// `*` matches one path segment and a final `**` matches the rest.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RouteFault {
    #[serde(default)]
    pub method: Option<String>,
    pub path: String,
    /// Added before the request is served.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer with this status (for instance 503 or 429) instead of serving the request.
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub drop: Option<DropWhen>,
    /// Share of matching requests the rule hits, from 0 to 1.
    #[serde(default = "one")]
    pub rate: f64,
    /// Hit at most this many requests, then the rule is spent.
    #[serde(default)]
    pub times: Option<u32>,
}

fn one() -> f64 {
    1.0
}

/// Misbehaviour of webhook deliveries; each rate is a share from 0 to 1.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookFaults {
    /// Each attempt is sent twice.
    #[serde(default)]
    pub duplicate_rate: f64,
    /// The notification is lost: never sent, never retried.
    #[serde(default)]
    pub drop_rate: f64,
    /// The attempt is signed with a wrong secret.
    #[serde(default)]
    pub bad_signature_rate: f64,
    /// Every notification waits this long (sandbox clock) before its first attempt.
    #[serde(default)]
    pub delay_ms: u64,
    /// Every notification waits a random time up to this long, so they arrive out of order.
    #[serde(default)]
    pub reorder_window_ms: u64,
    /// A new subscription is answered without its `secret`, as one implementation of the API
    /// did: its deliveries cannot be verified.
    #[serde(default)]
    pub omit_secret: bool,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultConfig {
    #[serde(default)]
    pub routes: Vec<RouteFault>,
    #[serde(default)]
    pub webhooks: WebhookFaults,
    /// `"newest_first"`: lists (`GET /v1/persons`) start with the newest entries, as another
    /// Solaris implementation may; default oldest first. The documentation does not say.
    #[serde(default)]
    pub list_order: ListOrder,
}

/// The order of the sandbox's lists.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ListOrder {
    #[default]
    OldestFirst,
    NewestFirst,
}

impl FaultConfig {
    pub fn parse(json: &str) -> Result<Self, String> {
        let config: FaultConfig = serde_json::from_str(json).map_err(|e| e.to_string())?;
        config.check()?;
        Ok(config)
    }

    pub fn check(&self) -> Result<(), String> {
        let rates = [
            self.webhooks.duplicate_rate,
            self.webhooks.drop_rate,
            self.webhooks.bad_signature_rate,
        ];
        if rates
            .iter()
            .chain(self.routes.iter().map(|r| &r.rate))
            .any(|r| !(0.0..=1.0).contains(r))
        {
            return Err("rates must be between 0 and 1".into());
        }
        for route in &self.routes {
            if !route.path.starts_with('/') {
                return Err(format!("path {:?} must start with /", route.path));
            }
            if let Some(status) = route.status {
                if !(400..=999).contains(&status) {
                    return Err(format!("status {status} is not an error status"));
                }
            }
        }
        Ok(())
    }
}

/// SANDBOX_CLIENT_ID / SANDBOX_CLIENT_SECRET: what the sandbox's token endpoint accepts.
pub(super) fn credentials(vars: &Vars) -> Credentials {
    Credentials {
        client_id: vars
            .get("SANDBOX_CLIENT_ID")
            .unwrap_or_else(|| "sandbox-client".into()),
        client_secret: vars
            .get("SANDBOX_CLIENT_SECRET")
            .unwrap_or_else(|| DEFAULT_SANDBOX_SECRET.into())
            .into(),
    }
}

/// The sandbox section; `solaris` and `reached_on_loopback` decide whether it may serve.
pub(super) fn read(
    vars: &Vars,
    credentials: Credentials,
    solaris: &SolarisMode,
    reached_on_loopback: bool,
) -> Result<SandboxSettings, ConfigError> {
    // SANDBOX_RETURN_URL: where the sandbox's IDnow page sends the browser back to.
    let return_url = vars.get("SANDBOX_RETURN_URL");
    if let Some(url) = &return_url {
        parse_url(
            "SANDBOX_RETURN_URL",
            &url.replace("{transaction_number}", "x"),
        )?;
    }
    // SANDBOX_TIME_SCALE: factor on scenario delays; 1 is real time, default 0.02.
    let time_scale: f64 = vars.number("SANDBOX_TIME_SCALE", 0.02)?;
    if !(time_scale.is_finite() && time_scale > 0.0) {
        return Err(invalid("SANDBOX_TIME_SCALE", "must be a positive number"));
    }
    // SANDBOX_TOKEN_TTL_SECONDS: lifetime of the sandbox's access tokens, default 3599.
    let token_ttl_seconds: i64 = vars.number("SANDBOX_TOKEN_TTL_SECONDS", 3599)?;
    if token_ttl_seconds <= 0 {
        return Err(invalid("SANDBOX_TOKEN_TTL_SECONDS", "must be positive"));
    }
    // SANDBOX_COMPANY_ID: the IDnow company id in the sandbox's identification URLs.
    let company_id = vars
        .get("SANDBOX_COMPANY_ID")
        .unwrap_or_else(|| "solarisbankvideoidentsandbox".into());
    if !company_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "SANDBOX_COMPANY_ID",
            "only letters, digits, - and _",
        ));
    }
    // SANDBOX_PUBLIC_URL: how clients reach the standalone sandbox (`sandbox` command).
    let public_url = vars.url("SANDBOX_PUBLIC_URL")?;
    // SANDBOX_FAULTS: fault rules in force from the start (JSON).
    let faults = match vars.get("SANDBOX_FAULTS") {
        Some(f) => FaultConfig::parse(&f).map_err(|e| invalid("SANDBOX_FAULTS", e))?,
        None => FaultConfig::default(),
    };
    // SANDBOX_SEED: the seed of the faults' random decisions (logged at start when unset).
    let seed = match vars.get("SANDBOX_SEED") {
        Some(s) => Some(
            s.trim()
                .parse::<u64>()
                .map_err(|_| invalid("SANDBOX_SEED", "must be a whole number"))?,
        ),
        None => None,
    };
    // SANDBOX: `on` lets the sandbox serve where it is not on loopback (a shared test
    // system); `off` never embeds it. Unset: embedded only when the app is reached on
    // loopback, so a deployment never exposes the sandbox by accident.
    let exposed = match vars.get("SANDBOX").as_deref() {
        None => false,
        Some("on") => true,
        Some("off") => {
            if matches!(solaris, SolarisMode::Embedded) {
                return Err(ConfigError(
                    "SANDBOX=off needs real Solaris: set SOLARIS_API_URL, SOLARIS_AUTH_URL, \
                     SOLARIS_CLIENT_ID and SOLARIS_CLIENT_SECRET"
                        .into(),
                ));
            }
            false
        }
        Some(other) => return Err(invalid("SANDBOX", format!("{other:?} is not on or off"))),
    };
    if exposed {
        let secret = vars.get("SANDBOX_CLIENT_SECRET").unwrap_or_default();
        if secret == DEFAULT_SANDBOX_SECRET || secret.chars().count() < 32 {
            return Err(invalid(
                "SANDBOX_CLIENT_SECRET",
                "with SANDBOX=on it must be set, not the default, and at least 32 characters \
                 (it guards the sandbox's token and control endpoints)",
            ));
        }
    }
    if matches!(solaris, SolarisMode::Embedded) && !exposed && !reached_on_loopback {
        return Err(ConfigError(
            "without Solaris configured the app would serve the sandbox beyond loopback \
             (PUBLIC_URL or LISTEN_ADDR is not a loopback address): configure real \
             Solaris (SOLARIS_API_URL, SOLARIS_AUTH_URL, SOLARIS_CLIENT_ID, \
             SOLARIS_CLIENT_SECRET), or set SANDBOX=on with a SANDBOX_CLIENT_SECRET of at \
             least 32 characters for a test system"
                .into(),
        ));
    }
    Ok(SandboxSettings {
        credentials,
        return_url,
        time_scale,
        token_ttl_seconds,
        company_id,
        public_url,
        faults,
        seed,
        exposed,
    })
}
