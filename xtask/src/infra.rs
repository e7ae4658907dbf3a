//! Checks of `infra/template.yaml`: cfn-lint and `sam validate --lint` clean, its routes
//! exactly the code's (`infra/check_routes.py` against `pec-local --openapi`), and its
//! functions exactly the binaries `cargo xtask dist` zips.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{dist, run, tools};

/// Lints the template and compares its routes with the code's, using `local_bin` (the
/// built `pec-local`) for the code's OpenAPI document.
pub fn check(root: &Path, tools: &tools::Infra, local_bin: &Path) -> Result<()> {
    let template = root.join("infra/template.yaml");
    let template = template.to_str().context("not UTF-8")?;
    run(
        root,
        tools.cfn_lint.to_str().context("not UTF-8")?,
        &[template],
        &[],
    )?;
    run(
        root,
        tools.sam.to_str().context("not UTF-8")?,
        &["validate", "--lint", "--template-file", template],
        &[("SAM_CLI_TELEMETRY", "0")],
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
        tools.python.to_str().context("not UTF-8")?,
        &[
            "infra/check_routes.py",
            spec.to_str().context("not UTF-8")?,
            template,
            &dist::FUNCTIONS.join(","),
        ],
        &[],
    )
}
