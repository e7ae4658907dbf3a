//! Project tasks, as code:
//!
//! - `cargo xtask dev`: installs what is missing, builds the SPA, runs the local server.
//! - `cargo xtask test`: everything CI runs (formatting, lints, the SPA build, every test).
//! - `cargo xtask spa`: builds the SPA into `dist/` and prints its sizes.
//! - `cargo xtask dist`: the deployable artifacts, the SPA and the Lambda zips (arm64).
//! - `cargo xtask bench`: the scale benchmarks (minutes; not part of `test`).

mod dist;
mod fingerprint;
mod infra;
mod spa;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = project_root();
    match task.as_str() {
        "dev" => dev(&root),
        "test" => test(&root),
        "spa" => spa::build(&root).map(|_| ()),
        "dist" => dist::build(&root),
        "bench" => bench(&root),
        _ => {
            eprintln!("usage: cargo xtask <dev | test | spa | dist | bench>");
            eprintln!(
                "  dev   install what is missing, build the SPA, serve everything on http://127.0.0.1:8080"
            );
            eprintln!("  test  run every check and test that CI runs");
            eprintln!("  spa   build the SPA into dist/ and print its sizes");
            eprintln!("  dist  the SPA and the Lambda zips (arm64) that a deploy uploads");
            eprintln!("  bench import 250,000 members, activate 10,000, load-test GET /api/me");
            std::process::exit(2);
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command in `dir`, failing with its name when it fails.
pub fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(dir)
        .status()
        .with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn dev(root: &Path) -> Result<()> {
    let dist = spa::build(root)?;
    let dist = dist.to_str().context("the project path is not UTF-8")?;
    run(
        root,
        "cargo",
        &["run", "--package", "functions", "--bin", "pec-local"],
        &[("PEC_SPA_DIR", dist)],
    )
}

fn bench(root: &Path) -> Result<()> {
    tools::ensure_apt(root, "wrk", "wrk")?;
    run(
        root,
        "cargo",
        &["bench", "--package", "functions", "--bench", "scale"],
        &[],
    )?;
    // Cold starts: our Lambda binaries beside a lambda_http hello world, all in release.
    let mut args = vec!["build", "--release", "--package", "functions"];
    for function in dist::FUNCTIONS {
        args.extend(["--bin", function]);
    }
    args.extend(["--example", "lambda_hello", "--example", "cold_start"]);
    run(root, "cargo", &args, &[])?;
    run(
        root,
        root.join("target/release/examples/cold_start")
            .to_str()
            .context("not UTF-8")?,
        &[root.join("target/release").to_str().context("not UTF-8")?],
        &[],
    )
}

fn test(root: &Path) -> Result<()> {
    run(root, "cargo", &["fmt", "--all", "--", "--check"], &[])?;
    run(
        root,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run(
        root,
        "cargo",
        &[
            "clippy",
            "--package",
            "frontend",
            "--target",
            spa::WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    let dist = spa::build(root)?;
    let dist = dist.to_str().context("the project path is not UTF-8")?;
    tools::ensure_chromium(root)?;
    let moto = tools::ensure_moto(root)?;
    let moto = moto.to_str().context("the cache path is not UTF-8")?;
    let local_bin = root.join("target/debug/pec-local");
    let local_bin = local_bin
        .to_str()
        .context("the project path is not UTF-8")?;
    run(
        root,
        "cargo",
        &["test", "--workspace", "--no-fail-fast"],
        &[
            ("PEC_SPA_DIR", dist),
            ("PEC_MOTO_SERVER", moto),
            // Built by this same `cargo test` (functions' integration tests need it), with
            // the same features: building it separately would rebuild the workspace twice.
            ("PEC_LOCAL_BIN", local_bin),
        ],
    )?;
    infra::check(root, &root.join("target/debug/pec-local"))
}
