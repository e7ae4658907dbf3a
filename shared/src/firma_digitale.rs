//! The digital-signature convention (seed 003, DOMAIN.md "Digital signature convention"):
//! the engineers buy their signature from Aruba under the codes `CNSCNI18` (CNS smart-card
//! kits and readers) and `FRCNI25` (remote signature with OTP). The purchase is validated
//! only if the buyer's data match the Albo exactly; a CNS kit is shipped to his Ordine and
//! picked up there with an identity document, a remote signature is identified remotely
//! and delivered home.
//!
//! Here: the price list (versioned, like the PEC catalog) and its quotes, the Albo check of
//! a request, the states a request goes through, and the certificate's expiry reminders.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::QuoteLine;
use crate::codice_fiscale::CodiceFiscale;
use crate::member::{AlboRecord, Anagrafica, FieldError};
use crate::money::{IVA_PERCENT, Money};
use crate::province::OrdineCode;

/// The convention's codes, which the buyer types on Aruba's site.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodiceConvenzione {
    #[serde(rename = "CNSCNI18")]
    Cnscni18,
    #[serde(rename = "FRCNI25")]
    Frcni25,
}

impl CodiceConvenzione {
    pub const ALL: [Self; 2] = [Self::Cnscni18, Self::Frcni25];

    pub fn codice(self) -> &'static str {
        match self {
            Self::Cnscni18 => "CNSCNI18",
            Self::Frcni25 => "FRCNI25",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.codice().eq_ignore_ascii_case(text.trim()))
    }

    pub fn descrizione(self) -> &'static str {
        match self {
            Self::Cnscni18 => "Kit di firma digitale con CNS/smart card e lettori",
            Self::Frcni25 => "Firma digitale remota con OTP",
        }
    }
}

/// What the convention sells.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProdottoFirma {
    KitCnsArubaKey,
    SmartCardLettore,
    SmartCard,
    LettoreDaTavolo,
    LettoreArubaKey,
    OtpMobile,
    OtpDisplay,
    RinnovoCns,
    RinnovoFirmaRemota,
}

/// The certificate a product issues or renews.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TipoCertificato {
    /// The CNS with the role certificate, on a smart card.
    Cns,
    /// The remote signature's certificate.
    FirmaRemota,
}

impl TipoCertificato {
    pub const ALL: [Self; 2] = [Self::Cns, Self::FirmaRemota];

    pub fn nome(self) -> &'static str {
        match self {
            Self::Cns => "certificato CNS con certificato di ruolo",
            Self::FirmaRemota => "certificato di firma remota",
        }
    }

    /// The product that renews it.
    pub fn rinnovo(self) -> ProdottoFirma {
        match self {
            Self::Cns => ProdottoFirma::RinnovoCns,
            Self::FirmaRemota => ProdottoFirma::RinnovoFirmaRemota,
        }
    }
}

/// Where the product reaches the member.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consegna {
    /// Shipped to his Ordine, picked up in person with an identity document.
    PressoOrdine,
    /// Identified remotely, shipped to his home (since 15 January 2025).
    AlDomicilio,
    /// A certificate renewal: nothing is shipped.
    Online,
}

impl Consegna {
    pub fn nome(self) -> &'static str {
        match self {
            Self::PressoOrdine => "ritiro presso l'Ordine",
            Self::AlDomicilio => "consegna al domicilio",
            Self::Online => "rinnovo online",
        }
    }

    /// The states a request goes through, from filed to done.
    pub fn percorso(self) -> &'static [StatoFirma] {
        use StatoFirma::*;
        match self {
            Self::PressoOrdine => &[
                InAttesa,
                Validata,
                Prodotta,
                SpeditaAllOrdine,
                ArrivataAllOrdine,
                Ritirata,
            ],
            Self::AlDomicilio => &[InAttesa, Validata, Prodotta, SpeditaAlDomicilio, Consegnata],
            Self::Online => &[InAttesa, Validata, Rinnovata],
        }
    }
}

impl ProdottoFirma {
    pub const ALL: [Self; 9] = [
        Self::KitCnsArubaKey,
        Self::SmartCardLettore,
        Self::SmartCard,
        Self::LettoreDaTavolo,
        Self::LettoreArubaKey,
        Self::OtpMobile,
        Self::OtpDisplay,
        Self::RinnovoCns,
        Self::RinnovoFirmaRemota,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            Self::KitCnsArubaKey => {
                "Kit CNS + Aruba Key Card Reader con certificato di ruolo e layout personalizzato"
            }
            Self::SmartCardLettore => {
                "Smart card CNS + lettore da tavolo con certificato di ruolo e layout personalizzato"
            }
            Self::SmartCard => "Smart card CNS con certificato di ruolo e layout personalizzato",
            Self::LettoreDaTavolo => "Lettore smart card da tavolo",
            Self::LettoreArubaKey => "Lettore Aruba Key smart card",
            Self::OtpMobile => "Firma remota OTP Mobile",
            Self::OtpDisplay => "Firma remota OTP Display",
            Self::RinnovoCns => "Rinnovo certificato CNS con certificato di ruolo",
            Self::RinnovoFirmaRemota => "Rinnovo certificato firma remota",
        }
    }

    pub fn convenzione(self) -> CodiceConvenzione {
        match self {
            Self::OtpMobile | Self::OtpDisplay | Self::RinnovoFirmaRemota => {
                CodiceConvenzione::Frcni25
            }
            _ => CodiceConvenzione::Cnscni18,
        }
    }

    /// Everything under `CNSCNI18` goes to the Ordine; a remote signature home, both its
    /// app and its display token (**[decision]**: the seed names no exception); a
    /// renewal ships nothing.
    pub fn consegna(self) -> Consegna {
        match self {
            Self::RinnovoCns | Self::RinnovoFirmaRemota => Consegna::Online,
            Self::OtpMobile | Self::OtpDisplay => Consegna::AlDomicilio,
            _ => Consegna::PressoOrdine,
        }
    }

    /// The certificate it issues or renews (a reader alone has none).
    pub fn certificato(self) -> Option<TipoCertificato> {
        match self {
            Self::KitCnsArubaKey | Self::SmartCardLettore | Self::SmartCard | Self::RinnovoCns => {
                Some(TipoCertificato::Cns)
            }
            Self::OtpMobile | Self::OtpDisplay | Self::RinnovoFirmaRemota => {
                Some(TipoCertificato::FirmaRemota)
            }
            Self::LettoreDaTavolo | Self::LettoreArubaKey => None,
        }
    }

    /// A new remote signature needs the buyer identified remotely; a kit is identified at
    /// the Ordine when it is picked up; a renewal is made with the certificate itself.
    pub fn riconoscimento_a_distanza(self) -> bool {
        self.consegna() == Consegna::AlDomicilio
    }

    pub fn parse(text: &str) -> Option<Self> {
        crate::serde_name::parse(text)
    }
}

/// How a remote signature's buyer is identified.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Riconoscimento {
    /// With a digital signature, the CIE, a CNS or TS-CNS.
    FirmaDigitale,
    /// With a remote signature of Aruba PEC or Actalis.
    FirmaRemota,
    Spid,
    /// De visu online: a video call with an operator.
    Dvo,
}

impl Riconoscimento {
    pub const ALL: [Self; 4] = [
        Self::FirmaDigitale,
        Self::FirmaRemota,
        Self::Spid,
        Self::Dvo,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            Self::FirmaDigitale => "Riconoscimento con firma digitale, CIE, CNS o TS-CNS",
            Self::FirmaRemota => "Riconoscimento con firma remota (Aruba PEC o Actalis)",
            Self::Spid => "Riconoscimento con SPID",
            Self::Dvo => "Riconoscimento DVO (de visu online, in videochiamata)",
        }
    }
}

/// Which price list: the convention's version, named by the day it came into force.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListinoFirmaId {
    /// The fees of seed 003, with remote identification since 15 January 2025.
    Convenzione2025,
}

impl ListinoFirmaId {
    pub fn nome(self) -> &'static str {
        match self {
            Self::Convenzione2025 => "Convenzione CNI – tariffe dal 15/01/2025",
        }
    }
}

/// One version of the convention's fees, net of IVA.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListinoFirma {
    pub id: ListinoFirmaId,
    pub dal: NaiveDate,
    pub prodotti: Vec<(ProdottoFirma, Money)>,
    pub riconoscimenti: Vec<(Riconoscimento, Money)>,
    pub spedizione_iscritto: Money,
    pub spedizione_ordine: Money,
}

/// Every version, oldest first.
pub fn listini() -> Vec<ListinoFirma> {
    use ProdottoFirma::*;
    vec![ListinoFirma {
        id: ListinoFirmaId::Convenzione2025,
        dal: NaiveDate::from_ymd_opt(2025, 1, 15).expect("valid date"),
        prodotti: vec![
            (KitCnsArubaKey, Money::cents(5850)),
            (SmartCardLettore, Money::cents(4400)),
            (SmartCard, Money::cents(3750)),
            (LettoreDaTavolo, Money::cents(1290)),
            (LettoreArubaKey, Money::cents(3800)),
            (OtpMobile, Money::cents(3750)),
            (OtpDisplay, Money::cents(3930)),
            (RinnovoCns, Money::cents(3600)),
            (RinnovoFirmaRemota, Money::cents(3600)),
        ],
        riconoscimenti: vec![
            (Riconoscimento::FirmaDigitale, Money::ZERO),
            (Riconoscimento::FirmaRemota, Money::ZERO),
            (Riconoscimento::Spid, Money::cents(400)),
            (Riconoscimento::Dvo, Money::cents(2250)),
        ],
        spedizione_iscritto: Money::cents(800),
        spedizione_ordine: Money::cents(500),
    }]
}

/// The version in force on `date`.
pub fn in_vigore(date: NaiveDate) -> Option<ListinoFirma> {
    listini().into_iter().rev().find(|l| l.dal <= date)
}

/// A quote: what the request costs, net, IVA and total.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreventivoFirma {
    pub listino: ListinoFirmaId,
    pub data: NaiveDate,
    pub righe: Vec<QuoteLine>,
    pub netto: Money,
    pub iva_percent: i64,
    pub iva: Money,
    pub totale: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PreventivoError {
    #[error("Nessuna tariffa della convenzione è in vigore il {}.", .0.format("%d/%m/%Y"))]
    NessunListino(NaiveDate),
    #[error("Il prodotto scelto non è nel listino in vigore.")]
    NonInListino,
    #[error(
        "La firma remota richiede il riconoscimento a distanza: scegli come farti riconoscere."
    )]
    RiconoscimentoMancante,
    #[error("{0}")]
    RiconoscimentoNonPrevisto(&'static str),
}

impl PreventivoError {
    /// The form's field the error concerns.
    pub fn campo(&self) -> &'static str {
        match self {
            Self::RiconoscimentoMancante | Self::RiconoscimentoNonPrevisto(_) => "riconoscimento",
            Self::NessunListino(_) | Self::NonInListino => "prodotto",
        }
    }
}

impl ListinoFirma {
    pub fn prezzo(&self, prodotto: ProdottoFirma) -> Option<Money> {
        self.prodotti
            .iter()
            .find(|(p, _)| *p == prodotto)
            .map(|(_, m)| *m)
    }

    pub fn prezzo_riconoscimento(&self, r: Riconoscimento) -> Option<Money> {
        self.riconoscimenti
            .iter()
            .find(|(x, _)| *x == r)
            .map(|(_, m)| *m)
    }

    /// The quote of `prodotto`, identified by `riconoscimento` where it must be, with its
    /// shipping (to the Ordine or home).
    pub fn preventivo(
        &self,
        prodotto: ProdottoFirma,
        riconoscimento: Option<Riconoscimento>,
        data: NaiveDate,
    ) -> Result<PreventivoFirma, PreventivoError> {
        let riga = |descrizione: &str, prezzo: Money| QuoteLine {
            descrizione: descrizione.to_owned(),
            quantity: 1,
            unit_price: prezzo,
            net: prezzo,
        };
        let prezzo = self.prezzo(prodotto).ok_or(PreventivoError::NonInListino)?;
        let mut righe = vec![riga(prodotto.nome(), prezzo)];
        match (prodotto.riconoscimento_a_distanza(), riconoscimento) {
            (true, None) => return Err(PreventivoError::RiconoscimentoMancante),
            (true, Some(r)) => {
                let prezzo = self
                    .prezzo_riconoscimento(r)
                    .ok_or(PreventivoError::NonInListino)?;
                righe.push(riga(r.nome(), prezzo));
            }
            (false, Some(_)) if prodotto.consegna() == Consegna::PressoOrdine => {
                return Err(PreventivoError::RiconoscimentoNonPrevisto(
                    "Il kit si ritira all'Ordine di persona, con un documento d'identità: non serve il riconoscimento a distanza.",
                ));
            }
            (false, Some(_)) => {
                return Err(PreventivoError::RiconoscimentoNonPrevisto(
                    "Il rinnovo si fa con il certificato in corso di validità: non serve un nuovo riconoscimento.",
                ));
            }
            (false, None) => {}
        }
        match prodotto.consegna() {
            Consegna::PressoOrdine => {
                righe.push(riga("Spedizione presso l'Ordine", self.spedizione_ordine))
            }
            Consegna::AlDomicilio => righe.push(riga(
                "Spedizione presso l'iscritto",
                self.spedizione_iscritto,
            )),
            Consegna::Online => {}
        }
        let netto: Money = righe.iter().map(|r| r.net).sum();
        let iva = netto.iva();
        Ok(PreventivoFirma {
            listino: self.id,
            data,
            righe,
            netto,
            iva_percent: IVA_PERCENT,
            iva,
            totale: netto + iva,
        })
    }
}

/// The quote of `prodotto` on `data`, by the version in force then.
pub fn preventivo(
    prodotto: ProdottoFirma,
    riconoscimento: Option<Riconoscimento>,
    data: NaiveDate,
) -> Result<PreventivoFirma, PreventivoError> {
    in_vigore(data)
        .ok_or(PreventivoError::NessunListino(data))?
        .preventivo(prodotto, riconoscimento, data)
}

/// The registration data the buyer declares, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatiIscrizione {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: String,
    /// The Ordine's sigla.
    pub ordine: String,
    pub numero_iscrizione: String,
}

/// Spaces collapsed and case ignored; every other character (accents, apostrophes)
/// counts, as Aruba's validation compares them.
fn normalized(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// A field of the declared data that differs from the Albo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Differenza {
    /// The form's field.
    pub campo: &'static str,
    /// How the message names it.
    pub etichetta: &'static str,
    /// What the Albo has.
    pub albo: String,
}

/// Where the declared data differ from the Albo's (`albo`: his Anagrafica and record), in
/// the form's order; empty when they coincide.
pub fn differenze_albo(
    dichiarati: &DatiIscrizione,
    albo: (&Anagrafica, &AlboRecord),
) -> Vec<Differenza> {
    let (anagrafica, record) = albo;
    [
        (
            "nome",
            "il nome",
            &dichiarati.nome,
            anagrafica.nome.as_str(),
        ),
        (
            "cognome",
            "il cognome",
            &dichiarati.cognome,
            anagrafica.cognome.as_str(),
        ),
        (
            "codice_fiscale",
            "il codice fiscale",
            &dichiarati.codice_fiscale,
            anagrafica.codice_fiscale.as_str(),
        ),
        (
            "ordine",
            "l'Ordine",
            &dichiarati.ordine,
            record.ordine.as_str(),
        ),
        (
            "numero_iscrizione",
            "il numero di iscrizione",
            &dichiarati.numero_iscrizione,
            record.numero_iscrizione.as_str(),
        ),
    ]
    .into_iter()
    .filter(|(_, _, typed, albo)| normalized(typed) != normalized(albo))
    .map(|(campo, etichetta, _, albo)| Differenza {
        campo,
        etichetta,
        albo: albo.to_owned(),
    })
    .collect()
}

/// What the member reads: each field that differs, what the Albo has, and that the Albo
/// is corrected through his Ordine.
pub fn messaggio_differenze(differenze: &[Differenza]) -> String {
    let campi: Vec<String> = differenze
        .iter()
        .map(|d| format!("{} (nell'Albo «{}»)", d.etichetta, d.albo))
        .collect();
    format!(
        "I dati non coincidono con quelli dell'Albo: {}. Aruba valida l'acquisto solo con i dati dell'Albo: \
         se è l'Albo a essere sbagliato, chiedi alla segreteria del tuo Ordine di correggerlo, poi presenta la richiesta.",
        campi.join(", ")
    )
}

/// Where a request stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatoFirma {
    /// Filed: the secretariat validates it.
    InAttesa,
    Respinta,
    Validata,
    /// Aruba has produced the kit or the signature.
    Prodotta,
    SpeditaAllOrdine,
    /// At the Ordine, waiting for its holder: the register.
    ArrivataAllOrdine,
    Ritirata,
    SpeditaAlDomicilio,
    Consegnata,
    Rinnovata,
}

impl StatoFirma {
    pub const ALL: [Self; 10] = [
        Self::InAttesa,
        Self::Validata,
        Self::Prodotta,
        Self::SpeditaAllOrdine,
        Self::ArrivataAllOrdine,
        Self::Ritirata,
        Self::SpeditaAlDomicilio,
        Self::Consegnata,
        Self::Rinnovata,
        Self::Respinta,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            Self::InAttesa => "In attesa di validazione",
            Self::Respinta => "Respinta",
            Self::Validata => "Validata",
            Self::Prodotta => "Prodotta",
            Self::SpeditaAllOrdine => "Spedita all'Ordine",
            Self::ArrivataAllOrdine => "Arrivata all'Ordine",
            Self::Ritirata => "Ritirata",
            Self::SpeditaAlDomicilio => "Spedita al domicilio",
            Self::Consegnata => "Consegnata",
            Self::Rinnovata => "Rinnovata",
        }
    }

    /// What the secretariat's button says to move a request here.
    pub fn azione(self) -> &'static str {
        match self {
            Self::InAttesa => "Presenta",
            Self::Respinta => "Respingi",
            Self::Validata => "Valida",
            Self::Prodotta => "Segna come prodotta",
            Self::SpeditaAllOrdine => "Segna come spedita all'Ordine",
            Self::ArrivataAllOrdine => "Segna come arrivata all'Ordine",
            Self::Ritirata => "Registra il ritiro",
            Self::SpeditaAlDomicilio => "Segna come spedita al domicilio",
            Self::Consegnata => "Registra la consegna",
            Self::Rinnovata => "Registra il rinnovo",
        }
    }

    pub fn slug(self) -> String {
        crate::serde_name::of(self)
    }

    pub fn parse(text: &str) -> Option<Self> {
        crate::serde_name::parse(text)
    }

    /// Done: nothing follows.
    pub fn conclusa(self) -> bool {
        matches!(
            self,
            Self::Respinta | Self::Ritirata | Self::Consegnata | Self::Rinnovata
        )
    }
}

/// The identity documents a pickup accepts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TipoDocumentoIdentita {
    CartaIdentita,
    Passaporto,
    Patente,
}

impl TipoDocumentoIdentita {
    pub const ALL: [Self; 3] = [Self::CartaIdentita, Self::Passaporto, Self::Patente];

    pub fn nome(self) -> &'static str {
        match self {
            Self::CartaIdentita => "Carta d'identità",
            Self::Passaporto => "Passaporto",
            Self::Patente => "Patente di guida",
        }
    }
}

/// The document shown at the pickup.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentoMostrato {
    pub tipo: TipoDocumentoIdentita,
    pub numero: String,
}

/// Who picked the kit up: the holder, or a delegate with the holder's written delegation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegato {
    pub nome: String,
    pub cognome: String,
}

/// A pickup at the Ordine, as recorded.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ritiro {
    pub il: NaiveDate,
    /// `None`: the holder himself.
    #[serde(default)]
    pub delegato: Option<Delegato>,
    /// The document of whoever picked it up.
    pub documento: DocumentoMostrato,
}

/// A step the secretariat records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassoFirma {
    /// The state the request moves to.
    pub verso: StatoFirma,
    /// Why it is refused (to `Respinta`).
    #[serde(default)]
    pub motivo: Option<String>,
    /// The pickup (to `Ritirata`).
    #[serde(default)]
    pub ritiro: Option<RitiroForm>,
    /// The certificate's expiry, at the pickup or the delivery.
    #[serde(default)]
    pub scadenza_certificato: Option<NaiveDate>,
}

/// The pickup as the secretariat types it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RitiroForm {
    pub il: Option<NaiveDate>,
    /// Picked up by a delegate.
    #[serde(default)]
    pub delegato: bool,
    #[serde(default)]
    pub delegato_nome: String,
    #[serde(default)]
    pub delegato_cognome: String,
    /// The holder's signed delegation was shown and kept.
    #[serde(default)]
    pub delega_presentata: bool,
    pub documento_tipo: Option<TipoDocumentoIdentita>,
    #[serde(default)]
    pub documento_numero: String,
}

/// One step in a request's history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassoRegistrato {
    pub stato: StatoFirma,
    pub il: DateTime<Utc>,
    /// The day in Italy it was recorded.
    pub giorno: NaiveDate,
    /// Who recorded it (the audit's actor).
    pub da: String,
}

/// A member's request under the convention.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichiestaFirma {
    /// The member's requests in order: 1, 2, …
    pub numero: u32,
    pub codice_fiscale: CodiceFiscale,
    pub nome: String,
    pub cognome: String,
    pub ordine: OrdineCode,
    pub numero_iscrizione: String,
    pub prodotto: ProdottoFirma,
    #[serde(default)]
    pub riconoscimento: Option<Riconoscimento>,
    pub consegna: Consegna,
    /// Where a home delivery goes (his address in the Anagrafica when he asked).
    #[serde(default)]
    pub indirizzo_consegna: Option<String>,
    pub preventivo: PreventivoFirma,
    pub presentata_il: DateTime<Utc>,
    pub stato: StatoFirma,
    /// Since when it is in its state (the register's order), and that day in Italy.
    pub dal: DateTime<Utc>,
    pub dal_giorno: NaiveDate,
    #[serde(default)]
    pub passi: Vec<PassoRegistrato>,
    #[serde(default)]
    pub motivo: Option<String>,
    #[serde(default)]
    pub ritiro: Option<Ritiro>,
    #[serde(default)]
    pub scadenza_certificato: Option<NaiveDate>,
}

/// Why a step cannot be recorded, in Italian, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PassoError {
    #[error("{}", fuori_sequenza(*.attuale, *.atteso))]
    FuoriSequenza {
        attuale: StatoFirma,
        atteso: Option<StatoFirma>,
    },
    #[error("{}", .0.first().map_or("Dati non validi.", |e| e.message.as_str()))]
    Campi(Vec<FieldError>),
}

fn fuori_sequenza(attuale: StatoFirma, atteso: Option<StatoFirma>) -> String {
    match atteso {
        Some(atteso) => format!(
            "La richiesta è «{}»: il passo successivo è «{}».",
            attuale.nome(),
            atteso.nome()
        ),
        None => format!(
            "La richiesta è «{}»: è conclusa, non ci sono altri passi.",
            attuale.nome()
        ),
    }
}

/// "tra 3 giorni", "domani", "oggi": how far `scadenza` is from `oggi`.
pub fn tra(oggi: NaiveDate, scadenza: NaiveDate) -> String {
    match (scadenza - oggi).num_days() {
        0 => "oggi".to_owned(),
        1 => "domani".to_owned(),
        n => format!("tra {n} giorni"),
    }
}

/// Longest validity a certificate can be given (they last three years): a typing slip in
/// the year is caught. **[decision]**
pub const VALIDITA_MASSIMA_ANNI: i32 = 6;

impl RichiestaFirma {
    /// The state that follows this one on its path (none once done or refused).
    pub fn prossimo(&self) -> Option<StatoFirma> {
        let path = self.consegna.percorso();
        let at = path.iter().position(|s| *s == self.stato)?;
        path.get(at + 1).copied()
    }

    /// The day in Italy it moved into `stato`, if it did.
    pub fn giorno(&self, stato: StatoFirma) -> Option<NaiveDate> {
        self.passi
            .iter()
            .find(|p| p.stato == stato)
            .map(|p| p.giorno)
    }

    /// Days it has waited in its state on `oggi`.
    pub fn giorni_nello_stato(&self, oggi: NaiveDate) -> i64 {
        (oggi - self.dal_giorno).num_days().max(0)
    }

    /// Applies `passo`, recorded by `da` at `now` (`oggi`: the day in Italy). Nothing
    /// changes when it is refused.
    pub fn avanza(
        &mut self,
        passo: &PassoFirma,
        da: &str,
        now: DateTime<Utc>,
        oggi: NaiveDate,
    ) -> Result<(), PassoError> {
        let fuori = || PassoError::FuoriSequenza {
            attuale: self.stato,
            atteso: self.prossimo(),
        };
        let mut errors = Vec::new();
        let mut motivo = None;
        let mut ritiro = None;
        let mut scadenza = None;
        match passo.verso {
            StatoFirma::Respinta => {
                if self.stato != StatoFirma::InAttesa {
                    return Err(fuori());
                }
                match passo
                    .motivo
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                {
                    Some(m) => motivo = Some(m.to_owned()),
                    None => errors.push(FieldError::new(
                        "motivo",
                        "Indica il motivo: l'iscritto lo leggerà.",
                    )),
                }
            }
            verso if Some(verso) == self.prossimo() => {
                if verso == StatoFirma::Ritirata {
                    let arrivata = self.giorno(StatoFirma::ArrivataAllOrdine).unwrap_or(oggi);
                    match passo.ritiro.as_ref() {
                        None => errors.push(FieldError::new(
                            "documento_tipo",
                            "Registra il documento d'identità mostrato al ritiro.",
                        )),
                        Some(form) => match ritiro_valido(form, arrivata, oggi) {
                            Ok(r) => ritiro = Some(r),
                            Err(mut e) => errors.append(&mut e),
                        },
                    }
                }
                if self.concludendo(verso) && self.prodotto.certificato().is_some() {
                    match passo.scadenza_certificato {
                        None => errors.push(FieldError::new(
                            "scadenza_certificato",
                            "Indica la data di scadenza del certificato: l'iscritto riceverà i promemoria per il rinnovo.",
                        )),
                        Some(d)
                            if d <= oggi
                                || d > oggi
                                    .checked_add_months(chrono::Months::new(
                                        12 * VALIDITA_MASSIMA_ANNI as u32,
                                    ))
                                    .unwrap_or(oggi) =>
                        {
                            errors.push(FieldError::new(
                                "scadenza_certificato",
                                format!(
                                    "La scadenza del certificato deve essere dopo oggi ed entro {VALIDITA_MASSIMA_ANNI} anni."
                                ),
                            ))
                        }
                        Some(d) => scadenza = Some(d),
                    }
                }
            }
            _ => return Err(fuori()),
        }
        if !errors.is_empty() {
            return Err(PassoError::Campi(errors));
        }
        self.stato = passo.verso;
        self.dal = now;
        self.dal_giorno = oggi;
        self.passi.push(PassoRegistrato {
            stato: passo.verso,
            il: now,
            giorno: oggi,
            da: da.to_owned(),
        });
        if motivo.is_some() {
            self.motivo = motivo;
        }
        if ritiro.is_some() {
            self.ritiro = ritiro;
        }
        if scadenza.is_some() {
            self.scadenza_certificato = scadenza;
        }
        Ok(())
    }

    /// Whether `verso` ends the request with the product in the member's hands.
    fn concludendo(&self, verso: StatoFirma) -> bool {
        verso.conclusa() && verso != StatoFirma::Respinta
    }

    /// The certificate it leaves the member, once done.
    pub fn certificato(&self) -> Option<(TipoCertificato, NaiveDate)> {
        if !self.concludendo(self.stato) {
            return None;
        }
        Some((self.prodotto.certificato()?, self.scadenza_certificato?))
    }
}

fn ritiro_valido(
    form: &RitiroForm,
    arrivata: NaiveDate,
    oggi: NaiveDate,
) -> Result<Ritiro, Vec<FieldError>> {
    let mut errors = Vec::new();
    let il = form.il.unwrap_or(oggi);
    if il > oggi {
        errors.push(FieldError::new(
            "ritiro_il",
            "La data del ritiro non può essere futura.",
        ));
    } else if il < arrivata {
        errors.push(FieldError::new(
            "ritiro_il",
            format!(
                "Il kit è arrivato all'Ordine il {}: il ritiro non può essere precedente.",
                arrivata.format("%d/%m/%Y")
            ),
        ));
    }
    if form.documento_tipo.is_none() {
        errors.push(FieldError::new(
            "documento_tipo",
            "Indica il tipo di documento d'identità mostrato al ritiro.",
        ));
    }
    let numero = form.documento_numero.trim();
    if numero.chars().filter(char::is_ascii_alphanumeric).count() < 5 || numero.len() > 30 {
        errors.push(FieldError::new(
            "documento_numero",
            "Indica il numero del documento d'identità mostrato (da 5 a 30 caratteri).",
        ));
    }
    let delegato = if form.delegato {
        let (nome, cognome) = (form.delegato_nome.trim(), form.delegato_cognome.trim());
        if nome.is_empty() {
            errors.push(FieldError::new(
                "delegato_nome",
                "Indica il nome del delegato.",
            ));
        }
        if cognome.is_empty() {
            errors.push(FieldError::new(
                "delegato_cognome",
                "Indica il cognome del delegato.",
            ));
        }
        if !form.delega_presentata {
            errors.push(FieldError::new(
                "delega_presentata",
                "Il delegato deve consegnare la delega firmata dall'iscritto, con la copia del documento dell'iscritto.",
            ));
        }
        Some(Delegato {
            nome: nome.to_owned(),
            cognome: cognome.to_owned(),
        })
    } else {
        None
    };
    match (errors.is_empty(), form.documento_tipo) {
        (true, Some(tipo)) => Ok(Ritiro {
            il,
            delegato,
            documento: DocumentoMostrato {
                tipo,
                numero: numero.to_uppercase(),
            },
        }),
        _ => Err(errors),
    }
}

/// Days before a certificate's expiry its holder is reminded (the 3 months before).
pub const PROMEMORIA_GIORNI: [i64; 3] = [90, 30, 7];

/// A member's certificate and the reminders sent for its expiry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificatoFirma {
    pub codice_fiscale: CodiceFiscale,
    pub tipo: TipoCertificato,
    pub scadenza: NaiveDate,
    /// The request that issued or last renewed it.
    pub richiesta: u32,
    /// The reminders sent (days before), for this expiry.
    #[serde(default)]
    pub promemoria: Vec<i64>,
}

impl CertificatoFirma {
    /// The reminder due on `oggi` and not yet sent: the nearest mark it has passed.
    pub fn promemoria_dovuto(&self, oggi: NaiveDate) -> Option<i64> {
        let left = (self.scadenza - oggi).num_days();
        if left < 0 {
            return None;
        }
        PROMEMORIA_GIORNI
            .into_iter()
            .filter(|mark| left <= *mark)
            .min()
            .filter(|mark| !self.promemoria.contains(mark))
    }

    /// The reminder's text.
    pub fn messaggio(&self, oggi: NaiveDate) -> String {
        let rinnovo = self.tipo.rinnovo();
        let prezzo = in_vigore(oggi)
            .and_then(|l| l.prezzo(rinnovo))
            .map(|p| format!(" ({p} + IVA in convenzione)"))
            .unwrap_or_default();
        format!(
            "Il tuo {} scade il {} ({}). Dopo la scadenza non potrai più firmare con questo certificato.\n\n\
             Puoi richiederne il rinnovo{prezzo} dalla tua area riservata di PEC Ingegneri, alla voce «Firma digitale», \
             con il codice convenzione {}.",
            self.tipo.nome(),
            self.scadenza.format("%d/%m/%Y"),
            tra(oggi, self.scadenza),
            rinnovo.convenzione().codice(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::AlboStatus;
    use crate::member::AnagraficaInput;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("instant")
    }

    #[test]
    fn every_product_is_priced_under_its_code() {
        let listino = in_vigore(day("2026-11-30")).expect("in force");
        for p in ProdottoFirma::ALL {
            assert!(listino.prezzo(p).is_some(), "{p:?}");
        }
        assert_eq!(ProdottoFirma::OtpDisplay.convenzione().codice(), "FRCNI25");
        assert_eq!(ProdottoFirma::SmartCard.convenzione().codice(), "CNSCNI18");
        assert!(in_vigore(day("2025-01-14")).is_none());
        assert_eq!(
            CodiceConvenzione::parse("frcni25"),
            Some(CodiceConvenzione::Frcni25)
        );
        assert_eq!(
            ProdottoFirma::parse("otp-display"),
            Some(ProdottoFirma::OtpDisplay)
        );
    }

    #[test]
    fn a_kit_quote_adds_shipping_to_the_ordine() {
        let q = preventivo(ProdottoFirma::KitCnsArubaKey, None, day("2026-11-30")).expect("q");
        assert_eq!(q.righe.len(), 2);
        assert_eq!(q.netto, Money::cents(5850 + 500));
        assert_eq!(q.iva, Money::cents(1397)); // 22% of 63.50 = 13.97
        assert_eq!(q.totale, Money::cents(6350 + 1397));
        assert_eq!(
            preventivo(
                ProdottoFirma::SmartCard,
                Some(Riconoscimento::Spid),
                day("2026-11-30")
            )
            .expect_err("no remote identification for a kit")
            .campo(),
            "riconoscimento"
        );
    }

    #[test]
    fn a_remote_signature_needs_its_identification_and_ships_home() {
        let d = day("2026-11-30");
        assert_eq!(
            preventivo(ProdottoFirma::OtpMobile, None, d),
            Err(PreventivoError::RiconoscimentoMancante)
        );
        let spid = preventivo(ProdottoFirma::OtpMobile, Some(Riconoscimento::Spid), d).expect("q");
        assert_eq!(spid.netto, Money::cents(3750 + 400 + 800));
        let dvo = preventivo(ProdottoFirma::OtpDisplay, Some(Riconoscimento::Dvo), d).expect("q");
        assert_eq!(dvo.netto, Money::cents(3930 + 2250 + 800));
        let cie = preventivo(
            ProdottoFirma::OtpDisplay,
            Some(Riconoscimento::FirmaDigitale),
            d,
        )
        .expect("q");
        assert_eq!(cie.netto, Money::cents(3930 + 800));
        let rinnovo = preventivo(ProdottoFirma::RinnovoCns, None, d).expect("q");
        assert_eq!(rinnovo.netto, Money::cents(3600));
        assert_eq!(rinnovo.righe.len(), 1);
    }

    fn albo() -> (Anagrafica, AlboRecord) {
        let anagrafica = AnagraficaInput {
            nome: "Mario".into(),
            cognome: "D'Angelo".into(),
            codice_fiscale: "RSSMRA85T10A562S".into(),
            indirizzo: "Via Roma 1".into(),
            comune: "Milano".into(),
            provincia: "MI".into(),
            cap: "20100".into(),
            email: "mario@example.it".into(),
            telefono: String::new(),
        }
        .validate(None)
        .expect("valid");
        let record = AlboRecord {
            ordine: OrdineCode::parse("MI").expect("MI"),
            numero_iscrizione: "A12345".into(),
            stato: AlboStatus::Iscritto,
            domicilio_digitale: None,
        };
        (anagrafica, record)
    }

    fn dati() -> DatiIscrizione {
        DatiIscrizione {
            nome: "MARIO".into(),
            cognome: "d'angelo".into(),
            codice_fiscale: "rssmra85t10a562s".into(),
            ordine: "mi".into(),
            numero_iscrizione: " A12345 ".into(),
        }
    }

    #[test]
    fn the_albo_check_names_each_field_that_differs() {
        let (a, r) = albo();
        assert!(differenze_albo(&dati(), (&a, &r)).is_empty());
        let mut typed = dati();
        typed.cognome = "Dangelo".into();
        typed.numero_iscrizione = "12345".into();
        let differenze = differenze_albo(&typed, (&a, &r));
        let fields: Vec<&str> = differenze.iter().map(|d| d.campo).collect();
        assert_eq!(fields, ["cognome", "numero_iscrizione"]);
        let text = messaggio_differenze(&differenze);
        assert!(text.contains("il cognome (nell'Albo «D'Angelo»)"), "{text}");
        assert!(
            text.contains("numero di iscrizione (nell'Albo «A12345»)"),
            "{text}"
        );
        assert!(text.contains("Ordine di correggerlo"), "{text}");
        // An accent is another spelling: Aruba would refuse it; an empty field differs.
        let mut accent = dati();
        accent.nome = "Mariò".into();
        accent.ordine = String::new();
        let fields: Vec<&str> = differenze_albo(&accent, (&a, &r))
            .iter()
            .map(|d| d.campo)
            .collect();
        assert_eq!(fields, ["nome", "ordine"]);
    }

    fn richiesta(prodotto: ProdottoFirma) -> RichiestaFirma {
        let riconoscimento = prodotto
            .riconoscimento_a_distanza()
            .then_some(Riconoscimento::Spid);
        RichiestaFirma {
            numero: 1,
            codice_fiscale: CodiceFiscale::parse("RSSMRA85T10A562S").expect("cf"),
            nome: "Mario".into(),
            cognome: "Rossi".into(),
            ordine: OrdineCode::parse("MI").expect("MI"),
            numero_iscrizione: "A1".into(),
            prodotto,
            riconoscimento,
            consegna: prodotto.consegna(),
            indirizzo_consegna: None,
            preventivo: preventivo(prodotto, riconoscimento, day("2026-11-01")).expect("q"),
            presentata_il: at("2026-11-01T09:00:00Z"),
            stato: StatoFirma::InAttesa,
            dal: at("2026-11-01T09:00:00Z"),
            dal_giorno: day("2026-11-01"),
            passi: Vec::new(),
            motivo: None,
            ritiro: None,
            scadenza_certificato: None,
        }
    }

    fn passo(verso: StatoFirma) -> PassoFirma {
        PassoFirma {
            verso,
            motivo: None,
            ritiro: None,
            scadenza_certificato: None,
        }
    }

    #[test]
    fn a_kit_goes_from_validation_to_pickup_in_order() {
        let mut r = richiesta(ProdottoFirma::SmartCard);
        let (now, oggi) = (at("2026-11-20T10:00:00Z"), day("2026-11-20"));
        // A step out of order changes nothing.
        let before = r.clone();
        assert!(matches!(
            r.avanza(&passo(StatoFirma::Prodotta), "s", now, oggi),
            Err(PassoError::FuoriSequenza { .. })
        ));
        assert_eq!(r, before);
        for s in [
            StatoFirma::Validata,
            StatoFirma::Prodotta,
            StatoFirma::SpeditaAllOrdine,
            StatoFirma::ArrivataAllOrdine,
        ] {
            r.avanza(&passo(s), "s", now, oggi).expect("step");
        }
        assert_eq!(r.prossimo(), Some(StatoFirma::Ritirata));
        // A pickup without the document shown is refused, nothing recorded.
        let before = r.clone();
        let Err(PassoError::Campi(errors)) = r.avanza(&passo(StatoFirma::Ritirata), "s", now, oggi)
        else {
            panic!("refused");
        };
        assert!(errors.iter().any(|e| e.field == "documento_tipo"));
        assert!(errors.iter().any(|e| e.field == "scadenza_certificato"));
        assert_eq!(r, before);
        // A delegate needs the delegation.
        let mut delegate = PassoFirma {
            ritiro: Some(RitiroForm {
                il: Some(oggi),
                delegato: true,
                delegato_nome: "Anna".into(),
                delegato_cognome: "Bianchi".into(),
                delega_presentata: false,
                documento_tipo: Some(TipoDocumentoIdentita::Patente),
                documento_numero: "MI1234567X".into(),
            }),
            scadenza_certificato: Some(day("2029-11-20")),
            ..passo(StatoFirma::Ritirata)
        };
        let Err(PassoError::Campi(errors)) = r.avanza(&delegate, "s", now, oggi) else {
            panic!("refused");
        };
        assert_eq!(errors[0].field, "delega_presentata");
        if let Some(form) = delegate.ritiro.as_mut() {
            form.delega_presentata = true;
        }
        r.avanza(&delegate, "s", now, oggi).expect("picked up");
        assert_eq!(r.stato, StatoFirma::Ritirata);
        assert_eq!(
            r.certificato(),
            Some((TipoCertificato::Cns, day("2029-11-20")))
        );
        assert_eq!(r.prossimo(), None);
        assert_eq!(r.passi.len(), 5);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_only_before_validation() {
        let mut r = richiesta(ProdottoFirma::OtpMobile);
        let (now, oggi) = (at("2026-11-20T10:00:00Z"), day("2026-11-20"));
        assert!(matches!(
            r.avanza(&passo(StatoFirma::Respinta), "s", now, oggi),
            Err(PassoError::Campi(_))
        ));
        let mut refuse = passo(StatoFirma::Respinta);
        refuse.motivo = Some("Dati da correggere".into());
        r.avanza(&refuse, "s", now, oggi).expect("refused");
        assert_eq!(r.stato, StatoFirma::Respinta);
        assert!(r.stato.conclusa());
        let mut home = richiesta(ProdottoFirma::OtpMobile);
        for s in [
            StatoFirma::Validata,
            StatoFirma::Prodotta,
            StatoFirma::SpeditaAlDomicilio,
        ] {
            home.avanza(&passo(s), "s", now, oggi).expect("step");
        }
        assert!(matches!(
            home.avanza(&refuse, "s", now, oggi),
            Err(PassoError::FuoriSequenza { .. })
        ));
        let mut deliver = passo(StatoFirma::Consegnata);
        deliver.scadenza_certificato = Some(oggi);
        assert!(home.avanza(&deliver, "s", now, oggi).is_err());
        deliver.scadenza_certificato = Some(day("2029-11-20"));
        home.avanza(&deliver, "s", now, oggi).expect("delivered");
        assert_eq!(
            home.certificato(),
            Some((TipoCertificato::FirmaRemota, day("2029-11-20")))
        );
    }

    #[test]
    fn reminders_come_at_90_30_and_7_days_once_each() {
        let mut c = CertificatoFirma {
            codice_fiscale: CodiceFiscale::parse("RSSMRA85T10A562S").expect("cf"),
            tipo: TipoCertificato::Cns,
            scadenza: day("2027-03-31"),
            richiesta: 1,
            promemoria: Vec::new(),
        };
        assert_eq!(c.promemoria_dovuto(day("2026-12-30")), None);
        assert_eq!(c.promemoria_dovuto(day("2027-01-01")), Some(90));
        c.promemoria.push(90);
        assert_eq!(c.promemoria_dovuto(day("2027-01-02")), None);
        // A verifica missed for weeks sends the nearest mark only.
        assert_eq!(c.promemoria_dovuto(day("2027-03-26")), Some(7));
        assert_eq!(c.promemoria_dovuto(day("2027-04-01")), None);
        let text = c.messaggio(day("2027-03-01"));
        assert!(text.contains("(€ 36,00 + IVA in convenzione)"), "{text}");
        assert!(text.contains("CNSCNI18"), "{text}");
    }
}
