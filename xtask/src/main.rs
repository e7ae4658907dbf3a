//! Project tasks, as code:
//!
//! - `cargo xtask dev`: installs what is missing, builds the SPA, runs the local server.
//! - `cargo xtask test`: everything CI runs (formatting, lints, the SPA build, every test).
//! - `cargo xtask spa`: builds the SPA into `dist/` and prints its sizes.
//! - `cargo xtask dist`: the deployable artifacts, the SPA and the Lambda zips (arm64).
//! - `cargo xtask bench`: the scale benchmarks and the first render of each area (minutes;
//!   not part of `test`).
//!
//! Each command first installs every tool it needs that is missing, in one step
//! (`tools::for_*`), then runs its steps.

mod bench;
mod contract;
mod dist;
mod fingerprint;
mod infra;
mod spa;
mod split;
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
        "spa" => spa::build(&root, &tools::for_spa(&root)?).map(|_| ()),
        "dist" => dist::build(&root),
        "bench" => bench::bench(&root),
        _ => {
            eprintln!("usage: cargo xtask <dev | test | spa | dist | bench>");
            eprintln!(
                "  dev   install what is missing, build the SPA, serve everything on http://127.0.0.1:8080"
            );
            eprintln!("  test  run every check and test that CI runs");
            eprintln!("  spa   build the SPA into dist/ and print its sizes");
            eprintln!("  dist  the SPA and the Lambda zips (arm64) that a deploy uploads");
            eprintln!(
                "  bench import 250,000 members, activate 10,000, load-test GET /api/me; first render of each area"
            );
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

/// The one build of the workspace that `dev` and `test` share: `cargo test --workspace`
/// selects every package with its dev-dependencies, and cargo unifies features over that
/// selection. `dev` used to run `cargo run --package functions`, which resolves features
/// differently: each command then rebuilt most dependencies after the other (3.5 of the
/// 8.5 minutes of a `test` after a `dev`). With the same arguments the second command
/// compiles nothing again (the variables `test` sets are read at run time, not compile
/// time, so they change nothing cargo builds). It builds `target/debug/pec-local` too:
/// functions' integration tests need the package's binaries.
const WORKSPACE_BUILD: &[&str] = &["test", "--workspace"];

fn local_bin(root: &Path) -> PathBuf {
    root.join("target/debug/pec-local")
}

fn dev(root: &Path) -> Result<()> {
    let tools = tools::for_dev(root)?;
    let dist = spa::build(root, &tools)?;
    run(
        root,
        "cargo",
        &[WORKSPACE_BUILD, &["--no-run"]].concat(),
        &[],
    )?;
    let bin = local_bin(root);
    if !bin.exists() {
        bail!(
            "`cargo test --workspace --no-run` did not build {}",
            bin.display()
        );
    }
    eprintln!("$ PEC_SPA_DIR={} {}", dist.display(), bin.display());
    let mut server = Command::new(&bin);
    server.env("PEC_SPA_DIR", &dist).current_dir(root);
    exec(server)
}

/// Runs `command` in this process's place: Ctrl-C reaches the server alone (it stops
/// gracefully) and its exit status is the task's.
#[cfg(unix)]
fn exec(mut command: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    Err(command.exec()).context("could not start the server")
}

/// Runs `command` and exits with its status (Ctrl-C reaches every process of the console).
#[cfg(not(unix))]
fn exec(mut command: Command) -> Result<()> {
    let status = command.status().context("could not start the server")?;
    std::process::exit(status.code().unwrap_or(1))
}

fn test(root: &Path) -> Result<()> {
    // Every tool the steps below use, installed first when missing.
    let tools = tools::for_test(root)?;

    // Formatting and lints, native and wasm.
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
            tools::WASM_TARGET,
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;

    // The SPA, which the API and browser tests load.
    let dist = spa::build(root, &tools.spa)?;
    let dist = dist.to_str().context("the project path is not UTF-8")?;

    // Every test of the workspace, in the build `dev` shares.
    let moto = tools
        .moto_server
        .to_str()
        .context("the cache path is not UTF-8")?;
    let local_bin = local_bin(root);
    let local_bin_str = local_bin
        .to_str()
        .context("the project path is not UTF-8")?;
    run(
        root,
        "cargo",
        &[WORKSPACE_BUILD, &["--no-fail-fast"]].concat(),
        &[
            ("PEC_SPA_DIR", dist),
            ("PEC_MOTO_SERVER", moto),
            ("PEC_AXE_JS", tools.axe_core.to_str().context("not UTF-8")?),
            ("PEC_PYHANKO", tools.pyhanko.to_str().context("not UTF-8")?),
            (
                "PEC_LOCALSTRIPE",
                tools.localstripe.to_str().context("not UTF-8")?,
            ),
            (
                "PEC_FATTURAPA_XSD",
                tools.fatturapa.xsd.to_str().context("not UTF-8")?,
            ),
            (
                "XML_CATALOG_FILES",
                tools.fatturapa.catalog.to_str().context("not UTF-8")?,
            ),
            // Built by this same `cargo test` (functions' integration tests need it), with
            // the same features: building it separately would rebuild the workspace twice.
            ("PEC_LOCAL_BIN", local_bin_str),
        ],
    )?;

    // The API against its OpenAPI document, as each role.
    contract::check(
        root,
        &tools.schemathesis,
        &local_bin,
        std::path::Path::new(dist),
    )?;

    // The template, against the code's routes.
    infra::check(root, &tools.infra, &local_bin)
}
