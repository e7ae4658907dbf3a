//! Verification time per signed contract: the verifier of `shared::firma` beside
//! `openssl cms -verify` on the same files: CAdES and PAdES, RSA 2048 and ECDSA P-256, on
//! the contract PDF the server issues. openssl is timed as a tool is used (one process a
//! file), and also without its process start (`openssl version` timed alike and taken
//! away). Figures for the issue notes, not assertions (`cargo xtask bench`).

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use chrono::Utc;
use e2e::pki::{
    Pki, Profile, Signer, Signing, cades, issued_contract, openssl_verifies,
    openssl_verifies_detached, pades, pades_parts,
};
use sha2::{Digest, Sha256};
use shared::codice_fiscale::CodiceFiscale;
use shared::firma::{Esito, Fiducia, Verifica, verifica};

const HOLDER: &str = "RSSMRA85T10A562S";
/// Verifications of ours per file (fast), and runs of openssl (a process each).
const OURS: u32 = 200;
const OPENSSL: u32 = 30;

fn per_run(runs: u32, mut run: impl FnMut() -> Result<()>) -> Result<Duration> {
    let start = Instant::now();
    for _ in 0..runs {
        run()?;
    }
    Ok(start.elapsed() / runs)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<()> {
    let pki = Pki::new("bench")?;
    let root = pki.root("root", "Demo Certificatore")?;
    let holder = |name: &str, key: &'static str| -> Result<Signer> {
        pki.signer(
            &root,
            name,
            &Profile {
                key,
                serial_number: Some(format!("TINIT-{HOLDER}")),
                ..Profile::default()
            },
        )
    };
    let rsa = holder("rsa", "rsa:2048")?;
    let ec = holder("ec", "ec:P-256")?;
    let document = issued_contract(&CodiceFiscale::parse(HOLDER)?)?;
    let issued: [u8; 32] = Sha256::digest(&document).into();
    let trust = Fiducia::from_pem(&std::fs::read_to_string(root.cert())?)?;
    let titolare = CodiceFiscale::parse(HOLDER)?;
    let ours = |file: &[u8]| {
        verifica(
            file,
            &Verifica {
                titolare: &titolare,
                emessi: &[issued],
                fiducia: &trust,
                al: Utc::now(),
            },
        )
    };
    let process = per_run(OPENSSL, || {
        Command::new("openssl").arg("version").output()?;
        Ok(())
    })?;

    println!(
        "Signed contract verification ({} kB PDF/A), per file:",
        document.len() / 1024
    );
    println!(
        "  {:<16} {:>10} {:>12} {:>10} {:>16} {:>8}",
        "file", "ours ms", "openssl ms", "ratio", "openssl-start ms", "ratio"
    );
    for (label, signer, pdf_signature) in [
        ("CAdES RSA 2048", &rsa, false),
        ("CAdES P-256", &ec, false),
        ("PAdES RSA 2048", &rsa, true),
        ("PAdES P-256", &ec, true),
    ] {
        let file = if pdf_signature {
            pades(&pki, &document, signer)?
        } else {
            cades(&pki, label, &document, &[signer], &Signing::default())?
        };
        let outcome = ours(&file).esito;
        ensure!(
            matches!(outcome, Esito::Verificato | Esito::InRevisione { .. }),
            "{label}: {outcome:?}"
        );
        let mine = per_run(OURS, || {
            ours(&file);
            Ok(())
        })?;
        let theirs = per_run(OPENSSL, || {
            let accepted = if pdf_signature {
                let (content, cms) = pades_parts(&file)?;
                openssl_verifies_detached(&pki, &cms, &content, &root)?
            } else {
                openssl_verifies(&pki, &file, &root)?
            };
            ensure!(accepted, "openssl refused {label}");
            Ok(())
        })?;
        let net = theirs.saturating_sub(process);
        println!(
            "  {:<16} {:>10.3} {:>12.3} {:>9.2}x {:>16.3} {:>7.2}x",
            label,
            ms(mine),
            ms(theirs),
            ms(theirs) / ms(mine),
            ms(net),
            ms(net) / ms(mine),
        );
        functions::testing::figure(
            &format!(
                "contract_verification_{}",
                label.to_lowercase().replace(' ', "_")
            ),
            ms(mine),
            "ms",
            Some(("openssl cms -verify", ms(theirs))),
            Some(ms(theirs) / ms(mine)),
            "measured (issue 11; > 1: ours is faster)",
            true,
        );
    }
    println!(
        "  (openssl's process start, `openssl version`: {:.3} ms; ratio > 1: ours is faster)",
        ms(process)
    );
    Ok(())
}
