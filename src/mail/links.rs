//! Links into an application, carried in mails and QR codes: 32 random bytes and an HMAC over
//! them and the link's purpose (keyed by `LINK_SECRET`), in base64url. A forged or altered link
//! fails the signature before any lookup; a genuine one is found by its SHA-256, the only form
//! the database keeps; changing `LINK_SECRET` retires every link at once. Links never appear in
//! logs: request spans carry the route with the token cut off.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::db::mail::Purpose;

/// The random part of a link, in bytes.
const NONCE: usize = 32;
/// The signature's length kept in a link, in bytes.
const TAG: usize = 16;

/// Where the links of one deployment lead, and the key that signs them.
#[derive(Clone)]
pub struct Links {
    key: SecretString,
    /// `PUBLIC_URL` without a trailing slash.
    base: String,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links").field("base", &self.base).finish()
    }
}

/// A new link's token (for the URL) and its hash (for the database).
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    pub token: String,
    pub hash: String,
}

/// The path prefixes that carry a token, for the request log.
pub(crate) const RESUME_PREFIX: &str = "/resume/";
pub(crate) const OPT_OUT_PREFIX: &str = "/reminders/stop/";
/// Where a staff account's one-time setup link points (printed by `staff add`).
pub(crate) const SETUP_PREFIX: &str = "/backoffice/setup/";

impl Links {
    /// `PUBLIC_URL` without its trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn new(key: SecretString, public_url: &url::Url) -> Links {
        Links {
            key,
            base: public_url.as_str().trim_end_matches('/').to_string(),
        }
    }

    fn tag(&self, purpose: Purpose, nonce: &[u8]) -> [u8; TAG] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(purpose.as_str().as_bytes());
        mac.update(b":");
        mac.update(nonce);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; TAG];
        tag.copy_from_slice(&full[..TAG]);
        tag
    }

    /// A new link for `purpose`.
    pub(crate) fn issue(&self, purpose: Purpose) -> Issued {
        let mut raw = [0u8; NONCE + TAG];
        rand::thread_rng().fill_bytes(&mut raw[..NONCE]);
        let tag = self.tag(purpose, &raw[..NONCE]);
        raw[NONCE..].copy_from_slice(&tag);
        let token = URL_SAFE_NO_PAD.encode(raw);
        Issued {
            hash: hash(&token),
            token,
        }
    }

    /// The hash to look up, when `token` is signed by this deployment for one of `purposes`.
    pub fn verify(&self, token: &str, purposes: &[Purpose]) -> Option<String> {
        let raw = URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
        if raw.len() != NONCE + TAG {
            return None;
        }
        let (nonce, tag) = raw.split_at(NONCE);
        let signed = purposes.iter().any(|&p| {
            let expected = self.tag(p, nonce);
            subtle::ConstantTimeEq::ct_eq(&expected[..], tag).into()
        });
        signed.then(|| hash(token))
    }

    /// The link that resumes an application (after the date of birth).
    pub(crate) fn resume_url(&self, token: &str) -> String {
        format!("{}{RESUME_PREFIX}{token}", self.base)
    }

    /// The link that stops the reminders, without signing in.
    pub(crate) fn opt_out_url(&self, token: &str) -> String {
        format!("{}{OPT_OUT_PREFIX}{token}", self.base)
    }
}

/// The stored form of a token.
fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A path as the request log may carry it: a link's token is cut off.
pub(crate) fn without_token(path: &str) -> &str {
    for prefix in [RESUME_PREFIX, OPT_OUT_PREFIX, SETUP_PREFIX] {
        if path.starts_with(prefix) && path.len() > prefix.len() {
            return prefix;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(key: &str) -> Links {
        Links::new(
            key.to_string().into(),
            &"https://bank.example/".parse().unwrap(),
        )
    }

    #[test]
    fn a_link_is_accepted_only_as_signed_for_its_purpose_and_by_its_key() {
        let l = links("a-link-secret-of-at-least-32-characters");
        let issued = l.issue(Purpose::Resume);
        assert_eq!(
            l.verify(&issued.token, &[Purpose::Resume, Purpose::Device]),
            Some(issued.hash.clone())
        );
        assert_eq!(l.verify(&issued.token, &[Purpose::OptOut]), None);
        let other = links("another-link-secret-of-32-characters!!");
        assert_eq!(other.verify(&issued.token, &[Purpose::Resume]), None);
        // One changed character, a cut token, text that is not base64: refused.
        let mut altered = issued.token.clone().into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(l.verify(&altered, &[Purpose::Resume]), None);
        assert_eq!(l.verify(&issued.token[..40], &[Purpose::Resume]), None);
        assert_eq!(l.verify("not a token!", &[Purpose::Resume]), None);
        // Two links differ; the hash is not the token.
        assert_ne!(l.issue(Purpose::Resume).token, issued.token);
        assert!(!issued.hash.contains(&issued.token));
        assert_eq!(
            l.resume_url(&issued.token),
            format!("https://bank.example/resume/{}", issued.token)
        );
    }

    #[test]
    fn the_request_log_never_carries_a_token() {
        assert_eq!(without_token("/resume/abcdef"), "/resume/");
        assert_eq!(without_token("/reminders/stop/abcdef"), "/reminders/stop/");
        assert_eq!(without_token("/resume"), "/resume");
        assert_eq!(without_token("/terms"), "/terms");
    }
}
