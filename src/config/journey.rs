//! The customer's journey: who may sign up, the bank's other way to identify, and how often
//! one client may start applications and post forms.

use url::Url;

use super::vars::{invalid, Vars};
use super::ConfigError;

/// Per-client rates, and whom to believe about the client's address.
#[derive(Clone, Debug)]
pub struct RateSettings {
    /// Applications one client may start per hour.
    pub starts_per_hour: u32,
    /// Journey forms one client may post per minute.
    pub posts_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` names the client (addresses or ranges).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The journey section.
pub(super) struct Journey {
    pub minimum_age: u32,
    pub alternative_kyc_url: Option<Url>,
    pub rates: RateSettings,
}

pub(super) fn read(vars: &Vars) -> Result<Journey, ConfigError> {
    // MINIMUM_AGE: the youngest age allowed to sign up, default 18.
    let minimum_age: u32 = vars.number("MINIMUM_AGE", 18)?;
    if !(14..=120).contains(&minimum_age) {
        return Err(invalid("MINIMUM_AGE", "must be between 14 and 120"));
    }
    // ALTERNATIVE_KYC_URL: the bank's other identification route (another provider, a
    // branch), offered to a customer with no document the video identification accepts;
    // https (http on loopback).
    let alternative_kyc_url = vars.https_url("ALTERNATIVE_KYC_URL")?;
    // START_LIMIT_PER_HOUR (20), POST_LIMIT_PER_MINUTE (60): per client address.
    // TRUSTED_PROXIES: addresses or ranges (space- or comma-separated) whose
    // X-Forwarded-For names the client; without them the connection's address counts.
    let trusted_proxies = vars
        .list("TRUSTED_PROXIES")
        .iter()
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|e| invalid("TRUSTED_PROXIES", format!("{p:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rates = RateSettings {
        starts_per_hour: vars.positive("START_LIMIT_PER_HOUR", 20)?,
        posts_per_minute: vars.positive("POST_LIMIT_PER_MINUTE", 60)?,
        trusted_proxies,
    };
    Ok(Journey {
        minimum_age,
        alternative_kyc_url,
        rates,
    })
}
