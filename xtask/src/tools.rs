//! The tools the build needs beyond cargo, installed by package name when missing: the
//! wasm32 target (rustup), the wasm-bindgen CLI at Cargo.lock's version (crates.io), and
//! wasm-opt from npm's `binaryen` (Debian's older binaryen emits wasm that browsers reject).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::run;

const BINARYEN: &str = "binaryen@132";

pub fn ensure_wasm_target(root: &Path, target: &str) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == target)
    {
        run(root, "rustup", &["target", "add", target], &[])?;
    }
    Ok(())
}

/// The wasm-bindgen version Cargo.lock pins: the CLI must match the library exactly.
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            let version = lines.next().unwrap_or_default();
            if let Some(v) = version.strip_prefix("version = \"") {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

pub fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
    let wanted = locked_wasm_bindgen(root)?;
    let current = Command::new("wasm-bindgen").arg("--version").output();
    let have = current
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    if have != format!("wasm-bindgen {wanted}") {
        eprintln!(
            "installing wasm-bindgen-cli {wanted} (found: {have:?}); this takes a few minutes"
        );
        // Not --locked: the registry mirror lags one of the CLI's locked dependencies.
        run(
            root,
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--force",
            ],
            &[],
        )?;
    }
    Ok(())
}

/// Installs the npm `package` under `prefix` unless `marker` (a file it brings) exists.
fn ensure_npm(root: &Path, prefix: &Path, package: &str, marker: &Path) -> Result<()> {
    if marker.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(prefix)?;
    let prefix_str = prefix.to_str().context("the project path is not UTF-8")?;
    run(
        root,
        "npm",
        &[
            "install",
            "--prefix",
            prefix_str,
            "--no-audit",
            "--no-fund",
            "--no-save",
            package,
        ],
        &[],
    )
}

/// `wasm-opt` from npm's binaryen, installed under `target/tools`.
pub fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target").join("tools");
    let bin = prefix.join("node_modules").join(".bin").join("wasm-opt");
    ensure_npm(root, &prefix, BINARYEN, &bin)?;
    Ok(bin)
}

/// Bootstrap Italia's npm package, installed under `target/tools/bootstrap-italia` (its
/// own prefix: npm prunes what another `--no-save` install left).
pub fn ensure_bootstrap_italia(root: &Path) -> Result<PathBuf> {
    const PACKAGE: &str = "bootstrap-italia@2.18.3";
    let prefix = root.join("target").join("tools").join("bootstrap-italia");
    let dist = prefix
        .join("node_modules")
        .join("bootstrap-italia")
        .join("dist");
    ensure_npm(
        root,
        &prefix,
        PACKAGE,
        &dist.join("css").join("bootstrap-italia.min.css"),
    )?;
    Ok(dist)
}

/// Debian's Chromium and ChromeDriver for the browser tests (a browser cannot be
/// downloaded here, only installed from Debian's packages).
pub fn ensure_chromium(root: &Path) -> Result<()> {
    ensure_apt(root, "chromedriver", "chromium chromium-driver")
}

/// Installs Debian `packages` unless `/usr/bin/{binary}` is there.
pub fn ensure_apt(root: &Path, binary: &str, packages: &str) -> Result<()> {
    if Path::new("/usr/bin").join(binary).exists() {
        return Ok(());
    }
    let env = [("DEBIAN_FRONTEND", "noninteractive")];
    run(root, "apt-get", &["update", "-qq"], &env)?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend(packages.split(' '));
    run(root, "apt-get", &args, &env)
}

/// A virtualenv `name` under `~/.cache/pec-ingegneri` (it survives clean clones) with the
/// PyPI `requirement`, installed unless `bin/{marker}` exists. Returns the venv.
pub fn ensure_venv(root: &Path, name: &str, requirement: &str, marker: &str) -> Result<PathBuf> {
    let home = std::env::var("HOME").context("HOME is not set")?;
    let venv = PathBuf::from(home).join(".cache/pec-ingegneri").join(name);
    if !venv.join("bin").join(marker).exists() {
        std::fs::create_dir_all(venv.parent().expect("a parent"))?;
        let venv_str = venv.to_str().context("the cache path is not UTF-8")?;
        run(root, "python3", &["-m", "venv", venv_str], &[])?;
        let pip = venv.join("bin/pip");
        run(
            root,
            pip.to_str().context("not UTF-8")?,
            &["install", "--quiet", requirement],
            &[],
        )?;
    }
    Ok(venv)
}

/// `moto_server` (PyPI `moto[server]`), the DynamoDB-compatible server the store's tests
/// run against.
pub fn ensure_moto(root: &Path) -> Result<PathBuf> {
    let venv = ensure_venv(root, "moto-venv", "moto[server]==5.2.5", "moto_server")?;
    Ok(venv.join("bin/moto_server"))
}
