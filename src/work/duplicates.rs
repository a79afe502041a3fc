//! Before a creation is sent again after an ambiguous failure: the search for what the earlier
//! attempt may have created at Solaris, newest first and bounded.

use super::worker::{Failure, Worker};
use crate::domain::values::PersonName;
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
                // Solaris answers the `N/A` of a person without a last name as empty.
                && (p.last_name.as_deref() == Some(wanted.last_name.as_str())
                    || (wanted.last_name == PersonName::NONE
                        && p.last_name.as_deref().unwrap_or_default().is_empty()))
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
        let created = |p: &Person| {
            p.created_at
                .as_deref()
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.timestamp_millis())
        };
        // The documentation does not say in which order Solaris lists: the first page says it
        // (by the creation times it carries), and the search reads from the newest end.
        let first = self.client.list_persons(1, PERSON_PAGE).await?;
        if let Some(p) = first.items.iter().find(|p| same(p)) {
            return Ok(Search::Found(p.id.clone()));
        }
        let total = first.total;
        let single =
            (first.items.len() as u64) < PERSON_PAGE || total.is_some_and(|t| t <= PERSON_PAGE);
        if single {
            return Ok(Search::Absent);
        }
        // The order shows where two creation times on the first page differ.
        let times: Vec<i64> = first.items.iter().filter_map(created).collect();
        let order = times.windows(2).find(|w| w[0] != w[1]).map(|w| w[0] > w[1]);
        // Newest first, a first page that reaches past our attempt holds every candidate.
        if order == Some(true) && first.items.iter().any(older) {
            return Ok(Search::Absent);
        }
        let last = total.map(|t| t.div_ceil(PERSON_PAGE).max(1));
        let pages = pages_to_read(order, last);
        for (read, &number) in pages.iter().enumerate() {
            if read as u64 >= PERSON_SEARCH_PAGES {
                return Ok(Search::Capped);
            }
            let page = self.client.list_persons(number, PERSON_PAGE).await?;
            let mut items: Vec<&Person> = page.items.iter().collect();
            if order == Some(false) {
                items.reverse();
            }
            for p in items {
                if same(p) {
                    return Ok(Search::Found(p.id.clone()));
                }
                // Walking from the newest end, past the persons created since our attempt:
                // the rest are older still.
                if order.is_some() && older(p) {
                    return Ok(Search::Absent);
                }
            }
            if last.is_none() && (page.items.len() as u64) < PERSON_PAGE {
                return Ok(Search::Absent);
            }
        }
        Ok(if pages.is_empty() && last.is_none() {
            // Oldest first without the documented count: the newest end cannot be found.
            Search::Capped
        } else {
            Search::Absent
        })
    }
}

/// The pages after the first to read, newest end first: `newest_first` as the first page showed
/// it (`None`: unknown, so both ends in turn, the last page first), `last` the last page as the
/// documented count gives it. Without the count, only a list that starts with the newest can be
/// walked.
fn pages_to_read(newest_first: Option<bool>, last: Option<u64>) -> Vec<u64> {
    let cap = PERSON_SEARCH_PAGES + 1;
    match (newest_first, last) {
        (Some(true), Some(last)) | (None, Some(last)) if last <= 1 => vec![],
        (Some(true), Some(last)) => (2..=last).take(cap as usize).collect(),
        (Some(true), None) | (None, None) => (2..=1 + cap).collect(),
        (Some(false), Some(last)) => (2..=last).rev().take(cap as usize).collect(),
        (Some(false), None) => vec![],
        (None, Some(last)) => {
            // The last page first: the sandbox, like the documented lists, is oldest first.
            let (mut low, mut high) = (2, last);
            let mut pages = Vec::new();
            while low <= high && (pages.len() as u64) < cap {
                pages.push(high);
                if high > low {
                    pages.push(low);
                }
                low += 1;
                high -= 1;
            }
            pages
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pages_to_read;

    #[test]
    fn the_search_reads_from_the_newest_end_or_from_both() {
        assert_eq!(pages_to_read(Some(true), Some(9)), [2, 3, 4, 5, 6, 7]);
        assert_eq!(pages_to_read(Some(false), Some(9)), [9, 8, 7, 6, 5, 4]);
        assert_eq!(pages_to_read(None, Some(9)), [9, 2, 8, 3, 7, 4]);
        assert_eq!(pages_to_read(None, Some(4)), [4, 2, 3]);
        assert_eq!(pages_to_read(Some(true), Some(1)), Vec::<u64>::new());
        assert_eq!(pages_to_read(Some(false), None), Vec::<u64>::new());
    }
}
