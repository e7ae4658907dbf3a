//! The digital-signature convention (seed 003): a member requests a CNS kit or a remote
//! signature with his registration data, which must be the Albo's; his Ordine's
//! secretariat validates the request and records each step to the pickup (or the home
//! delivery); the Fondazione follows every request nationwide; the daily verifica reminds
//! each holder of his certificate's expiry.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use shared::access::Caller;
use shared::api::{
    ConteggioFirme, FirmaDigitaleView, FirmeConteggi, FirmeQuery, RichiestaFirmaForm,
    RichiesteFirmaPage,
};
use shared::codice_fiscale::CodiceFiscale;
use shared::firma_digitale::{
    self, CertificatoFirma, CodiceConvenzione, Consegna, DatiIscrizione, Differenza, PassoError,
    PassoFirma, PreventivoError, ProdottoFirma, RichiestaFirma, StatoFirma,
};
use shared::member::FieldError;
use shared::province::OrdineCode;
use thiserror::Error;

use super::spreadsheet::SpreadsheetCsv;
use super::{Forbidden, ensure, holder_cf};
use crate::clock::rome_date;
use crate::outbox::mailer::Notice;
use crate::repo::members::MemberRecord;
use crate::repo::outbox::{self, OutboxCommand};
use crate::repo::{self, Versioned, firme, members};
use crate::store::{ItemStore, Query, StoreError};

/// Requests shown at once.
const PAGE: usize = 50;
/// A member's requests read to number the next and show his own.
const OWN: usize = 100;
/// Attempts when another write gets in between.
const ATTEMPTS: usize = 3;
/// Certificates reminded per round trip of the verifica.
const REMINDERS_AT_ONCE: usize = 100;

#[derive(Debug, Error)]
pub enum FirmaError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("{}", firma_digitale::messaggio_differenze(.0))]
    AlboMismatch(Vec<Differenza>),
    #[error(
        "Nell'Albo non risulti iscritto: la convenzione per la firma digitale è riservata agli iscritti."
    )]
    NotRegistered,
    #[error("{0}")]
    Preventivo(#[from] PreventivoError),
    #[error(
        "Hai già una richiesta «{prodotto}» in corso, del {il}: seguine lo stato in questa pagina.",
        prodotto = .0.nome(),
        il = .1.format("%d/%m/%Y")
    )]
    AlreadyOpen(ProdottoFirma, NaiveDate),
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("Richiesta di firma digitale non trovata.")]
    NotFound,
    #[error("{0}")]
    Passo(#[from] PassoError),
    #[error(
        "I dati della richiesta non coincidono più con l'Albo ({0}): non si può validare. Respingila indicandone il motivo."
    )]
    NotValidatable(String),
    #[error("contention")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a member's notices go: his open mailbox and recovery email, or the email of his
/// Anagrafica when he has neither.
fn destinatari(member: &MemberRecord) -> Vec<String> {
    let mut to: Vec<String> = member
        .mailbox
        .as_ref()
        .filter(|_| member.has_open_mailbox())
        .map(|m| m.address.to_string())
        .into_iter()
        .chain(member.recovery.email.as_ref().map(|e| e.to_string()))
        .collect();
    if to.is_empty() {
        to.push(member.anagrafica.email.to_string());
    }
    to
}

/// The member's page: the fees in force, his requests and his certificates.
pub async fn view(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<FirmaDigitaleView, FirmaError> {
    let cf = holder_cf(caller)?;
    let oggi = rome_date(now);
    let (richieste, certificati) = futures::try_join!(
        firme::of_member(store, cf, OWN),
        firme::certificates(store, cf)
    )?;
    Ok(FirmaDigitaleView {
        oggi,
        listino: firma_digitale::in_vigore(oggi),
        richieste: richieste.into_iter().map(|r| r.value).collect(),
        certificati,
    })
}

/// Files the member's request, once his data are the Albo's. The same request again (a
/// retry, a second click) answers the one in progress; another of the same product while
/// one is in progress is refused.
pub async fn submit(
    store: &dyn ItemStore,
    caller: &Caller,
    form: &RichiestaFirmaForm,
    now: DateTime<Utc>,
) -> Result<RichiestaFirma, FirmaError> {
    let cf = holder_cf(caller)?;
    let member = members::get(store, cf)
        .await?
        .ok_or(FirmaError::NotRegistered)?
        .value;
    if !member.albo.stato.is_registered() {
        return Err(FirmaError::NotRegistered);
    }
    let differenze =
        firma_digitale::differenze_albo(&form.dati, (&member.anagrafica, &member.albo));
    if !differenze.is_empty() {
        return Err(FirmaError::AlboMismatch(differenze));
    }
    let oggi = rome_date(now);
    let preventivo = firma_digitale::preventivo(form.prodotto, form.riconoscimento, oggi)?;
    let a = &member.anagrafica;
    let consegna = form.prodotto.consegna();
    let richiesta = |numero: u32| RichiestaFirma {
        numero,
        codice_fiscale: cf.clone(),
        nome: a.nome.clone(),
        cognome: a.cognome.clone(),
        ordine: member.albo.ordine,
        numero_iscrizione: member.albo.numero_iscrizione.clone(),
        prodotto: form.prodotto,
        riconoscimento: form.riconoscimento,
        consegna,
        indirizzo_consegna: (consegna == Consegna::AlDomicilio).then(|| {
            format!(
                "{}, {} {} ({})",
                a.indirizzo,
                a.cap.as_str(),
                a.comune,
                a.provincia
            )
        }),
        preventivo: preventivo.clone(),
        presentata_il: now,
        stato: StatoFirma::InAttesa,
        dal: now,
        dal_giorno: oggi,
        passi: Vec::new(),
        motivo: None,
        ritiro: None,
        scadenza_certificato: None,
    };
    // Answers from what is filed: the same request in progress, or a refusal.
    let in_progress = |own: &[Versioned<RichiestaFirma>]| {
        own.iter()
            .map(|r| &r.value)
            .find(|r| r.prodotto == form.prodotto && !r.stato.conclusa())
            .map(|open| {
                if open.riconoscimento == form.riconoscimento {
                    Ok(open.clone())
                } else {
                    Err(FirmaError::AlreadyOpen(
                        open.prodotto,
                        rome_date(open.presentata_il),
                    ))
                }
            })
    };
    for _ in 0..ATTEMPTS {
        let own = firme::of_member(store, cf, OWN).await?;
        if let Some(answer) = in_progress(&own) {
            return answer;
        }
        let after = richiesta(own.first().map_or(1, |r| r.value.numero + 1));
        match repo::commit(store, vec![firme::save(None, &after)?]).await {
            Ok(()) => {
                tracing::info!(prodotto = ?after.prodotto, ordine = %after.ordine, "signature request filed");
                return Ok(after);
            }
            // Another request took the number (a double click, two products at once):
            // read again, and answer the same request or take the next number.
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(FirmaError::Busy)
}

fn stato_of(query: &FirmeQuery) -> Result<StatoFirma, FirmaError> {
    match query.stato.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(StatoFirma::InAttesa),
        Some(text) => StatoFirma::parse(text).ok_or_else(|| {
            FirmaError::Invalid(FieldError::new(
                "stato",
                "Stato della richiesta sconosciuto.",
            ))
        }),
    }
}

async fn page(
    store: &dyn ItemStore,
    query: Query,
    stato: StatoFirma,
    cursor: Option<String>,
    now: DateTime<Utc>,
) -> Result<RichiesteFirmaPage, FirmaError> {
    let page = store.query(&query.after(cursor)).await?;
    Ok(RichiesteFirmaPage {
        stato,
        oggi: rome_date(now),
        items: page
            .items
            .iter()
            .map(|i| i.decode())
            .collect::<Result<_, _>>()?,
        cursor: page.cursor,
    })
}

/// `ordine`'s requests in one state, the longest in it first.
pub async fn of_ordine(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    query: FirmeQuery,
    now: DateTime<Utc>,
) -> Result<RichiesteFirmaPage, FirmaError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let stato = stato_of(&query)?;
    page(
        store,
        firme::of_ordine(ordine, stato, PAGE),
        stato,
        query.cursor,
        now,
    )
    .await
}

/// The pickup register as a spreadsheet: the kits waiting at the Ordine, oldest first.
pub async fn register_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    now: DateTime<Utc>,
) -> Result<String, FirmaError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let oggi = rome_date(now);
    let mut csv = SpreadsheetCsv::new(&[
        "Arrivato il",
        "Giorni in attesa",
        "Cognome",
        "Nome",
        "Codice fiscale",
        "Numero di iscrizione",
        "Prodotto",
        "Convenzione",
        "Richiesta del",
    ])?;
    let query = firme::of_ordine(ordine, StatoFirma::ArrivataAllOrdine, 500);
    let mut cursor = None;
    loop {
        let page = store.query(&query.clone().after(cursor)).await?;
        for item in &page.items {
            let r: RichiestaFirma = item.decode()?;
            csv.row(&[
                rome_date(r.dal).format("%d/%m/%Y").to_string(),
                r.giorni_nello_stato(oggi).to_string(),
                r.cognome.clone(),
                r.nome.clone(),
                r.codice_fiscale.to_string(),
                r.numero_iscrizione.clone(),
                r.prodotto.nome().to_owned(),
                r.prodotto.convenzione().codice().to_owned(),
                rome_date(r.presentata_il).format("%d/%m/%Y").to_string(),
            ])?;
        }
        if page.cursor.is_none() {
            break;
        }
        cursor = page.cursor;
    }
    Ok(csv.finish()?)
}

/// Records a step of `cf`'s request `numero`, filed with `ordine`. The same step again (a
/// retry) answers the request as it is; validating checks the Albo again; the pickup or
/// delivery records the certificate's expiry; the member hears of the steps that concern
/// him. All in one transaction on the version read.
pub async fn step(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    numero: u32,
    passo: &PassoFirma,
    now: DateTime<Utc>,
) -> Result<RichiestaFirma, FirmaError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let before = firme::get(store, cf, numero)
        .await?
        .filter(|r| r.value.ordine == ordine)
        .ok_or(FirmaError::NotFound)?;
    if before.value.stato == passo.verso {
        return Ok(before.value);
    }
    let member = members::get(store, cf).await?.map(|m| m.value);
    // The Albo is checked again when the request is validated (a step out of order is
    // refused by the sequence, whatever the Albo says).
    if passo.verso == StatoFirma::Validata && before.value.prossimo() == Some(StatoFirma::Validata)
    {
        let Some(member) = member.as_ref().filter(|m| m.albo.stato.is_registered()) else {
            return Err(FirmaError::NotValidatable(
                "nell'Albo non risulta iscritto".into(),
            ));
        };
        let r = &before.value;
        let dichiarati = DatiIscrizione {
            nome: r.nome.clone(),
            cognome: r.cognome.clone(),
            codice_fiscale: r.codice_fiscale.to_string(),
            ordine: r.ordine.as_str().to_owned(),
            numero_iscrizione: r.numero_iscrizione.clone(),
        };
        let differenze =
            firma_digitale::differenze_albo(&dichiarati, (&member.anagrafica, &member.albo));
        if !differenze.is_empty() {
            let campi: Vec<&str> = differenze.iter().map(|d| d.etichetta).collect();
            let verbo = if campi.len() == 1 {
                "è cambiato"
            } else {
                "sono cambiati"
            };
            return Err(FirmaError::NotValidatable(format!(
                "{verbo} {}",
                campi.join(", ")
            )));
        }
    }
    let mut after = before.value.clone();
    after.avanza(passo, &caller.actor().to_string(), now, rome_date(now))?;
    let mut ops = vec![firme::save(Some(&before), &after)?];
    if let Some((tipo, scadenza)) = after.certificato() {
        let previous = firme::certificate(store, cf, tipo).await?;
        // An older request completed late never shortens the certificate recorded; the
        // same expiry again keeps the reminders already sent.
        let recorded = previous.as_ref().map(|p| &p.value);
        if recorded.is_none_or(|c| c.scadenza < scadenza) {
            let certificato = CertificatoFirma {
                codice_fiscale: cf.clone(),
                tipo,
                scadenza,
                richiesta: after.numero,
                promemoria: Vec::new(),
            };
            ops.push(firme::save_certificate(previous.as_ref(), &certificato)?);
        }
    }
    if let Some(notice) = member
        .as_ref()
        .and_then(|m| Notice::firma_passo(destinatari(m), &after))
    {
        ops.push(outbox::enqueue(&OutboxCommand::avviso(notice, now))?);
    }
    match repo::commit(store, ops).await {
        Ok(()) => {
            tracing::info!(%ordine, stato = ?after.stato, "signature request step recorded");
            Ok(after)
        }
        // A retry whose first attempt committed meanwhile answers as that one did.
        Err(e) if e.is_condition_failed() => match firme::get(store, cf, numero).await? {
            Some(current) if current.value.stato == passo.verso => Ok(current.value),
            _ => Err(FirmaError::Busy),
        },
        Err(e) => Err(e.into()),
    }
}

/// Every Ordine's requests in one state, under one code if asked.
pub async fn nationwide(
    store: &dyn ItemStore,
    caller: &Caller,
    query: FirmeQuery,
    now: DateTime<Utc>,
) -> Result<RichiesteFirmaPage, FirmaError> {
    ensure(caller.can_follow_ordini())?;
    let stato = stato_of(&query)?;
    let codice = match query.convenzione.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(text) => Some(CodiceConvenzione::parse(text).ok_or_else(|| {
            FirmaError::Invalid(FieldError::new(
                "convenzione",
                "Codice convenzione sconosciuto: CNSCNI18 o FRCNI25.",
            ))
        })?),
    };
    page(
        store,
        firme::in_stato(stato, codice.map(CodiceConvenzione::codice), PAGE),
        stato,
        query.cursor,
        now,
    )
    .await
}

/// How many requests stand in each state under each code, nationwide.
pub async fn counts(store: &dyn ItemStore, caller: &Caller) -> Result<FirmeConteggi, FirmaError> {
    ensure(caller.can_follow_ordini())?;
    let mut conteggi = Vec::new();
    for stato in StatoFirma::ALL {
        for convenzione in CodiceConvenzione::ALL {
            let query = firme::in_stato(
                stato,
                Some(convenzione.codice()),
                ConteggioFirme::MAX as usize,
            );
            let numero = super::code::count(store, query, ConteggioFirme::MAX).await?;
            conteggi.push(ConteggioFirme {
                stato,
                convenzione,
                numero,
            });
        }
    }
    Ok(FirmeConteggi { conteggi })
}

/// The daily reminders of the certificates expiring in the next 3 months: each mark (90,
/// 30, 7 days) once, recorded with its notice in one transaction. Returns how many went.
pub async fn promemoria(store: &dyn ItemStore, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let oggi = rome_date(now);
    let until = oggi + Duration::days(firma_digitale::PROMEMORIA_GIORNI[0]);
    let query = firme::expiring(oggi, until, REMINDERS_AT_ONCE);
    let mut sent = 0;
    let mut cursor = None;
    loop {
        let page = store.query(&query.clone().after(cursor)).await?;
        for item in &page.items {
            let before: Versioned<CertificatoFirma> = Versioned::decode(item)?;
            let Some(mark) = before.value.promemoria_dovuto(oggi) else {
                continue;
            };
            let cf = &before.value.codice_fiscale;
            // Nobody to remind: no longer registered (cancelled, deceased).
            let Some(member) = members::get(store, cf)
                .await?
                .filter(|m| m.value.albo.stato.is_registered())
            else {
                continue;
            };
            // Renewing already: a request for the renewal is in progress.
            let rinnovo = before.value.tipo.rinnovo();
            if firme::of_member(store, cf, OWN)
                .await?
                .iter()
                .any(|r| r.value.prodotto == rinnovo && !r.value.stato.conclusa())
            {
                continue;
            }
            let mut after = before.value.clone();
            after.promemoria.push(mark);
            let notice = Notice::firma_promemoria(destinatari(&member.value), &after, oggi);
            let ops = vec![
                firme::save_certificate(Some(&before), &after)?,
                outbox::enqueue(&OutboxCommand::avviso(notice, now))?,
            ];
            match repo::commit(store, ops).await {
                Ok(()) => sent += 1,
                // Renewed meanwhile: tomorrow's verifica reads it again.
                Err(e) if e.is_condition_failed() => {}
                Err(e) => return Err(e),
            }
        }
        if page.cursor.is_none() {
            break;
        }
        cursor = page.cursor;
    }
    Ok(sent)
}
