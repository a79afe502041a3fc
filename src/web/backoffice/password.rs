//! The staff accounts' secrets: Argon2id password hashes (with a decoy for unknown
//! addresses, so every sign-in takes as long) and TOTP codes, each counted once.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::random_token;

/// The shortest password accepted.
pub(super) const MIN_PASSWORD_CHARS: usize = 12;

/// Different characters a password needs at least (`aaaaaaaaaaaa` has one).
const MIN_DISTINCT_CHARS: usize = 5;

/// Words that whole passwords are commonly made of, in English and German: a password that is
/// one of them (in any case) with digits and symbols around it is guessed first.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwort",
    "passwd",
    "kennwort",
    "qwerty",
    "qwertz",
    "asdfgh",
    "yxcvbn",
    "zxcvbn",
    "letmein",
    "welcome",
    "willkommen",
    "iloveyou",
    "ichliebedich",
    "admin",
    "administrator",
    "login",
    "master",
    "secret",
    "geheim",
    "hallo",
    "hello",
    "monkey",
    "dragon",
    "football",
    "fussball",
    "baseball",
    "sunshine",
    "princess",
    "shadow",
    "superman",
    "batman",
    "trustno",
    "sommer",
    "winter",
    "summer",
    "fruehling",
    "herbst",
    "schatz",
    "freedom",
    "changeme",
    "default",
    "bank",
    "banking",
    "solaris",
    "onboarding",
    "backoffice",
    "compliance",
    "test",
    "tester",
    "abc",
    "abcdef",
    "abcdefgh",
];

/// Why a new password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Weakness {
    /// Shorter than [`MIN_PASSWORD_CHARS`].
    Short,
    /// Easy to guess: a common word with digits, few different characters, or the account's
    /// own address.
    Guessable,
}

impl Weakness {
    pub(super) fn text(self, t: &crate::i18n::staff::StaffTexts) -> &'static str {
        match self {
            Weakness::Short => t.password_short,
            Weakness::Guessable => t.password_guessable,
        }
    }
}

/// What is wrong with `password` as the new password of the account `email`, if anything.
pub(super) fn weakness(password: &str, email: &str) -> Option<Weakness> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(Weakness::Short);
    }
    let lower = password.to_lowercase();
    let mut distinct: Vec<char> = lower.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    let guessable = distinct.len() < MIN_DISTINCT_CHARS
        || letters.is_empty()
        || COMMON_WORDS.contains(&letters.as_str())
        || (local.len() >= 4 && lower.contains(&local))
        || lower.contains(&email.to_lowercase());
    guessable.then_some(Weakness::Guessable)
}

/// TOTP: six digits, a new code every 30 seconds, one step of clock drift either way.
pub(super) const TOTP_STEP: u64 = 30;

pub(super) fn totp(secret_b32: &str) -> Option<totp_rs::TOTP> {
    let raw = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, TOTP_STEP, raw).ok()
}

/// The time step whose code `code` is, within one step of now; `None` when it is none of them.
pub(super) fn totp_step(secret_b32: &str, code: &str, now: u64) -> Option<i64> {
    use subtle::ConstantTimeEq;
    let totp = totp(secret_b32)?;
    let code = code.trim().replace(' ', "");
    let current = now / TOTP_STEP;
    (current.saturating_sub(1)..=current + 1).find_map(|step| {
        let expected = totp.generate(step * TOTP_STEP);
        bool::from(expected.as_bytes().ct_eq(code.as_bytes())).then_some(step as i64)
    })
}

/// The wall clock's seconds, not the app's clock: a code is checked against the time on the
/// staff member's authenticator, which a test's or the sandbox's moved clock does not move.
pub(super) fn unix_now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// The Argon2id hash of a password (with its salt and parameters, PHC string format).
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub(super) fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches, checked for an unknown address so that a sign-in takes as
/// long whether or not the account exists.
pub(super) fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

/// Argon2 takes tens of milliseconds of CPU on purpose: off the async threads.
pub(super) async fn check_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password_matches(&password, &stored),
        None => {
            password_matches(&password, decoy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A new TOTP secret: 20 random bytes (160 bits, as RFC 4226 recommends), base32.
pub(super) fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    match totp_rs::Secret::Raw(bytes).to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub(super) fn otpauth_uri(issuer: &str, email: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={TOTP_STEP}",
        enc(issuer),
        enc(email),
        enc(issuer)
    )
    .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_new_password_is_long_and_not_guessable() {
        use super::{weakness, Weakness};
        let email = "reviewer@bank.example";
        assert_eq!(weakness("short1!", email), Some(Weakness::Short));
        for guessable in [
            "aaaaaaaaaaaa",
            "123456789012",
            "Password1234!",
            "passwort2026",
            "Qwertz123456",
            "reviewer2026!",
            "abababababab",
        ] {
            assert_eq!(
                weakness(guessable, email),
                Some(Weakness::Guessable),
                "{guessable}"
            );
        }
        assert_eq!(weakness("correct horse battery staple", email), None);
        assert_eq!(weakness("Tr0mbone-Kaffee-Lampe", email), None);
    }

    use super::*;

    /// The code an authenticator app shows for `secret_b32` (base32) at `unix` seconds.
    fn totp_code(secret_b32: &str, unix: u64) -> Option<String> {
        totp(secret_b32).map(|t| t.generate(unix))
    }

    #[test]
    fn a_code_counts_for_its_step_and_the_ones_beside_it_only() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let now = 1_795_852_800;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(totp_step(&secret, &code, now), Some((now / 30) as i64));
        assert_eq!(totp_step(&secret, &code, now + 30), Some((now / 30) as i64));
        assert_eq!(totp_step(&secret, &code, now + 90), None);
        assert_eq!(totp_step(&secret, "000000x", now), None);
    }

    #[test]
    fn the_rfc_6238_test_vector_gives_its_code() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (its last six digits).
        let secret = match totp_rs::Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            totp_rs::Secret::Encoded(s) => s,
            totp_rs::Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(totp_code(&secret, 59).as_deref(), Some("287082"));
    }

    #[test]
    fn a_password_matches_its_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery", &hash));
        assert!(!password_matches("correct horse batterz", &hash));
    }
}
