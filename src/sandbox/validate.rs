//! Field rules of the Solaris person and identification resources, as the sandbox enforces
//! them. The sandbox keeps its own copy of Solaris' enums on purpose: it stands for Solaris
//! and must not borrow the app's understanding of it.

use serde_json::{Map, Value};

pub(crate) const SALUTATIONS: &[&str] = &["MR", "MS", "Mr", "Ms"];
pub(crate) const TITLES: &[&str] = &[
    "DR",
    "MAGISTER",
    "PROF",
    "PROF_DR",
    "BOTSCH",
    "DIPL_PAD",
    "DIPL_BETRIEBSW",
    "DIPL_ING",
    "DIPL_KFFR",
    "DIPL_KFM",
    "DIPL_VOLKSW",
    "DR_DR",
    "DR_E_H",
    "DR_H_C",
    "DR_ING",
    "DR_ING_HAB",
    "MAG",
    "NOT",
    "PROF_DR_DR",
    "PROF_DR_H_C",
    "PROF_DR_ING",
    "PROF_ING",
    "RA_U_NOT",
    "RAE",
    "RA",
    "RA_DR",
];
pub(crate) const EMPLOYMENT_STATUSES: &[&str] = &[
    "EMPLOYED",
    "UNEMPLOYED",
    "PUBLIC_SECTOR_EMPLOYEE",
    "PROFESSIONAL_SOLDIER",
    "FREELANCER",
    "HOUSEWORK",
    "APPRENTICE",
    "MANAGEMENT",
    "RETIRED",
    "STUDENT",
    "SELF_EMPLOYED",
    "MILITARY_OR_COMMUNITY_SERVICE",
];
pub(crate) const MARITAL_STATUSES: &[&str] =
    &["SINGLE", "MARRIED", "DIVORCED", "WIDOWED", "UNKNOWN"];
pub(crate) const TAX_ASSESSMENTS: &[&str] = &["NONE", "SEPARATE", "JOINT"];
pub(crate) const METHODS: &[&str] = &[
    "bank",
    "bank_id",
    "bank_plus",
    "fourthline",
    "idnow",
    "idnow_autoident",
    "idnow_custom",
    "manual",
    "postident",
];
pub(crate) const LANGUAGES: &[&str] = &["EN", "DE"];
pub(crate) const PROOF_OF_ADDRESS_TYPES: &[&str] = &[
    "BANK_ACCOUNT_STATEMENT",
    "CERTIFICATE_OF_REGISTRATION",
    "ELECTRICITY_BILL",
    "GAS_BILL",
    "HEATING_BILL",
    "INTERNET_BILL",
    "TELEPHONE_BILL",
    "WATER_BILL",
];

/// ISO 3166-1 alpha-2 codes, officially assigned.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL \
BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE \
NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA \
UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

pub(crate) fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split(' ').any(|c| c == code)
}

/// Top-level person fields the sandbox stores; anything else in a body is dropped silently.
pub(crate) const PERSON_FIELDS: &[&str] = &[
    "salutation",
    "title",
    "first_name",
    "last_name",
    "birth_name",
    "birth_date",
    "birth_city",
    "birth_country",
    "birth_province",
    "birth_post_code",
    "nationality",
    "mobile_number",
    "email",
    "address",
    "contact_address",
    "employment_status",
    "job_title",
    "tax_information",
    "fatca_relevant",
    "fatca_crs_confirmed_at",
    "terms_conditions_signed_at",
    "data_terms_signed_at",
    "own_economic_interest_signed_at",
    "business_purpose",
    "industry",
    "industry_key",
    "nace_code",
    "expected_monthly_revenue_cents",
    "website_social_media",
    "business_trading_name",
    "vat_number",
    "annual_income_range",
    "purpose_of_account_opening",
    "main_income_source",
    "work_country",
    "self_declared_as_pep",
];

/// The fields `PATCH /v1/persons/{id}` may change (the guide's list); others are refused.
pub(crate) const UPDATABLE_FIELDS: &[&str] = &[
    "title",
    "salutation",
    "address",
    "contact_address",
    "employment_status",
    "job_title",
    "email",
    "tax_information",
    "fatca_relevant",
    "fatca_crs_confirmed_at",
    "business_purpose",
    "industry",
    "industry_key",
    "own_economic_interest_signed_at",
    "aml_confirmed_on",
    "expected_monthly_revenue_cents",
    "vat_number",
    "website_social_media",
    "business_trading_name",
    "nace_code",
    "business_address_line_1",
    "business_address_line_2",
    "business_postal_code",
    "business_city",
    "business_country",
    "annual_income_range",
    "data_terms_signed_at",
    "branch",
    "birth_province",
    "birth_post_code",
    "socioprofessional_category",
    "purpose_of_account_opening",
    "main_income_source",
    "work_country",
    "work_province",
    "self_declared_as_pep",
    "international_operativity_expectation",
    "registration_number",
];

/// Collects field errors as `(field, message)`, Solaris' `source` pairs.
#[derive(Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }
}

fn one_of(errors: &mut Errors, field: &str, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.add(field, format!("is not included in the list {allowed:?}"));
    }
}

/// A name as the guide allows it: at most 50 characters, letters of any language, spaces,
/// apostrophes, hyphens and dots; no digits, symbols or emoji.
/// What a person without a last name gives as `last_name`; Solaris answers it as empty.
pub(crate) const NO_LAST_NAME: &str = "N/A";

pub(crate) fn check_name(errors: &mut Errors, field: &str, value: &str) {
    if value.chars().count() > 50 {
        errors.add(field, "is too long (maximum is 50 characters)");
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.');
    let combining = |c: char| ('\u{0300}'..='\u{036F}').contains(&c);
    if !value.chars().all(|c| allowed(c) || combining(c)) {
        errors.add(field, "contains characters that are not allowed");
    }
}

pub(crate) fn is_date(value: &str) -> bool {
    value.len() == 10 && chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// An RFC 3339 time in UTC, written with `Z` (`2019-01-01T00:00:00Z`): one with an offset
/// (`+01:00`) is refused, as Solaris asks for UTC.
fn is_utc_timestamp(value: &str) -> bool {
    value.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(value).is_ok()
}

/// What only a new person must have: a birth date in the past, and a country in each address
/// (a PATCH may change one part of an address and keep the rest).
pub(crate) fn check_new_person(
    body: &Map<String, Value>,
    today: chrono::NaiveDate,
    errors: &mut Errors,
) {
    if let Some(date) = body
        .get("birth_date")
        .and_then(Value::as_str)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        if date > today {
            errors.add("birth_date", "must be in the past");
        }
    }
    for field in ["address", "contact_address"] {
        if let Some(Value::Object(addr)) = body.get(field) {
            if addr.get("country").is_none_or(Value::is_null) {
                errors.add(&format!("{field}[country]"), "can't be blank");
            }
        }
    }
}

/// Strips what Solaris strips from mobile numbers and checks E.164.
pub(crate) fn sanitize_mobile(value: &str) -> Option<String> {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '/'))
        .collect();
    let digits = cleaned.strip_prefix('+')?;
    let ok = (7..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then_some(cleaned)
}

/// Every string anywhere in the body must be free of leading and trailing whitespace.
fn check_whitespace(errors: &mut Errors, path: &str, value: &Value) {
    match value {
        Value::String(s) if s.trim() != s => {
            errors.add(path, "must not begin or end with whitespace")
        }
        Value::Object(map) => {
            for (k, v) in map {
                check_whitespace(errors, &format!("{path}[{k}]"), v);
            }
        }
        _ => {}
    }
}

fn check_address(errors: &mut Errors, field: &str, value: &Value) {
    let Value::Object(addr) = value else {
        errors.add(field, "must be an object");
        return;
    };
    for (k, v) in addr {
        let name = format!("{field}[{k}]");
        let Some(s) = v.as_str() else {
            if !v.is_null() {
                errors.add(&name, "must be a string");
            }
            continue;
        };
        match k.as_str() {
            "country" if !is_country(s) => {
                errors.add(&name, "is not a valid ISO 3166-1 alpha-2 code")
            }
            "state"
                if !(1..=3).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                errors.add(&name, "is not a valid ISO 3166-2 subdivision code")
            }
            "line_1" | "line_2" | "city" | "postal_code" if s.chars().count() > 255 => {
                errors.add(&name, "is too long (maximum is 255 characters)")
            }
            _ => {}
        }
    }
}

/// Checks the person fields present in `body` (already stripped of nulls and unknown keys).
pub(crate) fn check_person(body: &Map<String, Value>) -> Errors {
    let mut errors = Errors::default();
    for (field, value) in body {
        check_whitespace(&mut errors, field, value);
        let text = value.as_str();
        match (field.as_str(), text) {
            // Solaris' word for a person without a last name.
            ("last_name", Some(NO_LAST_NAME)) => {}
            ("first_name" | "last_name" | "birth_name", Some(s)) => {
                check_name(&mut errors, field, s)
            }
            ("salutation", Some(s)) => one_of(&mut errors, field, s, SALUTATIONS),
            ("title", Some(s)) => one_of(&mut errors, field, s, TITLES),
            ("employment_status", Some(s)) => one_of(&mut errors, field, s, EMPLOYMENT_STATUSES),
            ("birth_date", Some(s)) if !is_date(s) => {
                errors.add(field, "is not a valid date (YYYY-MM-DD)")
            }
            ("nationality" | "birth_country" | "work_country", Some(s)) if !is_country(s) => {
                errors.add(field, "is not a valid ISO 3166-1 alpha-2 code")
            }
            ("mobile_number", Some(s)) if sanitize_mobile(s).is_none() => {
                errors.add(field, "is not a valid mobile number")
            }
            ("email", Some(s))
                if !(s.contains('@') && !s.starts_with('@') && !s.ends_with('@')) =>
            {
                errors.add(field, "is not a valid email address")
            }
            (f, Some(s))
                if (f.ends_with("_signed_at") || f.ends_with("_confirmed_at"))
                    && !is_utc_timestamp(s) =>
            {
                errors.add(
                    field,
                    "is not a valid UTC timestamp (e.g. 2019-01-01T00:00:00Z)",
                )
            }
            ("address" | "contact_address", _) => check_address(&mut errors, field, value),
            ("tax_information", _) => match value {
                Value::Object(tax) => {
                    for (k, v) in tax {
                        let name = format!("tax_information[{k}]");
                        match (k.as_str(), v.as_str()) {
                            ("tax_assessment_country", Some(s)) if !is_country(s) => {
                                errors.add(&name, "is not a valid ISO 3166-1 alpha-2 code")
                            }
                            ("marital_status", Some(s)) => {
                                one_of(&mut errors, &name, s, MARITAL_STATUSES)
                            }
                            ("tax_assessment", Some(s)) => {
                                one_of(&mut errors, &name, s, TAX_ASSESSMENTS)
                            }
                            _ => {}
                        }
                    }
                }
                _ => errors.add(field, "must be an object"),
            },
            ("fatca_relevant" | "self_declared_as_pep", _) if !value.is_boolean() => {
                errors.add(field, "must be true or false")
            }
            ("expected_monthly_revenue_cents", _) if !value.is_i64() => {
                errors.add(field, "must be an integer")
            }
            (_, None)
                if !matches!(
                    field.as_str(),
                    "fatca_relevant" | "self_declared_as_pep" | "expected_monthly_revenue_cents"
                ) =>
            {
                errors.add(field, "must be a string")
            }
            _ => {}
        }
    }
    errors
}

/// The guide's rule for `FREELANCER` and `SELF_EMPLOYED`: the request (before nulls are
/// dropped) carries a `nace_code`, or sets `industry` and `industry_key` to null.
pub(crate) fn check_self_employed(raw: &Map<String, Value>, errors: &mut Errors) {
    let status = raw.get("employment_status").and_then(Value::as_str);
    if !matches!(status, Some("FREELANCER" | "SELF_EMPLOYED")) {
        return;
    }
    let nace = raw
        .get("nace_code")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.trim().is_empty());
    let industry_nulled = ["industry", "industry_key"]
        .iter()
        .all(|f| raw.get(*f) == Some(&Value::Null));
    if !nace && !industry_nulled {
        errors.add(
            "nace_code",
            "can't be blank for FREELANCER and SELF_EMPLOYED unless industry and industry_key are null",
        );
    }
}

/// `aml_confirmed_on` may only be today or tomorrow (`today` on the sandbox clock).
pub(crate) fn check_aml_confirmed_on(
    raw: &Map<String, Value>,
    today: chrono::NaiveDate,
    errors: &mut Errors,
) {
    let Some(value) = raw.get("aml_confirmed_on").filter(|v| !v.is_null()) else {
        return;
    };
    let date = value
        .as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    match date {
        Some(d) if d == today || Some(d) == today.succ_opt() => {}
        Some(_) => errors.add("aml_confirmed_on", "must be today or tomorrow"),
        None => errors.add("aml_confirmed_on", "is not a valid date (YYYY-MM-DD)"),
    }
}

/// Keeps the known person fields, drops nulls (Solaris ignores them) and unknown keys.
pub(crate) fn known_fields(body: Map<String, Value>, allowed: &[&str]) -> Map<String, Value> {
    body.into_iter()
        .filter(|(k, v)| !v.is_null() && allowed.contains(&k.as_str()))
        .map(|(k, v)| match v {
            Value::Object(inner) => (
                k,
                Value::Object(inner.into_iter().filter(|(_, v)| !v.is_null()).collect()),
            ),
            v => (k, v),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_every_european_language_pass_and_symbols_do_not() {
        for ok in [
            "Zoë",
            "Łukasz",
            "O'Polo",
            "Müller-Lüdenscheidt",
            "Ångström",
            "X-AUTOTEST-HAPPYPATH",
        ] {
            let mut e = Errors::default();
            check_name(&mut e, "first_name", ok);
            assert!(e.0.is_empty(), "{ok} was refused");
        }
        for bad in ["Anna😀", "R2D2", "a@b", &"a".repeat(51)] {
            let mut e = Errors::default();
            check_name(&mut e, "first_name", bad);
            assert!(!e.0.is_empty(), "{bad} was accepted");
        }
    }

    #[test]
    fn mobile_numbers_are_sanitised_to_e164() {
        assert_eq!(
            sanitize_mobile("+49 176/123-45_678").as_deref(),
            Some("+4917612345678")
        );
        assert_eq!(sanitize_mobile("+15550101").as_deref(), Some("+15550101"));
        assert_eq!(sanitize_mobile("017612345678"), None);
    }
}
