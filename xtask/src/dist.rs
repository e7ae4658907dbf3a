//! `cargo xtask dist`: what a deploy uploads. The SPA in `dist/` (hashed names) and one
//! zip per Lambda function in `target/lambda/{bin}/bootstrap.zip`, built by cargo-lambda
//! for arm64 Amazon Linux 2023 (zig as the cross linker; both from PyPI) and packed again
//! at deflate's best level ([`pack`]). The template's
//! `CodeUri`s point at those zips. The documents' zip (`pec-documents`, which checks the
//! signed contracts) also carries the trust store the Fondazione keeps (`PEC_TRUST_STORE`, `PEC_TRUST_CRLS` when packaging), where the
//! template tells the function to read it (`/var/task/fiducia.pem`, `/var/task/crl/`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use shared::firma::Fiducia;

use crate::{run, spa, tools};

/// The Lambda binaries, as the template deploys them.
pub const FUNCTIONS: [&str; 4] = ["pec-api", "pec-documents", "pec-outbox", "pec-sweep"];

pub fn build(root: &Path) -> Result<()> {
    let tools = tools::for_dist(root)?;
    let dist = spa::build(root, &tools.spa)?;
    // cargo-lambda finds `cargo-lambda` and the ziglang module on the PATH.
    let path = format!(
        "{}:{}",
        tools.cargo_lambda_bin.to_str().context("not UTF-8")?,
        std::env::var("PATH").unwrap_or_default()
    );
    let mut args = vec![
        "lambda",
        "build",
        "--release",
        "--arm64",
        "--output-format",
        "zip",
        "--package",
        "functions",
    ];
    for function in FUNCTIONS {
        args.extend(["--bin", function]);
    }
    run(root, "cargo", &args, &[("PATH", &path)])?;
    for function in FUNCTIONS {
        repack(&zip_of(root, function))?;
    }
    let documents_zip = zip_of(root, "pec-documents");
    match trust_from_env()? {
        Some((bundle, crls)) => {
            let (cas, crl_count) = package_trust(&documents_zip, &bundle, &crls)?;
            eprintln!("Trust store packaged in pec-documents: {cas} CAs, {crl_count} CRLs");
        }
        None => eprintln!(
            "No trust store packaged (PEC_TRUST_STORE unset): on AWS every valid signature goes to the Fondazione's review"
        ),
    }

    eprintln!("\nDeployable artifacts:");
    for function in FUNCTIONS {
        let zip = zip_of(root, function);
        let size = std::fs::metadata(&zip)
            .with_context(|| format!("{} was not built", zip.display()))?
            .len();
        eprintln!(
            "  {function:<13} {:>8.1} kB  {}",
            size as f64 / 1000.0,
            zip.display()
        );
    }
    eprintln!("  SPA                       {}", dist.display());
    Ok(())
}

/// Where cargo-lambda puts `function`'s zip, which the template's `CodeUri` names.
fn zip_of(root: &Path, function: &str) -> PathBuf {
    root.join("target/lambda")
        .join(function)
        .join("bootstrap.zip")
}

/// Deflate's best level, for the functions' code. Lambda downloads the zip at each cold
/// start; the zip crate's default level (6) made pec-api's zip 3.7% larger (5,013 against
/// 4,836 kB, x86-64), for half a second more per binary here. cargo-lambda's zips are
/// packed again at this level, whatever level it used.
const LEVEL: i64 = 9;

/// A Lambda zip holding `code` as its executable `bootstrap`.
pub fn pack(code: &[u8]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "bootstrap",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(LEVEL))
            .unix_permissions(0o755),
    )?;
    zip.write_all(code)?;
    Ok(zip.finish()?.into_inner())
}

/// Rewrites cargo-lambda's zip of a function with [`pack`]; it holds only `bootstrap`.
fn repack(path: &Path) -> Result<()> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{} was not built", path.display()))?;
    let mut archive = zip::ZipArchive::new(file)?;
    if archive.len() != 1 {
        bail!(
            "{} holds {} files, not only bootstrap",
            path.display(),
            archive.len()
        );
    }
    let mut code = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("bootstrap")?, &mut code)?;
    std::fs::write(path, pack(&code)?)?;
    Ok(())
}

/// The bundle and CRL folder named for packaging, if any.
fn trust_from_env() -> Result<Option<(PathBuf, Vec<PathBuf>)>> {
    let Some(bundle) = std::env::var_os("PEC_TRUST_STORE").map(PathBuf::from) else {
        return Ok(None);
    };
    let mut crls = Vec::new();
    if let Some(folder) = std::env::var_os("PEC_TRUST_CRLS") {
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("reading {}", PathBuf::from(&folder).display()))?
        {
            let path = entry?.path();
            if path.is_file() {
                crls.push(path);
            }
        }
        crls.sort();
    }
    Ok(Some((bundle, crls)))
}

/// Adds `bundle` as `fiducia.pem` and each of `crls` under `crl/` to the function's
/// `zip`, after reading them as the function will (a bundle it cannot load would stop it
/// at start); how many CAs and CRLs it holds.
fn package_trust(zip: &Path, bundle: &Path, crls: &[PathBuf]) -> Result<(usize, usize)> {
    let pem = std::fs::read_to_string(bundle)
        .with_context(|| format!("reading the trust store {}", bundle.display()))?;
    let mut store = Fiducia::from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("the trust store {}: {e}", bundle.display()))?;
    if store.anchors() == 0 {
        bail!("the trust store {} holds no CA", bundle.display());
    }
    let mut files = vec![("fiducia.pem".to_owned(), pem.into_bytes())];
    for crl in crls {
        let bytes = std::fs::read(crl)?;
        store
            .add_crl(&bytes)
            .map_err(|e| anyhow::anyhow!("the CRL {}: {e}", crl.display()))?;
        let name = crl
            .file_name()
            .and_then(|n| n.to_str())
            .context("a CRL's name")?;
        files.push((format!("crl/{name}"), bytes));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(zip)
        .with_context(|| format!("{} was not built", zip.display()))?;
    let mut archive = zip::ZipWriter::new_append(file)?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, bytes) in &files {
        archive.start_file(name.as_str(), options)?;
        archive.write_all(bytes)?;
    }
    archive.finish()?;
    Ok((store.anchors(), crls.len()))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::{package_trust, repack};

    #[test]
    fn a_functions_zip_is_repacked_at_the_best_level_with_the_same_executable() {
        let dir = std::env::temp_dir().join(format!("pec-dist-repack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bootstrap.zip");
        // Code-like bytes: repeated, with some variety.
        let code: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let fast = zip::write::SimpleFileOptions::default().compression_level(Some(1));
        zip.start_file("bootstrap", fast).unwrap();
        zip.write_all(&code).unwrap();
        zip.finish().unwrap();
        let before = std::fs::metadata(&path).unwrap().len();

        repack(&path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < before);
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(archive.len(), 1);
        let mut bootstrap = archive.by_name("bootstrap").unwrap();
        assert_eq!(bootstrap.unix_mode().map(|m| m & 0o777), Some(0o755));
        let mut unpacked = Vec::new();
        bootstrap.read_to_end(&mut unpacked).unwrap();
        assert_eq!(unpacked, code);
        drop(bootstrap);

        // A zip with more than the executable is not cargo-lambda's: refused, not lost.
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for name in ["bootstrap", "other"] {
            zip.start_file(name, fast).unwrap();
            zip.write_all(b"x").unwrap();
        }
        zip.finish().unwrap();
        assert!(repack(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_trust_store_joins_the_functions_zip_only_when_it_loads() {
        let dir = std::env::temp_dir().join(format!("pec-dist-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let zip_path = dir.join("bootstrap.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        zip.start_file("bootstrap", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"\x7fELF").unwrap();
        zip.finish().unwrap();

        let bad = dir.join("bad.pem");
        std::fs::write(&bad, "not a certificate").unwrap();
        assert!(package_trust(&zip_path, &bad, &[]).is_err());

        // A CA of the demo (any certificate the verifier loads will do).
        let pem = include_str!("../tests/fixtures/ca.pem");
        let bundle = dir.join("fiducia.pem");
        std::fs::write(&bundle, pem).unwrap();
        assert_eq!(package_trust(&zip_path, &bundle, &[]).unwrap(), (1, 0));

        let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
        let mut names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["bootstrap", "fiducia.pem"]);
        let mut packaged = String::new();
        archive
            .by_name("fiducia.pem")
            .unwrap()
            .read_to_string(&mut packaged)
            .unwrap();
        assert_eq!(packaged, pem);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
