//! The guide's appendix "List of passports with address": the document versions (PRADO
//! numbers) that show the bearer's address, so their holders need no proof of address. Any
//! other document, or another version of these kinds, needs one.

/// The two kinds the table distinguishes, named as Solaris' supported documents name them.
pub(crate) const ID_CARD: &str = "National ID Card";
pub(crate) const PASSPORT: &str = "Passport";

/// One row: the PRADO number, the issuing country (ISO 3166-1 alpha-2) and the kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressDocument {
    pub code: &'static str,
    pub country: &'static str,
    pub kind: &'static str,
}

const fn row(code: &'static str, country: &'static str, kind: &'static str) -> AddressDocument {
    AddressDocument {
        code,
        country,
        kind,
    }
}

/// The guide's 31 rows, in its order.
pub const WITH_ADDRESS: &[AddressDocument] = &[
    row("BGR-AO-01005", "BG", PASSPORT),
    row("CHN-AO-04003", "CN", PASSPORT),
    row("HRV-BO-02001", "HR", ID_CARD),
    row("HRV-AO-02001", "HR", PASSPORT),
    row("CZE-BO-04001", "CZ", ID_CARD),
    row("CZE-BO-04002", "CZ", ID_CARD),
    row("FRA-BO-02002", "FR", ID_CARD),
    row("FRA-AO-03001-03003", "FR", PASSPORT),
    row("DEU-BO-01003", "DE", ID_CARD),
    row("DEU-BO-02001", "DE", ID_CARD),
    row("IND-AO-01001", "IN", PASSPORT),
    row("ITA-BO-04003", "IT", ID_CARD),
    row("ITA-BO-03004", "IT", ID_CARD),
    row("ITA-BO-03002", "IT", ID_CARD),
    row("ITA-BO-03001", "IT", ID_CARD),
    row("ITA-BO-03003", "IT", ID_CARD),
    row("MLT-BO-02001", "MT", ID_CARD),
    row("MLT-BO-03001", "MT", ID_CARD),
    row("MAR-AO-02001", "MA", PASSPORT),
    row("POL-BO-02001-02003", "PL", ID_CARD),
    row("SGP-BO-01001-A", "SG", ID_CARD),
    row("SGP-BO-01001", "SG", ID_CARD),
    row("SVK-BO-02001", "SK", ID_CARD),
    row("SVK-BO-05001", "SK", ID_CARD),
    row("SVK-BO-04001", "SK", ID_CARD),
    row("SVN-AO-02001-02003", "SI", PASSPORT),
    row("SVN-AO-02004", "SI", PASSPORT),
    row("SVN-BO-02001", "SI", ID_CARD),
    row("SVN-AO-01004", "SI", PASSPORT),
    row("ESP-BO-03001", "ES", ID_CARD),
    row("ESP-BO-05001", "ES", ID_CARD),
];

/// The versions of a kind of document from a country that show the address (often none).
pub fn versions(kind: &str, country: &str) -> Vec<&'static AddressDocument> {
    WITH_ADDRESS
        .iter()
        .filter(|d| d.kind == kind && d.country == country)
        .collect()
}

/// Whether the document of this kind, country and version (a PRADO number) shows the address.
pub(crate) fn shows_address(kind: &str, country: &str, version: &str) -> bool {
    WITH_ADDRESS
        .iter()
        .any(|d| d.kind == kind && d.country == country && d.code == version)
}

/// The page of a document version in the EU's public register of documents (PRADO), where
/// the customer can compare it with theirs.
pub fn register_url(code: &str) -> String {
    format!("https://www.consilium.europa.eu/prado/en/{code}/index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_guides_31_rows_once_each() {
        assert_eq!(WITH_ADDRESS.len(), 31);
        let mut codes: Vec<_> = WITH_ADDRESS.iter().map(|d| d.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 31);
        // The code names its country: its first letters are the ISO alpha-3 of the row's.
        for d in WITH_ADDRESS {
            let alpha3 = &d.code[..3];
            let expected = match d.country {
                "BG" => "BGR",
                "CN" => "CHN",
                "HR" => "HRV",
                "CZ" => "CZE",
                "FR" => "FRA",
                "DE" => "DEU",
                "IN" => "IND",
                "IT" => "ITA",
                "MT" => "MLT",
                "MA" => "MAR",
                "PL" => "POL",
                "SG" => "SGP",
                "SK" => "SVK",
                "SI" => "SVN",
                "ES" => "ESP",
                other => panic!("unexpected country {other}"),
            };
            assert_eq!(alpha3, expected, "{}", d.code);
            // PRADO: "BO" identity cards, "AO" passports.
            let kind = if d.code[4..6] == *"BO" {
                ID_CARD
            } else {
                PASSPORT
            };
            assert_eq!(d.kind, kind, "{}", d.code);
        }
    }

    #[test]
    fn only_listed_versions_show_the_address() {
        assert!(shows_address(ID_CARD, "FR", "FRA-BO-02002"));
        assert!(!shows_address(ID_CARD, "FR", "FRA-BO-01001"));
        assert!(!shows_address(PASSPORT, "DE", "DEU-BO-02001"));
        assert_eq!(versions(ID_CARD, "IT").len(), 5);
        assert!(versions(PASSPORT, "DE").is_empty());
    }
}
