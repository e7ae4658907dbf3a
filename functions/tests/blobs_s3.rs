//! The contracts bucket as the function speaks to S3 (requests signed by rusty-s3), on
//! moto: files kept and read back, the size limit applied before reading, and the
//! browser's upload by presigned PUT, whose signature covers the declared size and SHA-256
//! (S3 refuses any other body; moto checks no signature, so the signed headers are asserted
//! on the URL, the signature against AWS's own signer in `blob::s3`, and the API's own
//! check of what arrived is the verification's, tested over HTTP).

use std::time::Duration;

use chrono::Utc;
use functions::blob::BlobStore;
use functions::testing::Moto;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn files_and_presigned_uploads_on_s3() {
    let moto = Moto::start().await;
    let blobs = moto.s3("pec-contratti").await;

    let pdf = b"%PDF-1.7 contratto".to_vec();
    blobs
        .put("contratti/X/emessi/C-1.pdf", pdf.clone(), "application/pdf")
        .await
        .unwrap();
    assert_eq!(
        blobs.get("contratti/X/emessi/C-1.pdf", 1000).await.unwrap(),
        Some(pdf)
    );
    assert_eq!(blobs.get("contratti/X/none", 1000).await.unwrap(), None);
    assert!(blobs.get("contratti/X/emessi/C-1.pdf", 4).await.is_err());
    assert!(blobs.put("../escape", Vec::new(), "x").await.is_err());

    // The browser's PUT: the declared file is kept.
    let signed = b"0\x82 firmato".to_vec();
    let sha = hex::encode(Sha256::digest(&signed));
    let key = format!("contratti/X/firmati/{sha}");
    let url = blobs
        .upload_url(
            &key,
            signed.len() as u64,
            &sha,
            Duration::from_secs(600),
            Utc::now(),
        )
        .await
        .unwrap();
    let signed_headers = url
        .url
        .split("X-Amz-SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .replace("%3B", ";");
    for header in ["content-length", "x-amz-checksum-sha256", "host"] {
        assert!(
            signed_headers.split(';').any(|h| h == header),
            "{header} is not signed: {signed_headers}"
        );
    }
    let checksum = url
        .headers
        .iter()
        .find(|(name, _)| name == "x-amz-checksum-sha256")
        .map(|(_, value)| value.clone());
    use base64::Engine;
    assert_eq!(
        checksum,
        Some(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&signed)))
    );
    let http = reqwest::Client::new();
    let put = |body: Vec<u8>| {
        let mut request = http.put(&url.url).body(body);
        for (name, value) in &url.headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let kept = put(signed.clone()).await.unwrap();
    assert!(kept.status().is_success(), "{}", kept.text().await.unwrap());
    assert_eq!(blobs.get(&key, 1000).await.unwrap(), Some(signed));
}
