//! The Italian provinces (sigla, name, region), embedded, and the Ordine that each one has.
//!
//! Each provincial Ordine degli Ingegneri is named by its province's sigla (`MI`), which is
//! also how the Albo identifies it. The 107 provinces are ISTAT's list, with Sud Sardegna.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::address::{EmailAddress, ordine_address};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Provincia {
    pub sigla: &'static str,
    pub nome: &'static str,
    pub regione: &'static str,
}

macro_rules! province {
    ($($sigla:literal $nome:literal $regione:literal;)*) => {
        /// Every province, by sigla.
        pub const PROVINCE: &[Provincia] = &[$(Provincia { sigla: $sigla, nome: $nome, regione: $regione }),*];
    };
}

province! {
    "AG" "Agrigento" "Sicilia";
    "AL" "Alessandria" "Piemonte";
    "AN" "Ancona" "Marche";
    "AO" "Aosta" "Valle d'Aosta";
    "AP" "Ascoli Piceno" "Marche";
    "AQ" "L'Aquila" "Abruzzo";
    "AR" "Arezzo" "Toscana";
    "AT" "Asti" "Piemonte";
    "AV" "Avellino" "Campania";
    "BA" "Bari" "Puglia";
    "BG" "Bergamo" "Lombardia";
    "BI" "Biella" "Piemonte";
    "BL" "Belluno" "Veneto";
    "BN" "Benevento" "Campania";
    "BO" "Bologna" "Emilia-Romagna";
    "BR" "Brindisi" "Puglia";
    "BS" "Brescia" "Lombardia";
    "BT" "Barletta-Andria-Trani" "Puglia";
    "BZ" "Bolzano" "Trentino-Alto Adige";
    "CA" "Cagliari" "Sardegna";
    "CB" "Campobasso" "Molise";
    "CE" "Caserta" "Campania";
    "CH" "Chieti" "Abruzzo";
    "CL" "Caltanissetta" "Sicilia";
    "CN" "Cuneo" "Piemonte";
    "CO" "Como" "Lombardia";
    "CR" "Cremona" "Lombardia";
    "CS" "Cosenza" "Calabria";
    "CT" "Catania" "Sicilia";
    "CZ" "Catanzaro" "Calabria";
    "EN" "Enna" "Sicilia";
    "FC" "Forlì-Cesena" "Emilia-Romagna";
    "FE" "Ferrara" "Emilia-Romagna";
    "FG" "Foggia" "Puglia";
    "FI" "Firenze" "Toscana";
    "FM" "Fermo" "Marche";
    "FR" "Frosinone" "Lazio";
    "GE" "Genova" "Liguria";
    "GO" "Gorizia" "Friuli-Venezia Giulia";
    "GR" "Grosseto" "Toscana";
    "IM" "Imperia" "Liguria";
    "IS" "Isernia" "Molise";
    "KR" "Crotone" "Calabria";
    "LC" "Lecco" "Lombardia";
    "LE" "Lecce" "Puglia";
    "LI" "Livorno" "Toscana";
    "LO" "Lodi" "Lombardia";
    "LT" "Latina" "Lazio";
    "LU" "Lucca" "Toscana";
    "MB" "Monza e della Brianza" "Lombardia";
    "MC" "Macerata" "Marche";
    "ME" "Messina" "Sicilia";
    "MI" "Milano" "Lombardia";
    "MN" "Mantova" "Lombardia";
    "MO" "Modena" "Emilia-Romagna";
    "MS" "Massa-Carrara" "Toscana";
    "MT" "Matera" "Basilicata";
    "NA" "Napoli" "Campania";
    "NO" "Novara" "Piemonte";
    "NU" "Nuoro" "Sardegna";
    "OR" "Oristano" "Sardegna";
    "PA" "Palermo" "Sicilia";
    "PC" "Piacenza" "Emilia-Romagna";
    "PD" "Padova" "Veneto";
    "PE" "Pescara" "Abruzzo";
    "PG" "Perugia" "Umbria";
    "PI" "Pisa" "Toscana";
    "PN" "Pordenone" "Friuli-Venezia Giulia";
    "PO" "Prato" "Toscana";
    "PR" "Parma" "Emilia-Romagna";
    "PT" "Pistoia" "Toscana";
    "PU" "Pesaro e Urbino" "Marche";
    "PV" "Pavia" "Lombardia";
    "PZ" "Potenza" "Basilicata";
    "RA" "Ravenna" "Emilia-Romagna";
    "RC" "Reggio Calabria" "Calabria";
    "RE" "Reggio Emilia" "Emilia-Romagna";
    "RG" "Ragusa" "Sicilia";
    "RI" "Rieti" "Lazio";
    "RM" "Roma" "Lazio";
    "RN" "Rimini" "Emilia-Romagna";
    "RO" "Rovigo" "Veneto";
    "SA" "Salerno" "Campania";
    "SI" "Siena" "Toscana";
    "SO" "Sondrio" "Lombardia";
    "SP" "La Spezia" "Liguria";
    "SR" "Siracusa" "Sicilia";
    "SS" "Sassari" "Sardegna";
    "SU" "Sud Sardegna" "Sardegna";
    "SV" "Savona" "Liguria";
    "TA" "Taranto" "Puglia";
    "TE" "Teramo" "Abruzzo";
    "TN" "Trento" "Trentino-Alto Adige";
    "TO" "Torino" "Piemonte";
    "TP" "Trapani" "Sicilia";
    "TR" "Terni" "Umbria";
    "TS" "Trieste" "Friuli-Venezia Giulia";
    "TV" "Treviso" "Veneto";
    "UD" "Udine" "Friuli-Venezia Giulia";
    "VA" "Varese" "Lombardia";
    "VB" "Verbano-Cusio-Ossola" "Piemonte";
    "VC" "Vercelli" "Piemonte";
    "VE" "Venezia" "Veneto";
    "VI" "Vicenza" "Veneto";
    "VR" "Verona" "Veneto";
    "VT" "Viterbo" "Lazio";
    "VV" "Vibo Valentia" "Calabria";
}

impl Provincia {
    pub fn by_sigla(sigla: &str) -> Option<&'static Provincia> {
        let sigla = sigla.trim().to_ascii_uppercase();
        PROVINCE
            .binary_search_by(|p| p.sigla.cmp(sigla.as_str()))
            .ok()
            .map(|i| &PROVINCE[i])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("«{0}» non è la sigla di una provincia italiana (per esempio MI, RM, NA).")]
pub struct UnknownProvincia(pub String);

/// A provincial Ordine degli Ingegneri, by its province's sigla.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct OrdineCode(&'static str);

// By hand: a derived impl would require the input to live for 'static.
impl<'de> Deserialize<'de> for OrdineCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let sigla = String::deserialize(deserializer)?;
        OrdineCode::parse(&sigla).map_err(serde::de::Error::custom)
    }
}

impl OrdineCode {
    pub fn parse(sigla: &str) -> Result<Self, UnknownProvincia> {
        Provincia::by_sigla(sigla)
            .map(|p| Self(p.sigla))
            .ok_or_else(|| UnknownProvincia(sigla.trim().to_owned()))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub fn provincia(&self) -> &'static Provincia {
        Provincia::by_sigla(self.0).expect("an OrdineCode is always a known sigla")
    }

    /// "Ordine degli Ingegneri della Provincia di Milano".
    pub fn nome(&self) -> String {
        format!(
            "Ordine degli Ingegneri della Provincia di {}",
            self.provincia().nome
        )
    }

    /// The Ordine's own mailbox.
    pub fn pec(&self) -> EmailAddress {
        ordine_address(self.provincia())
    }

    pub fn all() -> impl Iterator<Item = OrdineCode> {
        PROVINCE.iter().map(|p| Self(p.sigla))
    }
}

impl fmt::Display for OrdineCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl TryFrom<String> for OrdineCode {
    type Error = UnknownProvincia;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrdineCode> for String {
    fn from(value: OrdineCode) -> Self {
        value.0.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_list_is_complete_sorted_and_unique() {
        assert_eq!(PROVINCE.len(), 107);
        assert!(PROVINCE.windows(2).all(|w| w[0].sigla < w[1].sigla));
        let regioni: HashSet<_> = PROVINCE.iter().map(|p| p.regione).collect();
        assert_eq!(regioni.len(), 20);
        let addresses: HashSet<_> = OrdineCode::all().map(|o| o.pec()).collect();
        assert_eq!(addresses.len(), 107, "every Ordine has its own address");
    }

    #[test]
    fn ordine_codes_parse_in_any_case() {
        let mi = OrdineCode::parse(" mi ").unwrap();
        assert_eq!(mi.as_str(), "MI");
        assert_eq!(
            mi.nome(),
            "Ordine degli Ingegneri della Provincia di Milano"
        );
        assert_eq!(mi.pec().as_str(), "ordine.milano@ingpec.eu");
        let err = OrdineCode::parse("XX").unwrap_err();
        assert!(err.to_string().contains("«XX»"));
        assert!(serde_json::from_str::<OrdineCode>("\"SS\"").is_ok());
        assert!(serde_json::from_str::<OrdineCode>("\"ZZ\"").is_err());
    }
}
