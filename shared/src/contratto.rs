//! The PEC contract the holder accepts at first access and signs (DOMAIN.md, Lifecycle 2;
//! seed 004): its conditions, the onerous clauses he approves specifically (artt. 1341-1342
//! c.c.), the privacy notice (GDPR art. 13). The text is versioned: a new version applies
//! from its date, and what a holder accepted or signed keeps the version he was shown,
//! named by the SHA-256 of its text.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One version of the contract text.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersioneContratto {
    /// "2026.1".
    pub versione: String,
    pub in_vigore_dal: NaiveDate,
    pub titolo: String,
    /// Who provides the service and who offers it (the parties' description).
    pub premessa: Vec<String>,
    pub articoli: Vec<Articolo>,
    /// The articles approved specifically, by number.
    pub clausole_onerose: Vec<u32>,
    pub informativa_privacy: Vec<Paragrafo>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Articolo {
    pub numero: u32,
    pub titolo: String,
    /// Its paragraphs (commi).
    pub commi: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragrafo {
    pub titolo: String,
    pub testo: String,
}

impl VersioneContratto {
    /// The SHA-256 (hex) of the text, as recorded with each acceptance.
    pub fn impronta(&self) -> String {
        let text = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&text))
    }

    pub fn articolo(&self, numero: u32) -> Option<&Articolo> {
        self.articoli.iter().find(|a| a.numero == numero)
    }

    /// The onerous clauses, in order, as "Art. 8 (Limitazione di responsabilità)".
    pub fn elenco_clausole_onerose(&self) -> Vec<String> {
        self.clausole_onerose
            .iter()
            .filter_map(|n| self.articolo(*n))
            .map(|a| format!("Art. {} ({})", a.numero, a.titolo))
            .collect()
    }
}

/// The versions published, oldest first.
pub fn versioni() -> Vec<VersioneContratto> {
    vec![versione_2026_1()]
}

/// The version in force on `day` (the latest one in force by then).
pub fn in_vigore(day: NaiveDate) -> Option<VersioneContratto> {
    versioni()
        .into_iter()
        .filter(|v| v.in_vigore_dal <= day)
        .max_by_key(|v| v.in_vigore_dal)
}

fn articolo(numero: u32, titolo: &str, commi: &[&str]) -> Articolo {
    Articolo {
        numero,
        titolo: titolo.to_owned(),
        commi: commi.iter().map(|c| (*c).to_owned()).collect(),
    }
}

fn paragrafo(titolo: &str, testo: &str) -> Paragrafo {
    Paragrafo {
        titolo: titolo.to_owned(),
        testo: testo.to_owned(),
    }
}

fn versione_2026_1() -> VersioneContratto {
    VersioneContratto {
        versione: "2026.1".to_owned(),
        in_vigore_dal: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        titolo: "Condizioni del servizio di Posta Elettronica Certificata @ingpec.eu".to_owned(),
        premessa: vec![
            "Il Consiglio Nazionale degli Ingegneri, tramite la Fondazione CNI, mette gratuitamente a disposizione di ogni ingegnere iscritto all'Albo una casella di Posta Elettronica Certificata (PEC) nel dominio @ingpec.eu, fornita dal gestore PEC accreditato presso l'Agenzia per l'Italia Digitale con cui la Fondazione ha stipulato la convenzione.".to_owned(),
            "Le presenti condizioni regolano il rapporto tra il titolare della casella e il gestore; il titolare le accetta al primo accesso alla propria area riservata e le sottoscrive con firma digitale.".to_owned(),
        ],
        articoli: vec![
            articolo(1, "Oggetto", &[
                "Il gestore fornisce al titolare una casella PEC nominativa, con le caratteristiche del piano attivo (Base, gratuito, o Avanzata) e degli eventuali servizi aggiuntivi acquistati, secondo le regole tecniche del DPR 11 febbraio 2005, n. 68 e del Codice dell'Amministrazione Digitale.",
                "La casella consente invii illimitati, a non più di 500 destinatari per messaggio e fino a 50 MB per invio (dimensione per numero di destinatari); accetta anche posta non certificata; è accessibile da webmail e da programma di posta; è protetta da antivirus e antispam.",
            ]),
            articolo(2, "Attivazione e durata", &[
                "La casella è attivata dalla segreteria dell'Ordine di iscrizione ed è attiva dal momento della creazione. Ha durata annuale ed è rinnovata gratuitamente ogni anno nel piano Base finché il titolare resta iscritto all'Albo.",
                "I servizi a pagamento durano un anno dall'acquisto e si rinnovano pagandoli di nuovo.",
            ]),
            articolo(3, "Primo accesso e dati del titolare", &[
                "Al primo accesso il titolare verifica i propri dati anagrafici. Soltanto in questa occasione può chiedere la rettifica del cognome o l'aggiunta di un alias nell'indirizzo della casella; dopo il primo accesso l'indirizzo non si può più modificare.",
                "Il titolare mantiene aggiornati i propri dati e i recapiti di recupero delle credenziali (email e cellulare) dalla propria area riservata.",
            ]),
            articolo(4, "Obblighi del titolare", &[
                "Il titolare custodisce con diligenza le credenziali di accesso, non le cede a terzi ed è responsabile dell'uso della casella e dei contenuti trasmessi.",
                "Il titolare si impegna a non usare la casella per attività illecite, per l'invio di comunicazioni commerciali non richieste o in violazione di diritti di terzi.",
            ]),
            articolo(5, "Servizi a pagamento", &[
                "Il titolare può acquistare spazio aggiuntivo o il passaggio al piano Avanzata dalla propria area riservata, ai prezzi del listino in vigore alla data dell'acquisto, IVA inclusa; per ogni pagamento riceve ricevuta e fattura elettronica.",
            ]),
            articolo(6, "Scadenza e disattivazione dei servizi", &[
                "Un servizio a pagamento non rinnovato è disattivato alla scadenza e la casella torna alla configurazione Base (1 GB di inbox).",
                "I messaggi e i documenti contenuti negli spazi disattivati non sono più recuperabili. Nei tre mesi precedenti ogni scadenza il titolare riceve avvisi, inviati soltanto da indirizzi @fondazionecni.it, @fondazionecni.org o @ingpec.eu.",
            ]),
            articolo(7, "Cancellazione dall'Albo e disdetta", &[
                "In caso di cancellazione dall'Albo la casella resta attiva fino alla scadenza; se la cancellazione avviene nei 90 giorni precedenti la scadenza, la casella è rinnovata per un ulteriore anno.",
                "Il titolare può chiedere la cessazione immediata della casella con il modulo di disdetta, se l'Albo riporta un altro domicilio digitale; il titolare cancellato, o gli eredi del titolare deceduto, possono chiederla sempre.",
            ]),
            articolo(8, "Limitazione di responsabilità", &[
                "Il gestore risponde del servizio nei limiti delle regole tecniche della PEC e non risponde di danni derivanti da uso improprio delle credenziali, da interruzioni dovute a cause di forza maggiore o a interventi di manutenzione comunicati con anticipo.",
            ]),
            articolo(9, "Sospensione", &[
                "Il gestore può sospendere la casella in caso di uso illecito, di violazione delle presenti condizioni o su richiesta dell'autorità giudiziaria, dandone comunicazione al titolare.",
            ]),
            articolo(10, "Modifiche delle condizioni", &[
                "Le condizioni possono essere modificate con una nuova versione pubblicata nell'area riservata almeno trenta giorni prima della sua entrata in vigore; il titolare che non la accetta può chiedere la disdetta senza costi.",
            ]),
            articolo(11, "Legge applicabile e foro competente", &[
                "Il contratto è regolato dalla legge italiana. Per ogni controversia è competente il foro di residenza del titolare, se consumatore; altrimenti il foro di Roma.",
            ]),
        ],
        clausole_onerose: vec![6, 8, 9, 10, 11],
        informativa_privacy: vec![
            paragrafo("Titolare del trattamento", "La Fondazione del Consiglio Nazionale degli Ingegneri tratta i dati per la gestione della convenzione; il gestore PEC li tratta come responsabile del trattamento per la fornitura del servizio."),
            paragrafo("Dati e finalità", "Dati anagrafici, codice fiscale, Ordine e stato di iscrizione all'Albo, recapiti e dati dei servizi acquistati, trattati per attivare e gestire la casella, rinnovarla, fatturare i servizi a pagamento e adempiere agli obblighi di legge."),
            paragrafo("Base giuridica", "L'esecuzione del contratto (art. 6, par. 1, lett. b GDPR) e gli obblighi di legge (lett. c), compresa la tenuta dei registri della PEC."),
            paragrafo("Conservazione", "Per la durata del servizio e, dopo la sua cessazione, per i tempi previsti dalla legge per i registri della PEC e per i documenti fiscali."),
            paragrafo("Diritti dell'interessato", "Accesso, rettifica, cancellazione nei limiti di legge, limitazione, opposizione e portabilità (artt. 15-22 GDPR), con richiesta alla Fondazione; reclamo al Garante per la protezione dei dati personali."),
        ],
    }
}

/// The steps of a holder's first access, in their order (seed 004).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Passo {
    /// He checks his anagrafica (and may ask, only now, to correct his address).
    Anagrafica,
    /// He accepts the conditions.
    Condizioni,
    /// He approves each onerous clause specifically (artt. 1341-1342 c.c.).
    Clausole,
    /// He reads the privacy notice; his first access is then complete.
    Informativa,
}

impl Passo {
    pub const ORDINE: [Passo; 4] = [
        Passo::Anagrafica,
        Passo::Condizioni,
        Passo::Clausole,
        Passo::Informativa,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            Passo::Anagrafica => "verifica dei dati anagrafici",
            Passo::Condizioni => "accettazione delle condizioni",
            Passo::Clausole => "approvazione specifica delle clausole",
            Passo::Informativa => "presa visione dell'informativa sulla privacy",
        }
    }

    /// The step to take after those `done`, `None` once all are.
    pub fn prossimo(done: &[PassoAccettato]) -> Option<Passo> {
        Passo::ORDINE
            .into_iter()
            .find(|p| !done.iter().any(|d| d.passo == *p))
    }
}

/// A step taken: when, and the text it was taken on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassoAccettato {
    pub passo: Passo,
    pub il: chrono::DateTime<chrono::Utc>,
    pub versione: String,
    /// The SHA-256 of the text shown.
    pub impronta: String,
    /// The onerous clauses approved, by article.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clausole: Vec<u32>,
    /// At the anagrafica step: the surname as he wrote it for his address, when he
    /// corrected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognome_indirizzo: Option<String>,
    /// A correction asked for in words, as the first version of the step recorded it
    /// (kept: a person may still have to act on it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub richiesta_correzione: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_in_force_and_its_onerous_clauses() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let v = in_vigore(day).unwrap();
        assert_eq!(v.versione, "2026.1");
        assert!(in_vigore(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()).is_none());
        let onerose = v.elenco_clausole_onerose();
        assert_eq!(onerose.len(), v.clausole_onerose.len());
        assert!(
            onerose
                .iter()
                .any(|c| c.contains("Limitazione di responsabilità"))
        );
        // The hash names the text: the same text, the same hash; any change, another.
        assert_eq!(v.impronta(), in_vigore(day).unwrap().impronta());
        let mut changed = v.clone();
        changed.articoli[0].commi[0].push('.');
        assert_ne!(changed.impronta(), v.impronta());
        assert_eq!(v.impronta().len(), 64);
    }

    #[test]
    fn first_access_steps_go_in_order() {
        let taken = |passo| PassoAccettato {
            passo,
            il: chrono::Utc::now(),
            versione: "2026.1".into(),
            impronta: String::new(),
            clausole: Vec::new(),
            cognome_indirizzo: None,
            richiesta_correzione: None,
        };
        assert_eq!(Passo::prossimo(&[]), Some(Passo::Anagrafica));
        let done = [taken(Passo::Anagrafica), taken(Passo::Condizioni)];
        assert_eq!(Passo::prossimo(&done), Some(Passo::Clausole));
        let all = Passo::ORDINE.map(taken);
        assert_eq!(Passo::prossimo(&all), None);
    }
}
