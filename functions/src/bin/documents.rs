//! `pec-documents`: the areas' documents on AWS Lambda, behind the same HTTP API as
//! `pec-api`: the files in the bucket `PEC_CONTRACTS_BUCKET` (signed contracts, identity
//! documents, heirs' certificates), the contract and the receipts as PDF, and the
//! signature's check against the trust store packaged with the function
//! (`PEC_TRUST_STORE`, `PEC_TRUST_CRLS`, by default `/var/task/fiducia.pem` and
//! `/var/task/crl`; none: every signature to review).

use std::sync::Arc;

use functions::blob::s3::S3Blobs;
use functions::routes;

// One event at a time, on a fraction of a core (256 MB to 1 GB): one thread, and no
// workers to start.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    let (config, state, layout) = functions::lambda::api_state().await?;
    let bucket =
        std::env::var("PEC_CONTRACTS_BUCKET").map_err(|_| "PEC_CONTRACTS_BUCKET is not set")?;
    let state = state
        .with_files(Arc::new(S3Blobs::new(&config, &bucket)?))
        .with_trust(functions::trust::load(std::path::Path::new("/var/task"))?);
    lambda_http::run(routes::api_on_lambda(
        routes::documents_routes(state),
        layout,
    ))
    .await
}
