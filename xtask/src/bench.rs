//! `cargo xtask bench`: every figure of the product's speed beside a peer measured in the
//! same run (this machine is shared and noisy, so ratios, not timings, are what compare),
//! printed as each step runs and collected into `target/bench/report.json`.
//!
//! Each step prints its figures as lines `FIGURE {json}` (`name`, `value`, `unit`, `peer`,
//! `peer_value`, `ratio`, `target`, `met`); this module runs the steps, echoes their
//! output, and keeps those lines.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use crate::{dist, spa, tools};

/// Mailboxes Modoboa imports in its timed run (its time is linear in N; the peer
/// is measured at 1,000).
const MODOBOA_MAILBOXES: usize = 1_000;

pub fn bench(root: &Path) -> Result<()> {
    let spa_tools = tools::for_bench(root)?;
    let mut figures = Vec::new();
    // The peer of the bulk activation: Modoboa's own CSV importer on this machine.
    let modoboa = modoboa(root)?;
    let peer = modoboa
        .map(|seconds| (seconds / MODOBOA_MAILBOXES as f64).to_string())
        .unwrap_or_default();
    run_figures(
        root,
        "cargo",
        &["bench", "--package", "functions", "--bench", "scale"],
        &[("PEC_BENCH_MODOBOA_S_PER_MAILBOX", peer.as_str())],
        &mut figures,
    )?;
    // The verifica's worst day on DynamoDB (moto), fanned out through its queue.
    run_figures(
        root,
        "cargo",
        &["bench", "--package", "functions", "--bench", "fanout"],
        &[],
        &mut figures,
    )?;
    // Orders end to end and the invoice numbering under concurrent payments.
    run_figures(
        root,
        "cargo",
        &["bench", "--package", "functions", "--bench", "orders"],
        &[],
        &mut figures,
    )?;
    // Signed-contract verification per file, beside `openssl cms -verify`.
    run_figures(
        root,
        "cargo",
        &["bench", "--package", "e2e", "--bench", "firma"],
        &[],
        &mut figures,
    )?;
    // Cold starts: our Lambda binaries beside a lambda_http hello world, all in release.
    let mut args = vec!["build", "--release", "--package", "functions"];
    for function in dist::FUNCTIONS {
        args.extend(["--bin", function]);
    }
    args.extend(["--example", "lambda_hello", "--example", "cold_start"]);
    crate::run(root, "cargo", &args, &[])?;
    run_figures(
        root,
        root.join("target/release/examples/cold_start")
            .to_str()
            .context("not UTF-8")?,
        &[root.join("target/release").to_str().context("not UTF-8")?],
        &[],
        &mut figures,
    )?;
    figures.extend(zip_figures(root)?);
    // The SPA: each area's first load, then the time to each area's first rendered page,
    // in Chromium against the local server.
    let dist = spa::build(root, &spa_tools)?;
    figures.extend(spa::bundle_figures(&dist)?);
    crate::run(
        root,
        "cargo",
        &["build", "--package", "functions", "--bin", "pec-local"],
        &[],
    )?;
    run_figures(
        root,
        "cargo",
        &["bench", "--package", "e2e", "--bench", "first_render"],
        &[
            ("PEC_SPA_DIR", dist.to_str().context("not UTF-8")?),
            (
                "PEC_LOCAL_BIN",
                root.join("target/debug/pec-local")
                    .to_str()
                    .context("not UTF-8")?,
            ),
        ],
        &mut figures,
    )?;
    report(root, &figures)
}

/// Each Lambda function's zip as a bench figure: at most 5 MB. The release binaries the
/// cold starts ran are zipped here as `cargo xtask dist` packs its arm64 ones
/// ([`dist::pack`]), so the bench needs no cross build. x86-64 code is the larger (at
/// stop 31, 7% for pec-api's zip and 21% for pec-documents', whose S3 checksums carry
/// x86's SIMD variants), so the figure errs high.
fn zip_figures(root: &Path) -> Result<Vec<Value>> {
    const TARGET_KB: f64 = 5000.0;
    let mut figures = Vec::new();
    for function in dist::FUNCTIONS {
        let binary = root.join("target/release").join(function);
        let code =
            std::fs::read(&binary).with_context(|| format!("reading {}", binary.display()))?;
        let kb = dist::pack(&code)?.len() as f64 / 1000.0;
        eprintln!(
            "{function} zipped: {kb:.1} kB ({:.1} MB unpacked)",
            code.len() as f64 / 1e6
        );
        figures.push(json!({
            "name": format!("lambda_zip_{function}_x86_64"),
            "value": kb,
            "unit": "kB",
            "peer": null,
            "peer_value": null,
            "ratio": null,
            "target": format!("<= {TARGET_KB} kB"),
            "met": kb <= TARGET_KB,
        }));
    }
    Ok(figures)
}

/// Runs a step, echoing its output, and keeps the figures it prints.
fn run_figures(
    root: &Path,
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
    figures: &mut Vec<Value>,
) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let mut child = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {program}"))?;
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(figure) = line.strip_prefix("FIGURE ") {
            figures.push(serde_json::from_str(figure).context("a FIGURE line is JSON")?);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Modoboa 2.12's CSV import of [`MODOBOA_MAILBOXES`] mailboxes, in seconds, by the
/// workplace's peer script (it installs Modoboa the first time, untimed); `None` when the
/// script is not beside the project.
fn modoboa(root: &Path) -> Result<Option<f64>> {
    let script = root.join("../shared/peers/modoboa_import_bench.sh");
    if !script.exists() {
        eprintln!("(no {}: the bulk activation has no peer)", script.display());
        return Ok(None);
    }
    let n = MODOBOA_MAILBOXES.to_string();
    eprintln!("$ bash {} {n}", script.display());
    let output = Command::new("bash")
        .arg(&script)
        .arg(&n)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .context("running Modoboa's import")?;
    let text = String::from_utf8_lossy(&output.stdout);
    print!("{text}");
    if !output.status.success() {
        bail!("Modoboa's import failed ({})", output.status);
    }
    // `modoboa_import N=1000 wall_s=274.77 rss_mb=132.2`
    let wall = text
        .lines()
        .rev()
        .find_map(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("wall_s="))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .context("Modoboa's wall time")?;
    Ok(Some(wall))
}

/// Writes `target/bench/report.json` and prints every figure beside its peer and target.
fn report(root: &Path, figures: &[Value]) -> Result<()> {
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("report.json");
    std::fs::write(&path, serde_json::to_string_pretty(&json!(figures))?)?;
    println!(
        "\nfigure                                   value            peer                      ratio   target      met"
    );
    let number = |v: &Value| v.as_f64().map_or("-".to_owned(), |x| format!("{x:.3}"));
    for f in figures {
        println!(
            "{:<40} {:>10} {:<5} {:<18} {:>8} {:>7} {:<11} {}",
            f["name"].as_str().unwrap_or_default(),
            number(&f["value"]),
            f["unit"].as_str().unwrap_or_default(),
            f["peer"].as_str().unwrap_or("-"),
            number(&f["peer_value"]),
            number(&f["ratio"]),
            f["target"].as_str().unwrap_or("-"),
            match f["met"].as_bool() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            }
        );
    }
    println!("\nwritten to {}", path.display());
    Ok(())
}
