//! A member's requests under the signature convention, numbered in his partition, each in
//! its Ordine's list and the nationwide list of its state; and his certificates, one per
//! kind, in the index of expiries that the reminders read.

use chrono::NaiveDate;
use shared::codice_fiscale::CodiceFiscale;
use shared::firma_digitale::{CertificatoFirma, RichiestaFirma, StatoFirma, TipoCertificato};
use shared::province::OrdineCode;

use super::Versioned;
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// How a kind of certificate is named in its key.
fn kind(tipo: TipoCertificato) -> &'static str {
    match tipo {
        TipoCertificato::Cns => "cns",
        TipoCertificato::FirmaRemota => "firma-remota",
    }
}

fn item(richiesta: &RichiestaFirma, version: u64) -> Result<Item, StoreError> {
    let (cf, numero) = (&richiesta.codice_fiscale, richiesta.numero);
    let stato = richiesta.stato.slug();
    let codice = richiesta.prodotto.convenzione().codice();
    Ok(Item::new(
        keys::richiesta_firma(cf, numero),
        keys::RICHIESTA_FIRMA,
        richiesta,
    )?
    .with_version(version)
    .with_gsi1(keys::firma_in_ordine(
        richiesta.ordine,
        &stato,
        richiesta.dal,
        cf,
        numero,
    ))
    .with_gsi2(keys::firma_in_stato(
        &stato,
        codice,
        richiesta.dal,
        cf,
        numero,
    )))
}

pub async fn get(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    numero: u32,
) -> Result<Option<Versioned<RichiestaFirma>>, StoreError> {
    super::get_versioned(store, &keys::richiesta_firma(cf, numero)).await
}

/// The member's latest requests, newest first.
pub async fn of_member(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    limit: usize,
) -> Result<Vec<Versioned<RichiestaFirma>>, StoreError> {
    let query = Query::new(
        None,
        keys::member_partition(cf),
        SortKey::BeginsWith(keys::FIRMA_PREFIX.into()),
    )
    .descending()
    .limit(limit);
    super::query_versioned(store, &query).await
}

/// Writes `after` over `before` (none: a new request, whose number must be free).
pub fn save(
    before: Option<&Versioned<RichiestaFirma>>,
    after: &RichiestaFirma,
) -> Result<WriteOp, StoreError> {
    Ok(match before {
        None => WriteOp::Put(item(after, 1)?, Condition::NotExists),
        Some(b) => WriteOp::Put(item(after, b.version + 1)?, Condition::Version(b.version)),
    })
}

/// `ordine`'s requests in `stato`, the longest in it first.
pub fn of_ordine(ordine: OrdineCode, stato: StatoFirma, limit: usize) -> Query {
    Query::new(
        Some(Index::Gsi1),
        keys::firme_ordine(ordine, &stato.slug()),
        SortKey::All,
    )
    .limit(limit)
}

/// Every Ordine's requests in `stato`, under `codice` if given.
pub fn in_stato(stato: StatoFirma, codice: Option<&str>, limit: usize) -> Query {
    let sk = match codice {
        Some(codice) => SortKey::BeginsWith(format!("{codice}#")),
        None => SortKey::All,
    };
    Query::new(Some(Index::Gsi2), keys::firme_stato(&stato.slug()), sk).limit(limit)
}

fn certificate_item(certificato: &CertificatoFirma, version: u64) -> Result<Item, StoreError> {
    let (cf, tipo) = (&certificato.codice_fiscale, kind(certificato.tipo));
    Ok(Item::new(
        keys::certificato_firma(cf, tipo),
        keys::CERTIFICATO_FIRMA,
        certificato,
    )?
    .with_version(version)
    .with_gsi2(keys::certificato_in_scadenza(
        certificato.scadenza,
        cf,
        tipo,
    )))
}

pub async fn certificate(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    tipo: TipoCertificato,
) -> Result<Option<Versioned<CertificatoFirma>>, StoreError> {
    super::get_versioned(store, &keys::certificato_firma(cf, kind(tipo))).await
}

/// The member's certificates, one of each type at most, in one read.
pub async fn certificates(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Vec<CertificatoFirma>, StoreError> {
    let query = Query::new(
        None,
        keys::member_partition(cf),
        SortKey::BeginsWith(keys::CERTIFICATO_PREFIX.into()),
    );
    super::query_decoded(store, &query).await
}

pub fn save_certificate(
    before: Option<&Versioned<CertificatoFirma>>,
    after: &CertificatoFirma,
) -> Result<WriteOp, StoreError> {
    Ok(match before {
        None => WriteOp::Put(certificate_item(after, 1)?, Condition::NotExists),
        Some(b) => WriteOp::Put(
            certificate_item(after, b.version + 1)?,
            Condition::Version(b.version),
        ),
    })
}

/// The certificates expiring from `from` to `until`, the soonest first.
pub fn expiring(from: NaiveDate, until: NaiveDate, limit: usize) -> Query {
    Query::new(
        Some(Index::Gsi2),
        keys::CERTIFICATI,
        SortKey::Between(from.to_string(), format!("{until}#~")),
    )
    .limit(limit)
}
