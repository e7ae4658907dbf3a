//! Checks of `infra/template.yaml`: cfn-lint clean, and its routes exactly the code's
//! (`infra/check_routes.py` against `pec-local --openapi`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::run;

const CFN_LINT: &str = "cfn-lint==1.58.0";

/// A virtualenv with cfn-lint (PyPI), under `~/.cache/pec-ingegneri`, kept across clones.
fn ensure_cfn_lint(root: &Path) -> Result<PathBuf> {
    let home = std::env::var("HOME").context("HOME is not set")?;
    let venv = PathBuf::from(home).join(".cache/pec-ingegneri/infra-venv");
    let lint = venv.join("bin/cfn-lint");
    if !lint.exists() {
        std::fs::create_dir_all(venv.parent().expect("a parent"))?;
        let venv_str = venv.to_str().context("the cache path is not UTF-8")?;
        run(root, "python3", &["-m", "venv", venv_str], &[])?;
        let pip = venv.join("bin/pip");
        run(
            root,
            pip.to_str().context("not UTF-8")?,
            &["install", "--quiet", CFN_LINT],
            &[],
        )?;
    }
    Ok(venv)
}

/// Lints the template and compares its routes with the code's, using `local_bin` (the
/// built `pec-local`) for the code's OpenAPI document.
pub fn check(root: &Path, local_bin: &Path) -> Result<()> {
    let venv = ensure_cfn_lint(root)?;
    let template = root.join("infra/template.yaml");
    let template = template.to_str().context("not UTF-8")?;
    run(
        root,
        venv.join("bin/cfn-lint").to_str().context("not UTF-8")?,
        &[template],
        &[],
    )?;
    let output = Command::new(local_bin)
        .arg("--openapi")
        .output()
        .context("running pec-local --openapi")?;
    if !output.status.success() {
        bail!("pec-local --openapi failed");
    }
    let spec = root.join("target/openapi.json");
    std::fs::write(&spec, &output.stdout)?;
    run(
        root,
        venv.join("bin/python").to_str().context("not UTF-8")?,
        &[
            "infra/check_routes.py",
            spec.to_str().context("not UTF-8")?,
            template,
        ],
        &[],
    )
}
