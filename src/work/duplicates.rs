//! Before a creation is sent again after an ambiguous failure: the search for what the earlier
//! attempt may have created at Solaris, newest first and bounded.

use super::worker::{Failure, Worker};
use crate::domain::{NewPerson, Person};

/// The search for an earlier copy of a person reads pages of this many persons…
pub(super) const PERSON_PAGE: u64 = 100;

/// …at most this many of them, newest first (plus one to learn the count).
pub const PERSON_SEARCH_PAGES: u64 = 5;

/// Persons created this long before our first attempt began still count as candidates.
pub(super) const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// What the search for an earlier copy of a person found.
pub(super) enum Search {
    Found(String),
    /// Not among the persons created since the first attempt.
    Absent,
    /// Not among the newest persons read; older ones were not read.
    Capped,
}

impl Worker {
    /// Looks for a person Solaris holds with exactly the submitted identity and consent
    /// timestamps, among the persons created since `since` (ms, the first attempt), newest
    /// first, reading at most [`PERSON_SEARCH_PAGES`] pages after the one that gives the count.
    pub(super) async fn find_person(
        &self,
        wanted: &NewPerson,
        since: i64,
    ) -> Result<Search, Failure> {
        let same = |p: &Person| {
            p.first_name.as_deref() == Some(wanted.first_name.as_str())
                && p.last_name.as_deref() == Some(wanted.last_name.as_str())
                && p.birth_date == wanted.birth_date
                && p.birth_city == wanted.birth_city
                && p.email == wanted.email
                && p.terms_conditions_signed_at.as_deref()
                    == Some(wanted.terms_conditions_signed_at.as_str())
                && p.data_terms_signed_at.as_deref() == Some(wanted.data_terms_signed_at.as_str())
        };
        // Clocks of Solaris and ours may differ a little.
        let oldest = since - CLOCK_SKEW_MS;
        let older = |p: &Person| {
            p.created_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .is_some_and(|t| t.timestamp_millis() < oldest)
        };
        // The list is in creation order: the newest persons are on the last page.
        let first = self.client.list_persons(1, PERSON_PAGE).await?;
        let total = match first.total {
            Some(total) => total,
            None if (first.items.len() as u64) < PERSON_PAGE => first.items.len() as u64,
            // A full first page without the documented count: the newest persons cannot be
            // found, only the oldest ones were read.
            None => {
                return Ok(match first.items.iter().rev().find(|p| same(p)) {
                    Some(p) => Search::Found(p.id.clone()),
                    None => Search::Capped,
                })
            }
        };
        let mut number = total.div_ceil(PERSON_PAGE).max(1);
        let mut page = if number == 1 {
            first
        } else {
            self.client.list_persons(number, PERSON_PAGE).await?
        };
        let mut read = 1;
        loop {
            for p in page.items.iter().rev() {
                if same(p) {
                    return Ok(Search::Found(p.id.clone()));
                }
                if older(p) {
                    return Ok(Search::Absent);
                }
            }
            if number <= 1 {
                return Ok(Search::Absent);
            }
            if read >= PERSON_SEARCH_PAGES {
                return Ok(Search::Capped);
            }
            number -= 1;
            page = self.client.list_persons(number, PERSON_PAGE).await?;
            read += 1;
        }
    }
}
