//! The AWS SDK's configuration, for the Lambda functions and the tests on moto alike: the
//! workspace builds the SDK without its default HTTPS client, so a configuration loaded
//! any other way has no client and fails at its first call.
//!
//! That default client trusts the system's roots: at every start it reads and parses each
//! certificate in the system bundle and directory, about 6 ms of CPU on Debian's 146 roots
//! (measured with `perf stat`, the start with them against the start with one), the
//! largest part of a function's start after the runtime itself. This client only ever
//! talks to AWS's endpoints (DynamoDB, S3, SES, SQS; Stripe and the mail
//! provider have their own reqwest clients), and every AWS endpoint's certificate chains
//! to Amazon Trust Services: its four roots and Starfield's services root, which
//! cross-signs them for older clients (<https://www.amazontrust.com/repository/>). Those
//! five are the trust store, compiled in: a smaller trust surface, and five certificates
//! to parse.

use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::{BehaviorVersion, ConfigLoader};
use aws_sdk_dynamodb::config::ConfigBag;
use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::rustls_provider::CryptoMode;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Amazon Root CA 1 to 4 and Starfield Services Root Certificate Authority - G2, in PEM.
const AMAZON_TRUST_SERVICES: &str = include_str!("aws/amazon-trust-services.pem");

/// The SDK's configuration loader with its HTTPS client trusting only Amazon Trust
/// Services' roots, and no proxy: Lambda reaches AWS directly. Each function adds its own
/// settings (retries) and loads it.
///
/// The credentials and the region are the ones Lambda puts in the environment of every
/// function (the role's session, `AWS_REGION`). The SDK's default chain would look for
/// them in profile files, web identity, SSO and the instance metadata as well, and build
/// an STS client for those at every start.
///
/// The client's rustls runs on ring, as reqwest's (Stripe, the mail provider) does: the
/// SDK's default, aws-lc, would be a second TLS provider in every binary, about 1 MB of
/// each function's zip. The cost: ring offers no post-quantum key exchange (aws-lc's
/// X25519MLKEM768), so the connections to AWS agree their keys with X25519 alone, as the
/// Stripe and provider connections already did.
pub fn defaults() -> ConfigLoader {
    // An empty store has the system's roots off.
    let trust = TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES.as_bytes());
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .expect("a trust store without extra server names builds");
    let https = Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(SharedHttpClient::new(NoEagerConnector(https)))
        .credentials_provider(EnvironmentVariableCredentialsProvider::new())
        .region(EnvironmentVariableRegionProvider::new())
}

/// The SDK's HTTPS client without the connector it builds, and drops, as each SDK client
/// is made: the SDK does that so that the system's roots are read at the start rather
/// than at the first request, and it builds the connector it keeps at the first request
/// all the same. With five roots compiled in there is nothing to read early, and each
/// client's creation built a TLS configuration for nothing (about a twelfth of `pec-api`'s
/// own work before its first `next`, by `perf`). The first request's work is unchanged.
#[derive(Debug)]
struct NoEagerConnector(SharedHttpClient);

impl HttpClient for NoEagerConnector {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.0.http_connector(settings, components)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.0.validate_final_config(components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// TLS for the requests this code sends to AWS itself (S3's, signed by rusty-s3), with
/// the SDK client's trust: Amazon Trust Services' roots, rustls on ring.
pub fn tls() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for root in CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES.as_bytes()) {
        roots
            .add(root.expect("every block is a PEM certificate (tested)"))
            .expect("every certificate is a root rustls takes (tested)");
    }
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring offers TLS 1.2 and 1.3")
    .with_root_certificates(roots)
    .with_no_client_auth()
}

#[cfg(test)]
mod tests {
    use der::Decode;
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    use sha2::{Digest, Sha256};
    use x509_cert::Certificate;

    use super::AMAZON_TRUST_SERVICES;

    /// Each root by name and SHA-256 fingerprint, as Amazon Trust Services publishes them.
    const ROOTS: [(&str, &str); 5] = [
        (
            "Amazon Root CA 1",
            "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e",
        ),
        (
            "Amazon Root CA 2",
            "1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4",
        ),
        (
            "Amazon Root CA 3",
            "18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4",
        ),
        (
            "Amazon Root CA 4",
            "e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092",
        ),
        (
            "Starfield Services Root Certificate Authority - G2",
            "568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5",
        ),
    ];

    /// The SDK parses the bundle when it builds a connection, and panics on a bad one: every
    /// block must be a certificate, and each one a root of Amazon's, by its fingerprint.
    #[test]
    fn the_trust_store_is_amazon_trust_services_five_roots() {
        let ders = CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("every block is a PEM certificate");
        assert_eq!(ders.len(), ROOTS.len());
        for (der, (name, fingerprint)) in ders.iter().zip(ROOTS) {
            assert_eq!(hex::encode(Sha256::digest(der)), fingerprint, "{name}");
            let cert = Certificate::from_der(der).expect("a DER certificate");
            let tbs = &cert.tbs_certificate;
            assert!(
                tbs.subject.to_string().contains(&format!("CN={name}")),
                "{}",
                tbs.subject
            );
            assert_eq!(tbs.subject, tbs.issuer, "a self-signed root");
            let until = tbs.validity.not_after.to_unix_duration().as_secs();
            // 2037-01-01: each root outlives any deploy of this code.
            assert!(until >= 2_114_380_800, "{name} expires too soon");
        }
    }
}
