//! The sandbox's chance: every random decision of a fault (a route that fails at a rate, a
//! webhook dropped, duplicated, forged or delayed, a retry's jitter) draws from one generator
//! seeded by `SANDBOX_SEED`, so that a chaos run can be replayed with the seed it logged.
//! Ids and secrets stay random: they must differ between runs and instances.

use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::SeedableRng;

#[derive(Clone, Debug)]
pub struct Chance {
    seed: u64,
    rng: Arc<Mutex<StdRng>>,
}

impl Chance {
    /// Seeded with `seed`, or with a random seed (which [`Chance::seed`] tells) when none.
    pub fn new(seed: Option<u64>) -> Chance {
        let seed = seed.unwrap_or_else(rand::random);
        Chance {
            seed,
            rng: Arc::new(Mutex::new(StdRng::seed_from_u64(seed))),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Draws with the generator held.
    pub fn draw<T>(&self, f: impl FnOnce(&mut StdRng) -> T) -> T {
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut rng)
    }
}

impl Default for Chance {
    fn default() -> Self {
        Chance::new(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn one_seed_draws_the_same_decisions_again() {
        let draws = |chance: &Chance| -> Vec<bool> {
            (0..32).map(|_| chance.draw(|r| r.gen_bool(0.5))).collect()
        };
        assert_eq!(draws(&Chance::new(Some(7))), draws(&Chance::new(Some(7))));
        assert_ne!(draws(&Chance::new(Some(7))), draws(&Chance::new(Some(8))));
    }
}
