//! The audit log as people read it: each changed field by its Italian name, each value
//! as the pages show it (dates as 30/11/2027, states by their names), the record's
//! bookkeeping (counters, the mailbox's copy of the Albo state, the notices already sent)
//! left out. A field this does not know is shown as it is stored, never hidden.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Change;
use crate::lifecycle::{CausaCancellazione, MailboxStatus, StatoContratto};
use crate::member::label;
use crate::province::OrdineCode;

/// A change in Italian: "Scadenza della casella: 30/11/2026 → 30/11/2027".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modifica {
    pub campo: String,
    pub prima: Option<String>,
    pub dopo: Option<String>,
}

/// How a stored value reads.
#[derive(Clone, Copy)]
enum Valore {
    Testo,
    Data,
    SiNo,
    Ordine,
    StatoAlbo,
    Causa,
    StatoCasella,
    Contratto,
    TipoServizio,
    Importo,
    Listino,
}

impl Valore {
    fn leggi(self, stored: &str) -> String {
        let named = match self {
            Valore::Testo => None,
            Valore::Data => NaiveDate::parse_from_str(stored, "%Y-%m-%d")
                .ok()
                .map(|d| d.format("%d/%m/%Y").to_string()),
            Valore::SiNo => match stored {
                "true" => Some("sì".to_owned()),
                "false" => Some("no".to_owned()),
                _ => None,
            },
            Valore::Ordine => OrdineCode::parse(stored).ok().map(|o| o.nome()),
            Valore::StatoAlbo => match stored {
                "iscritto" => Some("Iscritto".to_owned()),
                "sospeso" => Some("Sospeso".to_owned()),
                "cancellato" => Some("Cancellato".to_owned()),
                _ => None,
            },
            Valore::Causa => variant::<CausaCancellazione>(stored).map(|c| c.nome().to_owned()),
            Valore::StatoCasella => variant::<MailboxStatus>(stored).map(|s| s.nome().to_owned()),
            Valore::Contratto => variant::<StatoContratto>(stored).map(|s| s.nome().to_owned()),
            Valore::TipoServizio => match stored {
                "avanzata" => Some("PEC Avanzata".to_owned()),
                "spazio-extra" => Some("Spazio aggiuntivo".to_owned()),
                _ => None,
            },
            Valore::Importo => stored
                .parse::<i64>()
                .ok()
                .map(|c| crate::money::Money::cents(c).to_string()),
            Valore::Listino => {
                variant::<crate::catalog::CatalogId>(stored).map(|c| c.nome().to_owned())
            }
        };
        named.unwrap_or_else(|| stored.to_owned())
    }
}

/// A unit enum variant from its stored (serde) name.
fn variant<T: DeserializeOwned>(stored: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(stored.to_owned())).ok()
}

impl Change {
    /// The change in Italian, or `None` for the record's bookkeeping.
    pub fn leggibile(&self) -> Option<Modifica> {
        let (campo, valore) = campo(&self.campo)?;
        Some(Modifica {
            campo,
            prima: self.prima.as_deref().map(|v| valore.leggi(v)),
            dopo: self.dopo.as_deref().map(|v| valore.leggi(v)),
        })
    }
}

/// A field's Italian name and how its values read; `None` for bookkeeping.
fn campo(path: &str) -> Option<(String, Valore)> {
    use Valore::*;
    let named = |name: &str, valore| Some((name.to_owned(), valore));
    if let Some(step) = path.strip_prefix("primo_accesso[") {
        let (_, leaf) = step.split_once("].")?;
        return match leaf {
            "passo" => named("Primo accesso, passo", Testo),
            "il" => named("Primo accesso, confermato il", Testo),
            "versione" => named("Primo accesso, versione del testo", Testo),
            "cognome_indirizzo" => named("Primo accesso, cognome nell'indirizzo", Testo),
            "richiesta_correzione" => named("Primo accesso, correzione richiesta", Testo),
            leaf if leaf.starts_with("clausole[") => {
                named("Primo accesso, clausola approvata (art.)", Testo)
            }
            // The text's hash is the record's, not news for people.
            _ => None,
        };
    }
    let (record, rest) = path.split_once('.').unwrap_or((path, ""));
    match (record, rest) {
        ("anagrafica", "email") => named("Email ordinaria", Testo),
        ("anagrafica", field) => named(label(field), Testo),
        ("albo", "ordine") => named("Ordine", Ordine),
        ("ordine", "") => named("Ordine", Ordine),
        ("albo", "stato.stato") => named("Stato nell'Albo", StatoAlbo),
        ("albo", "stato.dal") => named("Stato nell'Albo dal", Data),
        ("albo", "stato.causa") => named("Causa della cancellazione", Causa),
        ("albo", field) => named(label(field), Testo),
        ("recovery", "email") => named("Email di recupero", Testo),
        ("recovery", "cellulare") => named("Cellulare di recupero", Testo),
        ("profilo", "email_segreteria") => named("Email della segreteria", Testo),
        ("profilo", "telefono") => named("Telefono della segreteria", Testo),
        ("profilo", "indirizzo") => named("Indirizzo della segreteria", Testo),
        ("mailbox", field) => casella(field),
        _ => named(path, Testo),
    }
}

/// The mailbox's fields, its paid services numbered as the member counts them.
fn casella(field: &str) -> Option<(String, Valore)> {
    use Valore::*;
    let named = |name: &str, valore| Some((name.to_owned(), valore));
    if let Some(service) = field.strip_prefix("services[") {
        let (index, leaf) = service.split_once("].")?;
        let n = index.parse::<usize>().ok()? + 1;
        let (name, valore) = match leaf {
            "id" => return None,
            "kind.tipo" => ("tipo", TipoServizio),
            "kind.area" => ("spazio", Testo),
            "kind.gb" => ("GB", Testo),
            "purchased_on" => ("acquistato il", Data),
            "catalogo" => ("listino", Listino),
            "prezzo" => ("prezzo netto", Importo),
            "scadenza" => ("scadenza", Data),
            other => (other, Testo),
        };
        return Some((format!("Servizio a pagamento {n}, {name}"), valore));
    }
    if field.starts_with("albo.") || field.starts_with("reminders_sent[") {
        return None;
    }
    match field {
        "next_service_id" => None,
        "address" => named("Indirizzo PEC", Testo),
        "status" => named("Stato della casella", StatoCasella),
        "activated_on" => named("Casella attivata il", Data),
        "scadenza" => named("Scadenza della casella", Data),
        "first_access_on" => named("Primo accesso il", Data),
        "closed_on" => named("Casella chiusa il", Data),
        "contratto" => named("Contratto", Contratto),
        "extended_after_cancellation" => named("Proroga dopo la cancellazione", SiNo),
        other => Some((format!("mailbox.{other}"), Testo)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(campo: &str, prima: Option<&str>, dopo: Option<&str>) -> Change {
        Change {
            campo: campo.to_owned(),
            prima: prima.map(str::to_owned),
            dopo: dopo.map(str::to_owned),
        }
    }

    fn read(campo: &str, prima: Option<&str>, dopo: Option<&str>) -> Option<Modifica> {
        change(campo, prima, dopo).leggibile()
    }

    #[test]
    fn fields_read_in_italian_with_their_values() {
        let scadenza = read("mailbox.scadenza", Some("2026-11-30"), Some("2027-11-30")).unwrap();
        assert_eq!(scadenza.campo, "Scadenza della casella");
        assert_eq!(scadenza.prima.as_deref(), Some("30/11/2026"));
        assert_eq!(scadenza.dopo.as_deref(), Some("30/11/2027"));

        let contratto = read("mailbox.contratto", None, Some("da-firmare")).unwrap();
        assert_eq!(contratto.campo, "Contratto");
        assert_eq!(
            contratto.dopo.as_deref(),
            Some(StatoContratto::DaFirmare.nome())
        );

        let stato = read("albo.stato.stato", Some("iscritto"), Some("sospeso")).unwrap();
        assert_eq!(
            (
                stato.campo.as_str(),
                stato.prima.as_deref(),
                stato.dopo.as_deref()
            ),
            ("Stato nell'Albo", Some("Iscritto"), Some("Sospeso"))
        );
        let ordine = read("albo.ordine", None, Some("MI")).unwrap();
        assert!(ordine.dopo.unwrap().contains("Milano"));
        // An Ordine's own record (its profile's owner) names it the same way.
        let ordine = read("ordine", None, Some("MI")).unwrap();
        assert_eq!(ordine.campo, "Ordine");
        assert!(ordine.dopo.unwrap().contains("Milano"));
        assert_eq!(
            read("anagrafica.cap", None, Some("20121")).unwrap().campo,
            "CAP"
        );
        assert_eq!(
            read("mailbox.status", Some("attiva"), Some("bloccata"))
                .unwrap()
                .dopo
                .as_deref(),
            Some("Bloccata")
        );
        let servizio = read("mailbox.services[0].kind.tipo", None, Some("avanzata")).unwrap();
        assert_eq!(servizio.campo, "Servizio a pagamento 1, tipo");
        assert_eq!(servizio.dopo.as_deref(), Some("PEC Avanzata"));
    }

    #[test]
    fn bookkeeping_is_left_out_and_unknown_fields_are_shown_as_stored() {
        assert_eq!(read("mailbox.next_service_id", None, Some("1")), None);
        assert_eq!(read("mailbox.albo.stato", None, Some("iscritto")), None);
        assert_eq!(
            read("mailbox.reminders_sent[0].days_before", None, Some("30")),
            None
        );
        assert_eq!(read("mailbox.services[0].id", None, Some("1")), None);
        let unknown = read("nuovo.campo", None, Some("x")).unwrap();
        assert_eq!(unknown.campo, "nuovo.campo");
        assert_eq!(unknown.dopo.as_deref(), Some("x"));
        // A value that does not parse is shown as it is.
        let odd = read("mailbox.scadenza", None, Some("presto")).unwrap();
        assert_eq!(odd.dopo.as_deref(), Some("presto"));
    }
}
