//! Checks of `infra/template.yaml`: cfn-lint and `sam validate --lint` clean, its routes
//! exactly the code's (`infra/check_routes.py` against `pec-local --openapi`), and its
//! functions exactly the binaries `cargo xtask dist` zips.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{dist, run, tools};

const CFN_LINT: &str = "cfn-lint==1.58.0";
const SAM_CLI: &str = "aws-sam-cli==1.170.0";

/// Lints the template and compares its routes with the code's, using `local_bin` (the
/// built `pec-local`) for the code's OpenAPI document.
pub fn check(root: &Path, local_bin: &Path) -> Result<()> {
    let venv = tools::ensure_venv(root, "infra-venv", CFN_LINT, "cfn-lint")?;
    let template = root.join("infra/template.yaml");
    let template = template.to_str().context("not UTF-8")?;
    run(
        root,
        venv.join("bin/cfn-lint").to_str().context("not UTF-8")?,
        &[template],
        &[],
    )?;
    let sam = tools::ensure_venv(root, "sam-venv", SAM_CLI, "sam")?;
    run(
        root,
        sam.join("bin/sam").to_str().context("not UTF-8")?,
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
        venv.join("bin/python").to_str().context("not UTF-8")?,
        &[
            "infra/check_routes.py",
            spec.to_str().context("not UTF-8")?,
            template,
            &dist::FUNCTIONS.join(","),
        ],
        &[],
    )
}
