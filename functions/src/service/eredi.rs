//! The heirs' disdetta (DOMAIN.md, Lifecycle 7): an heir of a deceased holder asks, from
//! a public page, for the mailbox to close at once, with the death certificate and his
//! identity document. It joins the Fondazione's disdette, which reads the documents and
//! decides; the heir's request is always allowed by the rule, the documents are what the
//! Fondazione checks. The heir is mailed a receipt when he files (`repo::conferme` limits
//! them) and the decision.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::EmailAddress;
use shared::api::{DisdettaErediForm, DisdettaRicevuta};
use shared::audit::Actor;
use shared::codice_fiscale::CodiceFiscale;
use shared::disdetta::{DICHIARAZIONE_EREDI, Disdetta, Erede};
use shared::documento::TipoDocumento;
use shared::member::FieldError;
use shared::text::{NamePart, person_name};

use super::disdetta::DisdettaServiceError;
use super::documenti::{self, DocumentoError};
use super::ensure;
use crate::blob::BlobStore;
use crate::clock::rome_date;
use crate::outbox::mailer::Notice;
use crate::repo::unit_of_work::Change;
use crate::repo::{conferme, disdette, members};
use crate::store::ItemStore;

fn invalid(field: &str, message: impl std::fmt::Display) -> DisdettaServiceError {
    DisdettaServiceError::Invalid(FieldError::new(field, message))
}

/// The heir as the form gives him, every field checked.
fn heir_of(
    form: &DisdettaErediForm,
    titolare: &CodiceFiscale,
) -> Result<(String, String, CodiceFiscale, EmailAddress), DisdettaServiceError> {
    let e = &form.erede;
    let nome = person_name(NamePart::Nome, &e.nome).map_err(|m| invalid("erede_nome", m))?;
    let cognome =
        person_name(NamePart::Cognome, &e.cognome).map_err(|m| invalid("erede_cognome", m))?;
    let cf =
        CodiceFiscale::parse(&e.codice_fiscale).map_err(|m| invalid("erede_codice_fiscale", m))?;
    if &cf == titolare {
        return Err(invalid(
            "erede_codice_fiscale",
            "Indica il tuo codice fiscale, non quello del titolare.",
        ));
    }
    let email = EmailAddress::parse(&e.email).map_err(|m| invalid("erede_email", m))?;
    Ok((nome, cognome, cf, email))
}

/// Files an heir's request. The same form again answers the request filed; while another
/// request for the mailbox waits, none replaces it.
pub async fn request(
    store: &dyn ItemStore,
    blobs: &dyn BlobStore,
    form: &DisdettaErediForm,
    now: DateTime<Utc>,
) -> Result<DisdettaRicevuta, DisdettaServiceError> {
    let titolare = CodiceFiscale::parse(&form.titolare).map_err(|m| invalid("titolare", m))?;
    let (nome, cognome, heir_cf, email) = heir_of(form, &titolare)?;
    if !form.dichiarazione_accettata {
        return Err(invalid(
            "dichiarazione_accettata",
            "Per chiedere la disdetta conferma la dichiarazione.",
        ));
    }
    let member = members::get(store, &titolare).await?;
    let Some((member, mailbox)) = member.and_then(|m| {
        let mailbox = m
            .value
            .mailbox
            .clone()
            .filter(|b| b.status.is_open())
            .filter(|b| {
                b.address
                    .as_str()
                    .eq_ignore_ascii_case(form.indirizzo.trim())
            })?;
        Some((m, mailbox))
    }) else {
        return Err(invalid(
            "indirizzo",
            "Per questo codice fiscale non risulta aperta la casella indicata: controlla l'indirizzo e il codice fiscale del titolare.",
        ));
    };
    let document = |field: &'static str| {
        move |error: DocumentoError| match error {
            DocumentoError::Missing => {
                invalid(field, "Allega il file prima di inviare la richiesta.")
            }
            other => DisdettaServiceError::Documento {
                field,
                error: other,
            },
        }
    };
    let certificato = documenti::received(blobs, &titolare, &form.certificato_di_morte)
        .await
        .map_err(document("certificato_di_morte"))?;
    let identita = documenti::received(blobs, &titolare, &form.documento_identita)
        .await
        .map_err(document("documento_identita"))?;
    if certificato.sha256 == identita.sha256 {
        return Err(invalid(
            "documento_identita",
            "Il documento d'identità e il certificato di morte sono lo stesso file: allega entrambi.",
        ));
    }
    let erede = Erede {
        nome,
        cognome,
        codice_fiscale: heir_cf.clone(),
        email,
        certificato_di_morte: certificato,
        documento_identita: identita,
    };
    let receipt = |d: &Disdetta, e: &Erede| DisdettaRicevuta {
        indirizzo: d.indirizzo.clone(),
        richiesta_il: d.richiesta_il,
        email: e.email.clone(),
    };
    let previous = disdette::get(store, &titolare).await?;
    if let Some(waiting) = previous
        .as_ref()
        .map(|p| &p.value)
        .filter(|d| !d.sostituibile() && d.indirizzo == mailbox.address)
    {
        return match &waiting.erede {
            Some(filed) if *filed == erede => Ok(receipt(waiting, filed)),
            _ => Err(DisdettaServiceError::Pending),
        };
    }
    let disdetta = Disdetta {
        codice_fiscale: titolare.clone(),
        indirizzo: mailbox.address.clone(),
        dichiarazione: DICHIARAZIONE_EREDI.to_owned(),
        richiesta_il: now,
        domicilio_alla_richiesta: member.value.albo.domicilio_digitale.clone(),
        esito: None,
        erede: Some(erede.clone()),
    };
    let action = format!(
        "disdetta di {} richiesta da un erede ({} {}, {heir_cf}) con certificato di morte e documento d'identità (Albo: {})",
        mailbox.address,
        erede.nome,
        erede.cognome,
        member.value.albo.stato.nome()
    );
    let change = Change::note(member, Actor::Erede(heir_cf), action);
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(disdette::save(previous.as_ref(), &disdetta)?);
    let ricevuta = Notice::disdetta_eredi_ricevuta(
        erede.email.as_str(),
        mailbox.address.as_str(),
        rome_date(now),
    );
    match conferme::commit_with_receipt(store, ops, &ricevuta, now).await {
        Ok(()) => {
            tracing::info!("heirs' disdetta filed");
            Ok(receipt(&disdetta, &erede))
        }
        // Filed at the same moment: the same form (a double click) answers it.
        Err(e) if e.is_condition_failed() => match disdette::get(store, &titolare).await? {
            Some(filed) if filed.value.erede.as_ref() == Some(&erede) => {
                Ok(receipt(&filed.value, &erede))
            }
            _ => Err(DisdettaServiceError::Busy),
        },
        Err(e) => Err(e.into()),
    }
}

/// One of the heir's documents of `cf`'s disdetta (the Fondazione reads them).
pub async fn document(
    store: &dyn ItemStore,
    blobs: &dyn BlobStore,
    caller: &Caller,
    cf: &CodiceFiscale,
    sha256: &str,
) -> Result<(TipoDocumento, Vec<u8>), DisdettaServiceError> {
    ensure(caller.can_decide_disdette())?;
    let disdetta = disdette::get(store, cf)
        .await?
        .ok_or(DisdettaServiceError::NotFound)?
        .value;
    let erede = disdetta.erede.ok_or(DisdettaServiceError::NotFound)?;
    let documento = [erede.certificato_di_morte, erede.documento_identita]
        .into_iter()
        .find(|d| d.sha256.eq_ignore_ascii_case(sha256))
        .ok_or(DisdettaServiceError::NotFound)?;
    let bytes = documenti::read(blobs, cf, &documento)
        .await
        .map_err(|e| DisdettaServiceError::Documento {
            field: "documento",
            error: e.into(),
        })?
        .ok_or(DisdettaServiceError::NotFound)?;
    Ok((documento.tipo, bytes))
}
