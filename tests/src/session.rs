//! A signed-in account over HTTP, as the app calls the API: JSON in and out, and the
//! contract's upload as the app sends it (ask where, PUT there, have it verified).

use anyhow::{Context, Result, ensure};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::pki::{Ca, Pki};
use crate::server::LocalServer;

/// A local server whose trust store holds `ca` (the tests' own qualified CA).
pub async fn server_trusting(pki: &Pki, ca: &Ca) -> Result<LocalServer> {
    let store = pki.path("fiducia.pem");
    std::fs::copy(ca.cert(), &store)?;
    LocalServer::start_with(&[("PEC_TRUST_STORE", store.to_str().context("a UTF-8 path")?)]).await
}

pub struct Holder<'a> {
    pub server: &'a LocalServer,
    pub token: String,
    pub http: Client,
}

impl<'a> Holder<'a> {
    /// `username`'s session (the demo password).
    pub async fn log_in(server: &'a LocalServer, username: &str) -> Result<Holder<'a>> {
        Ok(Holder {
            server,
            token: server.token(username).await?,
            http: Client::new(),
        })
    }

    pub async fn get(&self, path: &str) -> Result<reqwest::Response> {
        Ok(self
            .http
            .get(self.server.url(path))
            .bearer_auth(&self.token)
            .send()
            .await?)
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<(StatusCode, Value)> {
        let response = self
            .http
            .post(self.server.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        Ok((status, response.json().await?))
    }

    /// His codice fiscale, as the API gives it.
    pub async fn codice_fiscale(&self) -> Result<String> {
        let me: Value = self.get("/api/me").await?.json().await?;
        me["member"]["anagrafica"]["codice_fiscale"]
            .as_str()
            .map(str::to_owned)
            .context("no codice fiscale in /api/me")
    }

    /// His first access, every step confirmed on the text shown, as the app does it.
    pub async fn complete_first_access(&self) -> Result<()> {
        let view: Value = self.get("/api/me/primo-accesso").await?.json().await?;
        let (versione, impronta) = (&view["testo"]["versione"], &view["impronta"]);
        let clausole = view["testo"]["clausole_onerose"].clone();
        for passo in ["anagrafica", "condizioni", "clausole", "informativa"] {
            let (status, body) = self
                .post(
                    "/api/me/primo-accesso",
                    &json!({ "passo": passo, "versione": versione, "impronta": impronta, "clausole": clausole }),
                )
                .await?;
            ensure!(status == StatusCode::OK, "{passo}: {body}");
        }
        Ok(())
    }

    /// What the app does with a signed file: ask, send, have it verified.
    pub async fn upload(&self, file: &[u8]) -> Result<(StatusCode, Value)> {
        let sha = hex::encode(Sha256::digest(file));
        let (status, ready) = self
            .post(
                "/api/me/contratto/caricamenti",
                &json!({ "dimensione": file.len(), "sha256": sha }),
            )
            .await?;
        if status != StatusCode::OK {
            return Ok((status, ready));
        }
        if let Some(url) = ready["url"].as_str() {
            let mut put = self.http.put(self.server.url(url)).body(file.to_vec());
            for header in ready["intestazioni"].as_array().context("headers")? {
                put = put.header(
                    header["nome"].as_str().context("name")?,
                    header["valore"].as_str().context("value")?,
                );
            }
            let sent = put.send().await?;
            ensure!(sent.status().is_success(), "PUT: {}", sent.text().await?);
        }
        self.post(
            &format!("/api/me/contratto/caricamenti/{sha}/verifica"),
            &json!({}),
        )
        .await
    }
}
