//! Dates and times as the page's language writes them, in the customer's zone (Europe/Berlin),
//! with UTC beside a time where the legal record needs it.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};

use super::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// `1 January 1990` / `1. Januar 1990`.
pub(crate) fn long_date(lang: Lang, day: NaiveDate) -> String {
    let m = day.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", day.day(), MONTHS_EN[m], day.year()),
        Lang::De => format!("{}. {} {}", day.day(), MONTHS_DE[m], day.year()),
    }
}

/// A stored `YYYY-MM-DD` as [`long_date`]; anything else as it is.
pub(crate) fn long_date_text(lang: Lang, text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| long_date(lang, d))
        .unwrap_or_else(|_| text.to_string())
}

/// The last Sunday of `month` in `year`, at 01:00 UTC (when Central European summer time
/// starts and ends).
fn last_sunday_1am_utc(year: i32, month: u32) -> DateTime<Utc> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("a valid month");
    let mut day = first_of_next - Duration::days(1);
    while day.weekday() != Weekday::Sun {
        day -= Duration::days(1);
    }
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).expect("a valid time"))
}

/// Europe/Berlin's offset at `at`: +02:00 in summer time, +01:00 otherwise (the EU rule since
/// 1996).
pub(crate) fn berlin_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    let summer = at >= last_sunday_1am_utc(year, 3) && at < last_sunday_1am_utc(year, 10);
    FixedOffset::east_opt(if summer { 2 * 3600 } else { 3600 }).expect("a valid offset")
}

/// A moment in Berlin time as the page's language writes it, with the UTC second the legal
/// record holds: `28 November 2026, 11:00:05 (UTC 10:00:05)`.
pub fn moment(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&berlin_offset(at));
    let zone = if local.offset().local_minus_utc() == 7200 {
        "MESZ / CEST"
    } else {
        "MEZ / CET"
    };
    let date = long_date(lang, local.date_naive());
    let utc = at.format("%Y-%m-%d %H:%M:%S");
    match lang {
        Lang::En => format!("{date}, {} {zone} ({utc} UTC)", local.format("%H:%M:%S")),
        Lang::De => format!(
            "{date}, {} Uhr {zone} ({utc} UTC)",
            local.format("%H:%M:%S")
        ),
    }
}

/// A stored RFC 3339 moment as [`moment`]; anything else as it is.
pub(crate) fn moment_text(lang: Lang, text: &str) -> String {
    DateTime::parse_from_rfc3339(text)
        .map(|t| moment(lang, t.with_timezone(&Utc)))
        .unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_time_follows_summer_time_and_the_page_language() {
        let winter = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 5).unwrap();
        assert_eq!(
            moment(Lang::De, winter),
            "28. November 2026, 11:00:05 Uhr MEZ / CET (2026-11-28 10:00:05 UTC)"
        );
        assert_eq!(
            moment(Lang::En, winter),
            "28 November 2026, 11:00:05 MEZ / CET (2026-11-28 10:00:05 UTC)"
        );
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(berlin_offset(summer).local_minus_utc(), 7200);
        assert_eq!(
            berlin_offset(summer - Duration::seconds(1)).local_minus_utc(),
            3600
        );
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(
            berlin_offset(autumn - Duration::seconds(1)).local_minus_utc(),
            7200
        );
        assert_eq!(berlin_offset(autumn).local_minus_utc(), 3600);
        assert_eq!(long_date_text(Lang::De, "1990-01-01"), "1. Januar 1990");
        assert_eq!(long_date_text(Lang::En, "1990-03-01"), "1 March 1990");
    }
}
