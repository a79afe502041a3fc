//! How long data is kept that the bank may not keep for good.

use super::vars::{invalid, Vars};
use super::ConfigError;

/// How long each kind of data is kept, in days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub unsubmitted_days: u32,
    pub not_resident_days: u32,
    pub webhook_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            unsubmitted_days: 90,
            not_resident_days: 30,
            webhook_days: 30,
        }
    }
}

pub(super) fn read(vars: &Vars) -> Result<Policy, ConfigError> {
    // RETENTION_*_DAYS: personal data of applications that never reached Solaris (90), of
    // those of residents outside Germany (30), and webhook deliveries (30).
    let days = |name: &str, default: u32| match vars.number::<u32>(name, default)? {
        0 => Err(invalid(name, "must be at least one day")),
        n => Ok(n),
    };
    let defaults = Policy::default();
    Ok(Policy {
        unsubmitted_days: days("RETENTION_UNSUBMITTED_DAYS", defaults.unsubmitted_days)?,
        not_resident_days: days("RETENTION_NOT_RESIDENT_DAYS", defaults.not_resident_days)?,
        webhook_days: days("RETENTION_WEBHOOK_DAYS", defaults.webhook_days)?,
    })
}
