//! The IDnow test scenarios of the guide and the timeline each one plays.
//!
//! `X-AUTOTEST-<CASE>` or `X-MANUALTEST-<CASE>` in the first or last name picks a case. The
//! call and review delays are the guide's (1–2 minutes of review, 24 hours for LONGREVIEW),
//! multiplied by `SANDBOX_TIME_SCALE`; expiry after 14 days is never scaled.

use serde::{Deserialize, Serialize};

/// Who plays the customer's part in the IDnow session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// `X-AUTOTEST`: nobody interacts; the session runs once `request` is called.
    Auto,
    /// `X-MANUALTEST`: the customer goes through the IDnow page; the agent is a robot.
    Manual,
    /// No prefix: the tester goes through the page and picks the outcome at the end.
    Choice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Case {
    Happypath,
    Changeall,
    Changeallreview,
    Abortident,
    Fraudok,
    Canceled,
    Fraudident,
    Longreview,
    Holdcertificate,
    /// A word after the prefix that is no test case of the guide (IDnow has more, such as
    /// `FRAUDREVIEW`): the identification fails instead of waiting for a tester.
    Unknown,
}

impl Case {
    fn parse(name: &str) -> Option<Case> {
        Some(match name {
            "HAPPYPATH" => Case::Happypath,
            "CHANGEALL" => Case::Changeall,
            "CHANGEALLREVIEW" => Case::Changeallreview,
            "ABORTIDENT" => Case::Abortident,
            "FRAUDOK" => Case::Fraudok,
            // IDnow's own documents spell it CANCELLED.
            "CANCELED" | "CANCELLED" => Case::Canceled,
            "FRAUDIDENT" => Case::Fraudident,
            "LONGREVIEW" => Case::Longreview,
            "HOLDCERTIFICATE" => Case::Holdcertificate,
            "" => return None,
            _ => Case::Unknown,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Case::Happypath => "HAPPYPATH",
            Case::Changeall => "CHANGEALL",
            Case::Changeallreview => "CHANGEALLREVIEW",
            Case::Abortident => "ABORTIDENT",
            Case::Fraudok => "FRAUDOK",
            Case::Canceled => "CANCELED",
            Case::Fraudident => "FRAUDIDENT",
            Case::Longreview => "LONGREVIEW",
            Case::Holdcertificate => "HOLDCERTIFICATE",
            Case::Unknown => "UNKNOWN",
        }
    }
}

/// The scenario of one identification, as stored in `sandbox_identification.scenario`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub driver: Driver,
    pub case: Option<Case>,
}

impl Scenario {
    /// Finds `X-AUTOTEST-<CASE>` / `X-MANUALTEST-<CASE>` in the names; an unknown case or no
    /// prefix leaves the outcome to the tester.
    pub(crate) fn from_names(first_name: &str, last_name: &str) -> Scenario {
        for name in [first_name, last_name] {
            for (prefix, driver) in [
                ("X-AUTOTEST-", Driver::Auto),
                ("X-MANUALTEST-", Driver::Manual),
            ] {
                if let Some(pos) = name.find(prefix) {
                    let rest = &name[pos + prefix.len()..];
                    let word: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase())
                        .collect();
                    if let Some(case) = Case::parse(&word) {
                        return Scenario {
                            driver,
                            case: Some(case),
                        };
                    }
                }
            }
        }
        Scenario {
            driver: Driver::Choice,
            case: None,
        }
    }

    pub fn encode(self) -> String {
        match (self.driver, self.case) {
            (Driver::Auto, Some(c)) => format!("AUTOTEST-{}", c.name()),
            (Driver::Manual, Some(c)) => format!("MANUALTEST-{}", c.name()),
            _ => String::new(),
        }
    }

    pub fn decode(s: &str) -> Scenario {
        Scenario::from_names(&format!("X-{s}"), "")
    }
}

/// What the agent and the review decide for one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Review confirms; `change` is when the agent corrects the person's data.
    Success {
        change: Option<ChangeAt>,
        long_review: bool,
        later_cancel: bool,
    },
    /// The agent aborts during the call.
    Abort { reason: String },
    /// The agent suspects fraud (`canceled`), the review finds the ident legit.
    FraudOk,
    /// The agent suspects fraud (`pending_failed`), the review confirms it (`failed`).
    Fraud,
    /// The review cancels the ident (`canceled`); the customer may retry.
    CancelInReview { reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAt {
    Call,
    Review,
}

impl Outcome {
    /// The outcome of a scenario's case. A retry after an abort or cancel goes well, so the
    /// guide's "retry with the same URL" can be shown end to end.
    pub(crate) fn of_case(case: Case, retry: bool) -> Outcome {
        let success = Outcome::Success {
            change: None,
            long_review: false,
            later_cancel: false,
        };
        if retry && case != Case::Unknown {
            return success;
        }
        match case {
            Case::Happypath | Case::Holdcertificate => success,
            Case::Changeall => Outcome::Success {
                change: Some(ChangeAt::Call),
                long_review: false,
                later_cancel: false,
            },
            Case::Changeallreview => Outcome::Success {
                change: Some(ChangeAt::Review),
                long_review: false,
                later_cancel: false,
            },
            Case::Longreview => Outcome::Success {
                change: None,
                long_review: true,
                later_cancel: false,
            },
            Case::Canceled => Outcome::Success {
                change: None,
                long_review: false,
                later_cancel: true,
            },
            Case::Abortident => Outcome::Abort {
                reason: "TECH_VIDEO".into(),
            },
            Case::Fraudok => Outcome::FraudOk,
            Case::Fraudident => Outcome::Fraud,
            // The robot agent knows no such case: aborted with a reason no retry can solve,
            // on every attempt.
            Case::Unknown => Outcome::Abort {
                reason: "OTHER_MISCELLANEOUS_PERMANENT".into(),
            },
        }
    }
}

/// Durations of the timeline, in sandbox milliseconds after scaling.
pub(crate) struct Timing {
    pub scale: f64,
}

impl Timing {
    fn scaled(&self, seconds: f64) -> i64 {
        (seconds * 1000.0 * self.scale).round().max(1.0) as i64
    }
    /// An automated call, from `request` to its end.
    pub fn call(&self) -> i64 {
        self.scaled(60.0)
    }
    /// The review after a call (the guide: about 1–2 minutes in the sandbox).
    pub fn review(&self, long: bool) -> i64 {
        self.scaled(if long { 24.0 * 3600.0 } else { 90.0 })
    }
    /// The link's validity: 14 days, never scaled.
    pub fn expiry() -> i64 {
        14 * 24 * 3600 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_may_stand_in_either_name() {
        let s = Scenario::from_names("Erika", "X-AUTOTEST-FRAUDIDENT");
        assert_eq!(
            s,
            Scenario {
                driver: Driver::Auto,
                case: Some(Case::Fraudident)
            }
        );
        assert_eq!(Scenario::decode(&s.encode()), s);
        let m = Scenario::from_names("X-MANUALTEST-HAPPYPATH", "Mustermann");
        assert_eq!(m.driver, Driver::Manual);
        assert_eq!(
            Scenario::from_names("Erika", "Mustermann").driver,
            Driver::Choice
        );
    }
}
