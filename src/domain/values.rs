//! Values a customer types, parsed once at the form boundary: once one of these exists it is
//! valid, and nothing downstream checks it again. Each `parse` says what is wrong with the
//! input as a [`Problem`], which the pages show next to the field.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;
use validator::ValidateEmail;

use super::countries;

/// Why a typed value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    Choose,
    TooLong,
    NameChars,
    /// Letters of Latin, Greek and Cyrillic mixed: look-alikes (a Cyrillic `а` in "Anna").
    MixedScripts,
    /// More than [`MAX_MARKS_PER_LETTER`] accents stacked on one letter.
    TooManyMarks,
    Date,
    /// Younger than the configured minimum age.
    TooYoung {
        minimum_age: u32,
    },
    Future,
    Country,
    Mobile,
    Email,
    /// An address at an IP address (`a@[127.0.0.1]`) instead of a domain name.
    EmailLiteral,
    /// A domain that mixes alphabets (a Cyrillic `а` in "bank.example") or is no valid
    /// internationalised domain name.
    EmailDomain,
    PostalCode,
    Text,
    Solaris,
    PoaOld,
    PoaNeeded,
    NotSupported,
    MustAccept,
}

/// Characters that show nothing (or nothing of their own) and so can hide in a name: format
/// characters (zero-width spaces and joiners, direction marks, the soft hyphen, the byte-order
/// mark), the combining grapheme joiner, and the fillers of Hangul and Braille that count as
/// letters or symbols but print as blanks.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{2800}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Marks that combine with the letter before them (accents that have no precomposed form).
fn combining(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Accents one letter may carry, counted decomposed (NFD): enough for any name (a Vietnamese or
/// Yoruba letter carries two), not for a letter buried under dozens.
pub const MAX_MARKS_PER_LETTER: usize = 3;

/// Whether some letter of `s` carries more than [`MAX_MARKS_PER_LETTER`] combining marks, its
/// precomposed accents included.
fn too_many_marks(s: &str) -> bool {
    let mut run = 0;
    for c in s.nfd() {
        run = if combining(c) { run + 1 } else { 0 };
        if run > MAX_MARKS_PER_LETTER {
            return true;
        }
    }
    false
}

/// Whether `text` mixes letters of the alphabets that look alike.
fn mixes_alphabets(text: &str) -> bool {
    let mut alphabets = text.chars().filter_map(alphabet);
    alphabets
        .next()
        .is_some_and(|first| alphabets.any(|a| a != first))
}

/// The alphabets whose letters look alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alphabet {
    Latin,
    Greek,
    Cyrillic,
}

fn alphabet(c: char) -> Option<Alphabet> {
    match c {
        'a'..='z' | 'A'..='Z' => Some(Alphabet::Latin),
        '\u{00C0}'..='\u{024F}'
        | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}'
        | '\u{A720}'..='\u{A7FF}'
        | '\u{AB30}'..='\u{AB6F}' => c.is_alphabetic().then_some(Alphabet::Latin),
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => Some(Alphabet::Greek),
        '\u{0400}'..='\u{052F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Some(Alphabet::Cyrillic),
        _ => None,
    }
}

/// Trimmed and in Unicode NFC, so that the same name typed on two keyboards is the same text.
fn normalised(raw: &str) -> String {
    raw.nfc().collect::<String>().trim().to_string()
}

/// A free text (a city, a street) as Solaris takes it: trimmed, NFC, at most `max` characters,
/// with no control or invisible character.
fn text(raw: &str, max: usize) -> Result<String, Problem> {
    let s = normalised(raw);
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.chars().count() > max || s.chars().any(|c| c.is_control() || invisible(c)) {
        return Err(Problem::Text);
    }
    if too_many_marks(&s) {
        return Err(Problem::TooManyMarks);
    }
    Ok(s)
}

/// A first or last name as the guide wants it: as on the ID document, at most 50 characters
/// (Solaris' limit), letters of any language with their accents, spaces, hyphens, apostrophes
/// and dots; no digits, symbols, emojis, invisible characters, or letters that are only a
/// compatibility form of another (mathematical, full-width, ligatures).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    /// Solaris' limit for `first_name` and `last_name`.
    pub(crate) const MAX_CHARS: usize = 50;

    /// What Solaris takes as the last name of a person who has none (it answers it as empty).
    pub const NONE: &'static str = "N/A";

    /// The last name of a person who has none.
    pub fn none() -> PersonName {
        PersonName(Self::NONE.to_string())
    }

    /// The person has no such name.
    pub fn is_none(&self) -> bool {
        self.0 == Self::NONE
    }

    /// The name as Solaris answers it: empty for [`PersonName::none`].
    pub fn as_held(&self) -> &str {
        if self.is_none() {
            ""
        } else {
            &self.0
        }
    }

    pub fn parse(raw: &str) -> Result<PersonName, Problem> {
        let s = normalised(raw);
        if s.is_empty() {
            return Err(Problem::Required);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(Problem::TooLong);
        }
        let allowed = |c: char| {
            if c.is_control() || invisible(c) {
                return false;
            }
            if combining(c) || matches!(c, ' ' | '-' | '\'' | '’' | '.') {
                return true;
            }
            c.is_alphabetic() && c.to_string().nfkc().eq(std::iter::once(c))
        };
        if !s.chars().all(allowed) || !s.chars().any(char::is_alphabetic) {
            return Err(Problem::NameChars);
        }
        if too_many_marks(&s) {
            return Err(Problem::TooManyMarks);
        }
        if mixes_alphabets(&s) {
            return Err(Problem::MixedScripts);
        }
        Ok(PersonName(s))
    }
}

/// The place of birth, a street, a house number, a city: see [`text`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct FreeText(String);

impl FreeText {
    pub fn parse(raw: &str, max: usize) -> Result<FreeText, Problem> {
        text(raw, max).map(FreeText)
    }
}

/// A birth date of someone at least the minimum age old.
/// Stored as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct BirthDate(NaiveDate);

impl BirthDate {
    /// `YYYY-MM-DD`, as the date input sends it, on `today`.
    pub fn parse(raw: &str, today: NaiveDate, minimum_age: u32) -> Result<BirthDate, Problem> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Problem::Required);
        }
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| Problem::Date)?;
        if date > today {
            return Err(Problem::Future);
        }
        if date.year() < 1900 {
            return Err(Problem::Date);
        }
        let mut age = today.year() - date.year();
        if (today.month(), today.day()) < (date.month(), date.day()) {
            age -= 1;
        }
        if age < minimum_age as i32 {
            return Err(Problem::TooYoung { minimum_age });
        }
        Ok(BirthDate(date))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }

    /// `YYYY-MM-DD`, as Solaris and the date input write it.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// A mobile number in E.164, read the way people write them: `+49 (0)151 2345678`,
/// `0151 2345678` (German when there is no country code), `0049 151 …`. A number the
/// numbering plan knows to be something else (a landline, a toll-free or premium number) is
/// refused; one it does not know must have the length of a real number.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn parse(raw: &str) -> Result<MobileNumber, Problem> {
        use phonenumber::{country, Mode, Type};
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Problem::Required);
        }
        if raw.chars().any(|c| c.is_alphabetic()) {
            return Err(Problem::Mobile);
        }
        let number = phonenumber::parse(Some(country::Id::DE), raw).map_err(|_| Problem::Mobile)?;
        let national = number.national().value().to_string();
        let known_as_mobile = match number.number_type(&phonenumber::metadata::DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile => true,
            Type::Unknown => false,
            _ => return Err(Problem::Mobile),
        };
        if !known_as_mobile && !(7..=13).contains(&national.len()) {
            return Err(Problem::Mobile);
        }
        Ok(MobileNumber(number.format().mode(Mode::E164).to_string()))
    }
}

/// An e-mail address a mail can reach: a local part, `@`, and a domain with a dot.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<EmailAddress, Problem> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Problem::Required);
        }
        let domain = s.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        let dotted = domain.split('.').filter(|label| !label.is_empty()).count() >= 2
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        // An address literal (`[127.0.0.1]`, `[IPv6:…]`) or a bare IP address reaches a machine,
        // not a mailbox a bank can rely on.
        let numeric_tld = domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()));
        if domain.starts_with('[') || (dotted && numeric_tld) {
            return Err(Problem::EmailLiteral);
        }
        if !s.validate_email() || !dotted || s.len() > 254 {
            return Err(Problem::Email);
        }
        // An internationalised domain as IDNA allows it (UTS 46, STD3 rules), each label in one
        // alphabet: "bаnk.example" with a Cyrillic "а" is not the bank's domain.
        let valid_idna = idna::domain_to_ascii_strict(domain).is_ok();
        // Punycode (`xn--…`) is read as the letters it stands for.
        let (unicode, _) = idna::domain_to_unicode(domain);
        if !valid_idna || unicode.split('.').any(mixes_alphabets) {
            return Err(Problem::EmailDomain);
        }
        Ok(EmailAddress(s.to_string()))
    }
}

/// An ISO 3166-1 alpha-2 country of our list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<CountryCode, Problem> {
        match raw.trim() {
            "" => Err(Problem::Choose),
            c if countries::is_country(c) => Ok(CountryCode(c.to_string())),
            _ => Err(Problem::Country),
        }
    }
}

/// A postal code in the form its country uses (where we know it; elsewhere 2 to 10 letters,
/// digits, spaces and hyphens).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PostalCode(String);

impl PostalCode {
    pub fn parse(raw: &str, country: &CountryCode) -> Result<PostalCode, Problem> {
        let s = raw.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(Problem::Required);
        }
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let ok = match country.as_ref() {
            "DE" | "FR" | "IT" | "ES" | "FI" | "EE" | "HR" => digits(&s, 5),
            "AT" | "BE" | "BG" | "CH" | "DK" | "HU" | "LU" | "NO" | "SI" | "CY" | "LI" => {
                digits(&s, 4)
            }
            "NL" => {
                let compact: String = s.chars().filter(|c| *c != ' ').collect();
                compact.len() == 6
                    && digits(&compact[..4], 4)
                    && compact[4..].bytes().all(|b| b.is_ascii_uppercase())
            }
            "PL" => s.len() == 6 && digits(&s[..2], 2) && &s[2..3] == "-" && digits(&s[3..], 3),
            "PT" => s.len() == 8 && digits(&s[..4], 4) && &s[4..5] == "-" && digits(&s[5..], 3),
            "SE" | "CZ" | "SK" | "GR" => digits(&s.replace(' ', ""), 5),
            _ => {
                (2..=10).contains(&s.len())
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
            }
        };
        if ok {
            Ok(PostalCode(s))
        } else {
            Err(Problem::PostalCode)
        }
    }
}

macro_rules! as_str {
    ($($t:ty),+) => {$(
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    )+};
}
as_str!(
    PersonName,
    FreeText,
    MobileNumber,
    EmailAddress,
    CountryCode,
    PostalCode
);

#[cfg(test)]
mod tests {
    #[test]
    fn a_letter_carries_three_accents_at_most() {
        use super::{PersonName, Problem};
        assert!(PersonName::parse("Nguyễn Thị").is_ok());
        assert!(
            PersonName::parse("Ọ\u{0301}la").is_ok(),
            "Yoruba, one mark left after NFC"
        );
        assert!(PersonName::parse("Đặng Ngọc Ẩn").is_ok());
        assert!(PersonName::parse("a\u{0301}\u{0302}\u{0303}b").is_ok());
        assert_eq!(
            PersonName::parse("a\u{0301}\u{0302}\u{0303}\u{0304}b"),
            Err(Problem::TooManyMarks)
        );
        assert_eq!(
            PersonName::parse("ặ\u{0301}\u{0302}"),
            Err(Problem::TooManyMarks),
            "a precomposed letter's accents count too"
        );
        let buried = format!("a{}", "\u{0301}".repeat(44));
        assert_eq!(PersonName::parse(&buried), Err(Problem::TooManyMarks));
        assert_eq!(
            super::FreeText::parse(&format!("Berlin{}", "\u{0308}".repeat(10)), 50),
            Err(Problem::TooManyMarks)
        );
    }

    #[test]
    fn an_email_address_names_a_domain_in_one_alphabet() {
        use super::{EmailAddress, Problem};
        for good in [
            "erika@example.com",
            "erika.mustermann@bücher.example",
            "erika@пример.рф",
            "erika@xn--bcher-kva.example",
        ] {
            assert!(EmailAddress::parse(good).is_ok(), "{good}");
        }
        for literal in ["a@[127.0.0.1]", "a@[IPv6:::1]", "a@127.0.0.1"] {
            assert_eq!(
                EmailAddress::parse(literal),
                Err(Problem::EmailLiteral),
                "{literal}"
            );
        }
        // A Cyrillic "а" in a Latin domain, typed or as punycode.
        for look_alike in ["erika@b\u{0430}nk.example", "erika@xn--bnk-8cd.example"] {
            assert_eq!(
                EmailAddress::parse(look_alike),
                Err(Problem::EmailDomain),
                "{look_alike}"
            );
        }
    }

    use super::*;

    fn name(raw: &str) -> Result<String, Problem> {
        PersonName::parse(raw).map(String::from)
    }

    #[test]
    fn names_are_trimmed_composed_and_free_of_hidden_or_foreign_characters() {
        for (raw, parsed) in [
            ("Zoë", "Zoë"),
            ("Łukasz", "Łukasz"),
            ("O'Polo", "O'Polo"),
            ("Müller-Lüdenscheidt", "Müller-Lüdenscheidt"),
            ("Anna Maria", "Anna Maria"),
            ("X-AUTOTEST-HAPPYPATH", "X-AUTOTEST-HAPPYPATH"),
            (" Anna ", "Anna"),
            ("Zoe\u{0308}", "Zoë"), // a combining diaeresis becomes the one letter
            ("Nguyễn", "Nguyễn"),
            ("Иванова", "Иванова"),
            ("Παπαδόπουλος", "Παπαδόπουλος"),
        ] {
            assert_eq!(name(raw).as_deref(), Ok(parsed), "{raw:?}");
        }
        for (raw, problem) in [
            ("", Problem::Required),
            ("   ", Problem::Required),
            (&"a".repeat(51), Problem::TooLong),
            ("Anna😀", Problem::NameChars),
            ("Anna#", Problem::NameChars),
            ("Anna2", Problem::NameChars),
            ("An\u{200B}na", Problem::NameChars), // zero-width space
            ("Anna\u{00AD}", Problem::NameChars), // soft hyphen
            ("\u{3164}", Problem::NameChars),     // Hangul filler, a "letter" that prints blank
            ("𝐀𝐧𝐧𝐚", Problem::NameChars),         // mathematical bold letters
            ("Ａｎｎａ", Problem::NameChars),     // full-width letters
            ("Anna\u{0007}", Problem::NameChars),
            ("-'.", Problem::NameChars),
            ("Аnna", Problem::MixedScripts), // a Cyrillic А before Latin letters
            ("Anna Иванова", Problem::MixedScripts),
            ("Ωmega", Problem::MixedScripts),
        ] {
            assert_eq!(name(raw), Err(problem), "{raw:?}");
        }
    }

    #[test]
    fn birth_dates_must_be_real_and_of_the_minimum_age() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(BirthDate::parse("2008-11-25", today, 18).is_ok());
        assert_eq!(
            BirthDate::parse("2008-11-26", today, 18),
            Err(Problem::TooYoung { minimum_age: 18 })
        );
        assert!(BirthDate::parse("2008-11-26", today, 16).is_ok());
        assert_eq!(
            BirthDate::parse("1990-02-30", today, 18),
            Err(Problem::Date)
        );
        assert_eq!(
            BirthDate::parse("2030-01-01", today, 18),
            Err(Problem::Future)
        );
        assert_eq!(
            BirthDate::parse("1899-12-31", today, 18),
            Err(Problem::Date)
        );
    }

    #[test]
    fn mobile_numbers_are_read_as_people_write_them_and_stored_in_e164() {
        for (raw, e164) in [
            ("+49 (0)151 2345678", "+491512345678"),
            ("0151 2345678", "+491512345678"),
            ("0151 2345 6789", "+4915123456789"),
            ("0049 151 23456789", "+4915123456789"),
            ("+49 (151) 23456789", "+4915123456789"),
            ("0151/234 567 89", "+4915123456789"),
            ("0043 664 1234567", "+436641234567"),
            ("+15550101", "+15550101"),
        ] {
            assert_eq!(
                MobileNumber::parse(raw).map(String::from).as_deref(),
                Ok(e164),
                "{raw:?}"
            );
        }
        for raw in [
            "030 1234567",
            "+49 30 1234567",
            "0800 1234567",
            "12345",
            "+999999999999999",
            "0151 CALLME",
        ] {
            assert_eq!(MobileNumber::parse(raw), Err(Problem::Mobile), "{raw:?}");
        }
        assert_eq!(MobileNumber::parse(" "), Err(Problem::Required));
    }

    #[test]
    fn email_addresses_need_a_domain_with_a_dot() {
        assert_eq!(
            EmailAddress::parse(" erika@example.com ")
                .map(String::from)
                .as_deref(),
            Ok("erika@example.com")
        );
        for raw in [
            "a@b",
            "erika@example.",
            "erika@.com",
            "erika",
            "@example.com",
            "erika@exa mple.com",
        ] {
            assert_eq!(EmailAddress::parse(raw), Err(Problem::Email), "{raw:?}");
        }
        assert_eq!(EmailAddress::parse(""), Err(Problem::Required));
    }

    #[test]
    fn postal_codes_follow_their_country() {
        let code = |c: &str| CountryCode::parse(c).unwrap();
        assert!(PostalCode::parse("10115", &code("DE")).is_ok());
        assert_eq!(
            PostalCode::parse("1011", &code("DE")),
            Err(Problem::PostalCode)
        );
        assert!(PostalCode::parse("1010", &code("AT")).is_ok());
        assert_eq!(
            PostalCode::parse("10100", &code("AT")),
            Err(Problem::PostalCode)
        );
        assert_eq!(
            PostalCode::parse("1234 ab", &code("NL"))
                .map(String::from)
                .as_deref(),
            Ok("1234 AB")
        );
        assert!(PostalCode::parse("00-950", &code("PL")).is_ok());
        assert!(PostalCode::parse("SW1A 1AA", &code("GB")).is_ok());
    }

    #[test]
    fn free_text_is_trimmed_and_refuses_hidden_characters() {
        assert_eq!(
            FreeText::parse(" Berlin ", 100)
                .map(String::from)
                .as_deref(),
            Ok("Berlin")
        );
        assert_eq!(FreeText::parse("Ber\u{200B}lin", 100), Err(Problem::Text));
        assert_eq!(FreeText::parse(&"x".repeat(101), 100), Err(Problem::Text));
        assert_eq!(CountryCode::parse("XX"), Err(Problem::Country));
        assert_eq!(CountryCode::parse(""), Err(Problem::Choose));
    }
}
