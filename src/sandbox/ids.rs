//! Solaris-style ids: 32 hex characters and a type suffix (`cper`, `cidt`, ...).

use rand::Rng;

fn hex32() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    hex::encode(bytes)
}

/// 32 hex characters that sort in the order this process made them (a counter, after a prefix
/// of the process), with a random tail: rows the sandbox lists by time and then by id keep the
/// order they were made in when their times tie.
fn sequenced() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static PROCESS: OnceLock<u32> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let process = *PROCESS.get_or_init(|| rand::thread_rng().gen());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{process:08x}{:012x}{}",
        n & 0xffff_ffff_ffff,
        &hex32()[..12]
    )
}

pub fn person_id() -> String {
    format!("{}cper", sequenced())
}
pub fn identification_id() -> String {
    format!("{}cidt", sequenced())
}
pub(crate) fn document_id() -> String {
    format!("{}cdoc", sequenced())
}
pub(crate) fn attempt_id() -> String {
    format!("{}cida", sequenced())
}
pub(crate) fn mobile_number_id() -> String {
    format!("{}cmno", sequenced())
}
pub(crate) fn error_id() -> String {
    format!("{}ex", hex32())
}
/// Webhook subscription, delivery and scheduled-step ids are plain 32 hex characters, in the
/// order they were made.
pub fn plain() -> String {
    sequenced()
}

/// A secret: 32 random hex characters.
pub fn secret() -> String {
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

/// An id that sorts in the order this process made it: the time, then a counter, then a random
/// tail against other instances. The development mailbox and the event box list newest first
/// by it when their times tie (a manual clock that stands still gives one time to all).
pub(crate) fn ordered(now_ms: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:012x}{:010x}{}",
        now_ms.max(0),
        n & 0xff_ffff_ffff,
        &hex32()[..10]
    )
}
