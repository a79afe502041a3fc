//! Solaris-style ids: 32 hex characters and a type suffix (`cper`, `cidt`, ...).

use rand::Rng;

fn hex32() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    hex::encode(bytes)
}

pub fn person_id() -> String {
    format!("{}cper", hex32())
}
pub fn identification_id() -> String {
    format!("{}cidt", hex32())
}
pub(crate) fn document_id() -> String {
    format!("{}cdoc", hex32())
}
pub(crate) fn attempt_id() -> String {
    format!("{}cida", hex32())
}
pub(crate) fn mobile_number_id() -> String {
    format!("{}cmno", hex32())
}
pub(crate) fn error_id() -> String {
    format!("{}ex", hex32())
}
/// Webhook subscription ids and secrets are plain 32 hex characters.
pub fn plain() -> String {
    hex32()
}

/// An IDnow Ident-ID of the test environment, like `TST-KCCEY`.
pub(crate) fn idnow_reference() -> String {
    let mut rng = rand::thread_rng();
    let letters: String = (0..5)
        .map(|_| char::from(b'A' + rng.gen_range(0..26)))
        .collect();
    format!("TST-{letters}")
}
