//! One source of variables (the process environment, or a map in tests) and the checks the
//! sections share. A value that does not parse is an error naming its variable.

use url::Url;

use super::ConfigError;

/// The variables, read through one function.
pub(super) struct Vars<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Vars<'a> {
    pub(super) fn new(get: &'a dyn Fn(&str) -> Option<String>) -> Vars<'a> {
        Vars { get }
    }

    /// A variable's value; an empty value counts as unset.
    pub(super) fn get(&self, name: &str) -> Option<String> {
        (self.get)(name).filter(|v| !v.trim().is_empty())
    }

    /// An http(s) URL, if set.
    pub(super) fn url(&self, name: &str) -> Result<Option<Url>, ConfigError> {
        self.get(name).map(|v| parse_url(name, &v)).transpose()
    }

    /// A URL that must be https unless it points at loopback, if set.
    pub(super) fn https_url(&self, name: &str) -> Result<Option<Url>, ConfigError> {
        match self.url(name)? {
            Some(url) if url.scheme() != "https" && !is_loopback(&url) => {
                Err(invalid(name, "must use https"))
            }
            url => Ok(url),
        }
    }

    /// A number of the given type, or its default.
    pub(super) fn number<T>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr,
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            Some(v) => v.parse().map_err(|e| invalid(name, e)),
            None => Ok(default),
        }
    }

    /// A count that must be positive, or its default.
    pub(super) fn positive(&self, name: &str, default: u32) -> Result<u32, ConfigError> {
        match self.number(name, default)? {
            0 => Err(invalid(name, "must be positive")),
            n => Ok(n),
        }
    }

    /// A number of seconds that must be positive, or its default.
    pub(super) fn seconds(
        &self,
        name: &str,
        default: u64,
    ) -> Result<std::time::Duration, ConfigError> {
        match self.number(name, default)? {
            0 => Err(invalid(name, "must be positive")),
            n => Ok(std::time::Duration::from_secs(n)),
        }
    }

    /// A list of values separated by commas or white space.
    pub(super) fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// `NAME is invalid: why`.
pub(super) fn invalid(name: &str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{name} is invalid: {why}"))
}

pub(super) fn parse_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|e| invalid(name, e))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(name, "the scheme must be http or https"));
    }
    Ok(url)
}

/// True for `localhost` and loopback addresses, where plain http is acceptable.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
