//! The contract over HTTP, as the app does it, against the local server with a trust store
//! of the tests' own CA: the holder downloads his contract, signs it with `openssl`, asks
//! where to send it, PUTs it to that URL and has it verified. A file signed by someone
//! else is refused with the reason; the holder's is *firmato*; after that nothing more.

use anyhow::{Context, Result, ensure};
use e2e::pki::{Pki, Profile, Signing, cades};
use e2e::session::{Holder, server_trusting};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn a_holder_downloads_signs_uploads_and_his_contract_is_signed() -> Result<()> {
    let pki = Pki::new("contratto-api")?;
    let root = pki.root("root", "Demo Certificatore")?;
    let server = server_trusting(&pki, &root).await?;
    let holder = Holder::log_in(&server, "mario.rossi").await?;
    let cf = holder.codice_fiscale().await?;

    let view: Value = holder.get("/api/me/contratto").await?.json().await?;
    ensure!(view["stato"] == "da-firmare", "{view}");

    // The contract comes after the first access.
    let refused = holder.get("/api/me/contratto/documento").await?;
    ensure!(refused.status() == StatusCode::UNPROCESSABLE_ENTITY);
    let (status, wrong_order) = holder
        .post(
            "/api/me/primo-accesso",
            &json!({ "passo": "condizioni", "versione": "2026.1", "impronta": "x" }),
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{wrong_order}");
    ensure!(
        wrong_order["message"]
            .as_str()
            .unwrap_or_default()
            .contains("verifica dei dati"),
        "{wrong_order}"
    );
    holder.complete_first_access().await?;
    let me: Value = holder.get("/api/me").await?.json().await?;
    ensure!(
        !me["member"]["mailbox"]["first_access_on"].is_null(),
        "{me}"
    );

    // His contract, the same document when asked again.
    let response = holder.get("/api/me/contratto/documento").await?;
    ensure!(response.status() == StatusCode::OK);
    ensure!(
        response.headers()["content-type"] == "application/pdf",
        "{:?}",
        response.headers()
    );
    let pdf = response.bytes().await?.to_vec();
    ensure!(pdf.starts_with(b"%PDF-"));
    let again = holder
        .get("/api/me/contratto/documento")
        .await?
        .bytes()
        .await?;
    ensure!(
        again.as_ref() == pdf.as_slice(),
        "a second document for the same data"
    );

    // Signed by another engineer: refused, with the reason.
    let colleague = pki.signer(
        &root,
        "colleague",
        &Profile {
            serial_number: Some("TINIT-DSNMGR80A41F205X".into()),
            ..Profile::default()
        },
    )?;
    let wrong = cades(&pki, "wrong", &pdf, &[&colleague], &Signing::default())?;
    let (status, outcome) = holder.upload(&wrong).await?;
    ensure!(status == StatusCode::OK, "{outcome}");
    ensure!(
        outcome["referto"]["esito"].get("rifiutato").is_some(),
        "{outcome}"
    );
    ensure!(outcome["contratto"] == "respinto", "{outcome}");
    ensure!(
        outcome["motivo"]
            .as_str()
            .unwrap_or_default()
            .contains("non dal titolare"),
        "{outcome}"
    );

    // A PUT of another file than declared is not kept.
    let (_, ready) = holder
        .post(
            "/api/me/contratto/caricamenti",
            &json!({ "dimensione": 5, "sha256": "0".repeat(64) }),
        )
        .await?;
    let url = ready["url"].as_str().context("an upload URL")?;
    let forged = holder
        .http
        .put(server.url(url))
        .body(b"12345".to_vec())
        .send()
        .await?;
    ensure!(
        forged.status() == StatusCode::FORBIDDEN,
        "{}",
        forged.status()
    );
    let (status, _) = holder
        .post(
            &format!("/api/me/contratto/caricamenti/{}/verifica", "0".repeat(64)),
            &json!({}),
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY);

    // His own qualified signature: signed.
    let own = pki.signer(
        &root,
        "holder",
        &Profile {
            serial_number: Some(format!("TINIT-{cf}")),
            ..Profile::default()
        },
    )?;
    let signed = cades(&pki, "signed", &pdf, &[&own], &Signing::default())?;
    let (status, outcome) = holder.upload(&signed).await?;
    ensure!(status == StatusCode::OK, "{outcome}");
    ensure!(outcome["referto"]["esito"] == "verificato", "{outcome}");
    ensure!(outcome["contratto"] == "firmato", "{outcome}");
    let view: Value = holder.get("/api/me/contratto").await?.json().await?;
    ensure!(view["stato"] == "firmato", "{view}");
    let mailbox = &holder.get("/api/me").await?.json::<Value>().await?["member"]["mailbox"];
    ensure!(mailbox["contratto"] == "firmato", "{mailbox}");

    // The same file again: the same answer, nothing sent twice; another: refused.
    let (status, ready) = holder
        .post(
            "/api/me/contratto/caricamenti",
            &json!({ "dimensione": signed.len(), "sha256": hex::encode(Sha256::digest(&signed)) }),
        )
        .await?;
    ensure!(
        status == StatusCode::OK && ready["url"].is_null(),
        "{ready}"
    );
    ensure!(ready["gia_caricato"]["contratto"] == "firmato", "{ready}");
    let (status, refused) = holder.upload(&wrong[..wrong.len() - 1]).await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    ensure!(
        refused["message"]
            .as_str()
            .unwrap_or_default()
            .contains("già firmato"),
        "{refused}"
    );

    // His history says what happened.
    let history: Value = holder.get("/api/me/history").await?.json().await?;
    let text = history.to_string();
    ensure!(
        text.contains("contratto firmato caricato: firma verificata"),
        "{text}"
    );
    ensure!(
        text.contains("contratto firmato caricato: rifiutato"),
        "{text}"
    );
    Ok(())
}

/// A valid signature under a CA outside the trust store waits for the Fondazione, who
/// opens the file, must say why to reject, and approves: the holder's contract is signed.
#[tokio::test]
async fn the_fondazione_approves_a_contract_from_review() -> Result<()> {
    let pki = Pki::new("contratto-review")?;
    let trusted = pki.root("trusted", "Demo Certificatore")?;
    let foreign = pki.root("foreign", "Certificatore Estero")?;
    let server = server_trusting(&pki, &trusted).await?;
    let holder = Holder::log_in(&server, "anna.dangelo").await?;
    let fondazione = Holder::log_in(&server, "fondazione").await?;
    let cf = holder.codice_fiscale().await?;
    holder.complete_first_access().await?;
    let pdf = holder
        .get("/api/me/contratto/documento")
        .await?
        .bytes()
        .await?
        .to_vec();
    let signer = pki.signer(
        &foreign,
        "anna",
        &Profile {
            common_name: "Anna D'Angelo",
            serial_number: Some(format!("TINIT-{cf}")),
            ..Profile::default()
        },
    )?;
    let file = cades(&pki, "anna", &pdf, &[&signer], &Signing::default())?;
    let (status, outcome) = holder.upload(&file).await?;
    ensure!(status == StatusCode::OK, "{outcome}");
    ensure!(outcome["contratto"] == "in-verifica", "{outcome}");
    ensure!(
        outcome["motivo"]
            .as_str()
            .unwrap_or_default()
            .contains("elenco di fiducia"),
        "{outcome}"
    );

    // The holder cannot see the queue; the Fondazione finds her there.
    ensure!(holder.get("/api/contratti/revisione").await?.status() == StatusCode::FORBIDDEN);
    let queue: Value = fondazione
        .get("/api/contratti/revisione")
        .await?
        .json()
        .await?;
    let items = queue["items"].as_array().context("items")?;
    ensure!(
        items.len() == 1 && items[0]["codice_fiscale"] == cf,
        "{queue}"
    );
    let sha = items[0]["sha256"].as_str().context("sha")?.to_owned();
    let opened = fondazione
        .get(&format!("/api/contratti/revisione/{cf}/{sha}/file"))
        .await?
        .bytes()
        .await?;
    ensure!(
        opened.as_ref() == file.as_slice(),
        "the file is not the one uploaded"
    );

    let decide = format!("/api/contratti/revisione/{cf}/{sha}/decisione");
    let (status, refused) = fondazione
        .post(&decide, &json!({ "approvato": false, "motivo": "  " }))
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    ensure!(refused["field"] == "motivo", "{refused}");
    let (status, approved) = fondazione
        .post(&decide, &json!({ "approvato": true }))
        .await?;
    ensure!(status == StatusCode::OK, "{approved}");
    ensure!(approved["contratto"] == "firmato", "{approved}");
    // Again: the same answer; the other decision: refused.
    let (status, _) = fondazione
        .post(&decide, &json!({ "approvato": true }))
        .await?;
    ensure!(status == StatusCode::OK);
    let (status, _) = fondazione
        .post(
            &decide,
            &json!({ "approvato": false, "motivo": "Firma illeggibile" }),
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY);

    let view: Value = holder.get("/api/me/contratto").await?.json().await?;
    ensure!(view["stato"] == "firmato", "{view}");
    let queue: Value = fondazione
        .get("/api/contratti/revisione")
        .await?
        .json()
        .await?;
    ensure!(
        queue["items"].as_array().is_some_and(Vec::is_empty),
        "{queue}"
    );
    let history: Value = holder.get("/api/me/history").await?.json().await?;
    ensure!(
        history.to_string().contains("approvato dalla Fondazione"),
        "{history}"
    );
    Ok(())
}

/// Bad input over HTTP: a file over the limit is refused before it is sent, a picture
/// named `.p7m` and a zip bomb in a PDF are not accepted (nothing is ever decompressed),
/// and two good files verified at the same moment sign the contract once: one answer
/// *firmato*, the other a clear refusal, never a 5xx.
#[tokio::test]
async fn bad_files_and_two_uploads_at_once() -> Result<()> {
    let pki = Pki::new("contratto-bad")?;
    let root = pki.root("root", "Demo Certificatore")?;
    let server = server_trusting(&pki, &root).await?;
    let holder = Holder::log_in(&server, "mario.rossi").await?;
    holder.complete_first_access().await?;
    let cf = holder.codice_fiscale().await?;
    let pdf = holder
        .get("/api/me/contratto/documento")
        .await?
        .bytes()
        .await?
        .to_vec();

    let (status, body) = holder
        .post(
            "/api/me/contratto/caricamenti",
            &json!({ "dimensione": 10 * 1024 * 1024 + 1, "sha256": "a".repeat(64) }),
        )
        .await?;
    ensure!(status == StatusCode::PAYLOAD_TOO_LARGE, "{status} {body}");
    ensure!(body["code"] == "payload_too_large", "{body}");

    let png = [&b"\x89PNG\r\n\x1a\n"[..], &[0u8; 64]].concat();
    let (status, outcome) = holder.upload(&png).await?;
    ensure!(status == StatusCode::OK, "{outcome}");
    ensure!(
        outcome["referto"]["esito"].get("rifiutato").is_some(),
        "{outcome}"
    );

    // A PDF whose stream would inflate to gigabytes: read as a PDF without a signature
    // (to review), never inflated.
    let mut bomb = b"%PDF-1.7\n1 0 obj << /Length 2000 /Filter /FlateDecode >>\nstream\n".to_vec();
    bomb.extend(std::iter::repeat_n(0x78u8, 2000));
    bomb.extend_from_slice(b"\nendstream endobj\n%%EOF\n");
    let (status, outcome) = holder.upload(&bomb).await?;
    ensure!(status == StatusCode::OK, "{outcome}");
    ensure!(outcome["referto"]["esito"] != "verificato", "{outcome}");

    // Two good files, verified at once.
    let own = pki.signer(
        &root,
        "holder",
        &Profile {
            serial_number: Some(format!("TINIT-{cf}")),
            ..Profile::default()
        },
    )?;
    let first = cades(&pki, "first", &pdf, &[&own], &Signing::default())?;
    let second = cades(
        &pki,
        "second",
        &pdf,
        &[&own],
        &Signing {
            digest: "sha512",
            ..Signing::default()
        },
    )?;
    let (a, b) = tokio::join!(holder.upload(&first), holder.upload(&second));
    let (a, b) = (a?, b?);
    let statuses = [a.0, b.0];
    ensure!(
        statuses.contains(&StatusCode::OK) && statuses.iter().all(|s| s.as_u16() < 500),
        "{a:?} {b:?}"
    );
    let signed = [&a, &b]
        .iter()
        .filter(|(status, body)| *status == StatusCode::OK && body["contratto"] == "firmato")
        .count();
    ensure!(signed >= 1, "{a:?} {b:?}");
    let view: Value = holder.get("/api/me/contratto").await?.json().await?;
    ensure!(view["stato"] == "firmato", "{view}");
    let history: Value = holder.get("/api/me/history").await?.json().await?;
    let verified = history.to_string().matches("firma verificata").count();
    ensure!(
        verified == 1,
        "the contract was signed {verified} times: {history}"
    );
    Ok(())
}
