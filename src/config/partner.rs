//! Events for the bank's systems and the read API: where the events go, the key they are
//! signed with, and the keys the read API accepts.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha2::Sha256;
use url::Url;

use super::vars::{invalid, Vars};
use super::ConfigError;

/// The events' settings.
#[derive(Clone, Debug)]
pub struct EventSettings {
    /// `PARTNER_EVENTS_URL`: where the bank's systems take the events (none: the sandbox's
    /// event box with the embedded sandbox, nowhere with real Solaris).
    pub url: Option<Url>,
    /// `PARTNER_EVENTS_SECRET`, parsed: the key the events are signed with.
    pub key: Option<SigningKey>,
}

/// A signing key in the Standard Webhooks form: `whsec_` and the key in base64.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

/// The key the sandbox's event box signs with when no URL is configured (documented in the
/// docs/partner-integration.md, so partners can try their verification against it).
pub const SANDBOX_EVENTS_SECRET: &str = "whsec_bG9vcGJhY2stZGVtby1wYXJ0bmVyLWV2ZW50cy1rZXk=";

impl SigningKey {
    /// `whsec_<base64>`, with a key of 24 to 64 bytes.
    pub fn parse(secret: &str) -> Result<SigningKey, String> {
        let encoded = secret
            .strip_prefix("whsec_")
            .ok_or("must start with whsec_")?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|e| format!("the part after whsec_ is not base64: {e}"))?;
        if !(24..=64).contains(&key.len()) {
            return Err(format!("the key must be 24 to 64 bytes, not {}", key.len()));
        }
        Ok(SigningKey(key))
    }

    /// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The partner section.
pub(super) struct Partner {
    pub events: EventSettings,
    pub api_keys: Vec<SecretString>,
}

pub(super) fn read(vars: &Vars) -> Result<Partner, ConfigError> {
    // PARTNER_EVENTS_URL / PARTNER_EVENTS_SECRET: where the bank's systems take events
    // (https unless loopback), and the Standard Webhooks key they are signed with.
    let url = vars.https_url("PARTNER_EVENTS_URL")?;
    let key = vars
        .get("PARTNER_EVENTS_SECRET")
        .map(|secret| SigningKey::parse(&secret).map_err(|e| invalid("PARTNER_EVENTS_SECRET", e)))
        .transpose()?;
    if url.is_some() && key.is_none() {
        return Err(invalid(
            "PARTNER_EVENTS_SECRET",
            "is needed with PARTNER_EVENTS_URL",
        ));
    }
    // PARTNER_API_KEYS: the read API's keys (space- or comma-separated, 32 characters or more).
    let api_keys = vars
        .list("PARTNER_API_KEYS")
        .into_iter()
        .map(|k| {
            if k.chars().count() < 32 {
                Err(invalid(
                    "PARTNER_API_KEYS",
                    "each key must be at least 32 characters",
                ))
            } else {
                Ok(SecretString::from(k))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Partner {
        events: EventSettings { url, key },
        api_keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(SigningKey::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(SigningKey::parse("whsec_c2hvcnQ=").is_err(), "too short");
        assert!(SigningKey::parse(SANDBOX_EVENTS_SECRET).is_ok());
    }
}
