//! Counters of Solaris calls per endpoint and outcome, for a metrics endpoint to expose.

use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

impl Metrics {
    pub fn count(&self, endpoint: &'static str, outcome: &'static str) {
        if let Ok(mut c) = self.counts.lock() {
            *c.entry((endpoint, outcome)).or_default() += 1;
        }
    }

    /// `(endpoint, outcome, count)`, sorted.
    pub fn snapshot(&self) -> Vec<(&'static str, &'static str, u64)> {
        self.counts
            .lock()
            .map(|c| c.iter().map(|((e, o), n)| (*e, *o, *n)).collect())
            .unwrap_or_default()
    }

    pub fn get(&self, endpoint: &str, outcome: &str) -> u64 {
        self.snapshot()
            .into_iter()
            .find(|(e, o, _)| *e == endpoint && *o == outcome)
            .map(|(_, _, n)| n)
            .unwrap_or(0)
    }
}
