//! The holder's contract (DOMAIN.md, Lifecycle 2): the document issued to him, the signed
//! file he uploads straight to the file store, and its verification, which moves the
//! contract's standing in the same transaction as the upload's record and the audit.

pub mod pdf;
pub mod revisione;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use shared::access::Caller;
use shared::api::{
    CaricamentoPronto, CaricamentoRichiesta, CaricamentoView, ContrattoView, Intestazione,
};
use shared::codice_fiscale::CodiceFiscale;
use shared::contratto::{self as testo, VersioneContratto};
use shared::firma::{self, Esito, Fiducia, Referto, Verifica};
use shared::lifecycle::{Event, LifecycleError, Mailbox, StatoContratto};
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::blob::{BlobError, BlobStore};
use crate::clock::rome_date;
use crate::repo::contratti::{self, ContrattoCaricato, ContrattoEmesso};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Versioned};
use crate::store::{ItemStore, StoreError};

/// How long an upload URL allows its PUT.
const UPLOAD_WINDOW: Duration = Duration::from_secs(600);

/// Tries at writing a verification when another write came first.
const ATTEMPTS: usize = 3;

#[derive(Debug, Error)]
pub enum ContrattoError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("not in the Albo")]
    NotInAlbo,
    #[error("no mailbox")]
    NoMailbox,
    #[error("no contract text in force")]
    NoText,
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error("Il file supera il limite di 10 MB.")]
    TooLarge,
    #[error("Il file è vuoto.")]
    Empty,
    #[error("L'impronta SHA-256 del file non è valida.")]
    BadSha,
    #[error("Il file non è ancora arrivato: caricalo di nuovo.")]
    NotUploaded,
    #[error("Il file arrivato non è quello dichiarato: caricalo di nuovo.")]
    Mismatch,
    #[error("{0}")]
    Pdf(#[from] pdf::PdfError),
    #[error("contention")]
    Busy,
    #[error("upload not found")]
    UploadNotFound,
    #[error("Il contratto caricato non è in revisione.")]
    NotInReview,
    #[error("Su questo contratto la Fondazione ha già deciso diversamente.")]
    AlreadyDecided,
    #[error("{}", .0.message)]
    Invalid(shared::member::FieldError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the contract services use beyond the table.
#[derive(Clone, Copy)]
pub struct Deps<'a> {
    pub store: &'a dyn ItemStore,
    pub blobs: &'a dyn BlobStore,
    pub fiducia: &'a Arc<Fiducia>,
}

async fn own(
    store: &dyn ItemStore,
    caller: &Caller,
) -> Result<Versioned<MemberRecord>, ContrattoError> {
    let cf = holder_cf(caller)?;
    members::get(store, cf)
        .await?
        .ok_or(ContrattoError::NotInAlbo)
}

fn mailbox(member: &MemberRecord) -> Result<&Mailbox, ContrattoError> {
    member.mailbox.as_ref().ok_or(ContrattoError::NoMailbox)
}

fn text_in_force(now: DateTime<Utc>) -> Result<VersioneContratto, ContrattoError> {
    testo::in_vigore(rome_date(now)).ok_or(ContrattoError::NoText)
}

/// The holder's contract standing and latest upload.
pub async fn view(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<ContrattoView, ContrattoError> {
    let member = own(store, caller).await?;
    let stato = mailbox(&member.value)?.contratto;
    let latest = contratti::uploads(store, member.value.cf())
        .await?
        .into_iter()
        .max_by_key(|u| u.caricato_il);
    Ok(ContrattoView {
        stato,
        versione: text_in_force(now)?.versione,
        ultimo_caricamento: latest.map(|u| upload_view(&u, stato)),
    })
}

pub(crate) fn upload_view(
    upload: &ContrattoCaricato,
    contratto: StatoContratto,
) -> CaricamentoView {
    let motivo = match (&upload.decisione, &upload.referto.esito) {
        (Some(d), _) if !d.approvato => d.motivo.clone(),
        (Some(_), _) | (None, Esito::Verificato) => None,
        (None, Esito::InRevisione { motivo }) => Some(motivo.to_string()),
        (None, Esito::Rifiutato { motivo }) => Some(motivo.to_string()),
    };
    CaricamentoView {
        sha256: upload.sha256.clone(),
        caricato_il: upload.caricato_il,
        referto: upload.referto.clone(),
        motivo,
        contratto,
    }
}

/// The holder's contract PDF: the document already issued for the same data and text,
/// or a new one, recorded with its SHA-256 before it is handed out.
pub async fn document(
    deps: Deps<'_>,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<(ContrattoEmesso, Vec<u8>), ContrattoError> {
    let member = own(deps.store, caller).await?;
    ensure(caller.can_edit_own_data(member.value.cf()))?;
    let m = &member.value;
    let mailbox = mailbox(m)?;
    mailbox.contract_issuable()?;
    let versione = text_in_force(now)?;
    let impronta_testo = versione.impronta();
    let fingerprint = {
        let data = serde_json::json!({
            "anagrafica": m.anagrafica,
            "indirizzo": mailbox.address,
            "piano": mailbox.plan(),
            "attivata": mailbox.activated_on,
            "testo": impronta_testo,
        });
        hex::encode(Sha256::digest(data.to_string().as_bytes()))
    };
    let issued = contratti::issued(deps.store, m.cf()).await?;
    if let Some(same) = issued.iter().find(|c| c.impronta_dati == fingerprint)
        && let Some(bytes) = deps.blobs.get(&same.file, firma::MAX_BYTES).await?
        && hex::encode(Sha256::digest(&bytes)) == same.sha256
    {
        return Ok((same.clone(), bytes));
    }
    let documento = format!("C-{}", uuid::Uuid::now_v7().simple()).to_uppercase();
    let bytes = pdf::render(&pdf::DatiContratto {
        documento: &documento,
        emesso_il: now,
        anagrafica: &m.anagrafica,
        indirizzo_pec: mailbox.address.as_str(),
        piano: mailbox.plan().nome(),
        attivata_il: mailbox.activated_on,
        versione: &versione,
    })?;
    let file = format!("contratti/{}/emessi/{documento}.pdf", m.cf());
    deps.blobs
        .put(&file, bytes.clone(), "application/pdf")
        .await?;
    let record = ContrattoEmesso {
        codice_fiscale: m.cf().clone(),
        documento,
        emesso_il: now,
        versione: versione.versione.clone(),
        impronta_testo,
        sha256: hex::encode(Sha256::digest(&bytes)),
        impronta_dati: fingerprint,
        file,
    };
    repo::commit(deps.store, vec![contratti::issue(&record)?]).await?;
    Ok((record, bytes))
}

/// A SHA-256 as the API takes it: 64 hex digits, any case.
fn sha256_of(text: &str) -> Result<String, ContrattoError> {
    let sha256 = text.trim().to_ascii_lowercase();
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha256)
    } else {
        Err(ContrattoError::BadSha)
    }
}

pub(crate) fn signed_file(cf: &CodiceFiscale, sha256: &str) -> String {
    format!("contratti/{cf}/firmati/{sha256}")
}

/// Where the browser sends a signed file of `request`'s size and content; a file already
/// uploaded is not sent again.
pub async fn prepare(
    deps: Deps<'_>,
    caller: &Caller,
    request: &CaricamentoRichiesta,
    now: DateTime<Utc>,
) -> Result<CaricamentoPronto, ContrattoError> {
    let member = own(deps.store, caller).await?;
    ensure(caller.can_edit_own_data(member.value.cf()))?;
    let current = mailbox(&member.value)?;
    current.contract_issuable()?;
    let stato = current.contratto;
    let sha256 = sha256_of(&request.sha256)?;
    if let Some(done) = contratti::uploaded(deps.store, member.value.cf(), &sha256).await? {
        return Ok(CaricamentoPronto {
            sha256,
            url: None,
            intestazioni: Vec::new(),
            gia_caricato: Some(upload_view(&done.value, stato)),
        });
    }
    current.accepts_signed_contract()?;
    match request.dimensione {
        0 => return Err(ContrattoError::Empty),
        n if n > firma::MAX_BYTES as u64 => return Err(ContrattoError::TooLarge),
        _ => {}
    }
    let url = deps
        .blobs
        .upload_url(
            &signed_file(member.value.cf(), &sha256),
            request.dimensione,
            &sha256,
            UPLOAD_WINDOW,
            now,
        )
        .await?;
    Ok(CaricamentoPronto {
        sha256,
        url: Some(url.url),
        intestazioni: url
            .headers
            .into_iter()
            .map(|(nome, valore)| Intestazione { nome, valore })
            .collect(),
        gia_caricato: None,
    })
}

/// Verifies the file uploaded with content `sha256`, records it with its report and moves
/// the contract's standing; the same file again gets the same answer.
pub async fn verify(
    deps: Deps<'_>,
    caller: &Caller,
    sha256: &str,
    now: DateTime<Utc>,
) -> Result<CaricamentoView, ContrattoError> {
    let cf = holder_cf(caller)?.clone();
    let sha256 = sha256_of(sha256)?;
    let file = signed_file(&cf, &sha256);
    let bytes = match deps.blobs.get(&file, firma::MAX_BYTES).await {
        Ok(bytes) => bytes,
        // Larger than the limit (the upload URL allows no more): not read.
        Err(BlobError::TooLarge(_)) => return Err(ContrattoError::TooLarge),
        Err(e) => return Err(e.into()),
    };
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(deps.store).await?;
    for _ in 0..ATTEMPTS {
        let member = own(deps.store, caller).await?;
        ensure(caller.can_edit_own_data(member.value.cf()))?;
        if let Some(done) = contratti::uploaded(deps.store, &cf, &sha256).await? {
            let stato = mailbox(&member.value)?.contratto;
            return Ok(upload_view(&done.value, stato));
        }
        let Some(bytes) = &bytes else {
            return Err(ContrattoError::NotUploaded);
        };
        if hex::encode(Sha256::digest(bytes)) != sha256 {
            return Err(ContrattoError::Mismatch);
        }
        let current = mailbox(&member.value)?;
        let emessi: Vec<[u8; 32]> = contratti::issued(deps.store, &cf)
            .await?
            .iter()
            .filter_map(|c| <[u8; 32] as hex::FromHex>::from_hex(&c.sha256).ok())
            .collect();
        let referto = verify_file(bytes.clone(), &cf, emessi, deps.fiducia, now).await?;
        let stato = referto.esito.contratto();
        let transition =
            current.apply_with(&Event::Contratto { stato }, rome_date(now), &catalog)?;
        let upload = ContrattoCaricato {
            codice_fiscale: cf.clone(),
            sha256: sha256.clone(),
            dimensione: bytes.len() as u64,
            caricato_il: now,
            file: file.clone(),
            referto,
            decisione: None,
        };
        let mut after = member.value.clone();
        after.mailbox = Some(transition.mailbox);
        let action = match stato {
            StatoContratto::Firmato => "contratto firmato caricato: firma verificata",
            StatoContratto::InVerifica => "contratto firmato caricato: in revisione",
            _ => "contratto firmato caricato: rifiutato",
        };
        let change = Change {
            before: Some(member),
            after,
            effects: transition.effects,
            actor: caller.actor(),
            action: action.to_owned(),
        };
        let (mut ops, _, _) = change.into_ops(now)?;
        ops.push(contratti::record(&upload)?);
        match repo::commit(deps.store, ops).await {
            Ok(()) => return Ok(upload_view(&upload, stato)),
            // Another write came first (the same file from another tab, a change of his
            // data): read again and decide on what is there now.
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ContrattoError::Busy)
}

/// The verification runs off the async executor: RSA and curve arithmetic on a file of
/// up to 10 MB is CPU work.
async fn verify_file(
    bytes: Vec<u8>,
    cf: &CodiceFiscale,
    emessi: Vec<[u8; 32]>,
    fiducia: &Arc<Fiducia>,
    now: DateTime<Utc>,
) -> Result<Referto, ContrattoError> {
    let (cf, fiducia) = (cf.clone(), Arc::clone(fiducia));
    tokio::task::spawn_blocking(move || {
        firma::verifica(
            &bytes,
            &Verifica {
                titolare: &cf,
                emessi: &emessi,
                fiducia: &fiducia,
                al: now,
            },
        )
    })
    .await
    .map_err(|e| ContrattoError::Blob(BlobError::Io(e.to_string())))
}
