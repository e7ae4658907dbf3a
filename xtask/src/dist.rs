//! `cargo xtask dist`: what a deploy uploads. The SPA in `dist/` (hashed names) and one
//! zip per Lambda function in `target/lambda/{bin}/bootstrap.zip`, built by cargo-lambda
//! for arm64 Amazon Linux 2023 (zig as the cross linker; both from PyPI). The template's
//! `CodeUri`s point at those zips.

use std::path::Path;

use anyhow::{Context, Result};

use crate::{run, spa, tools};

/// The Lambda binaries, as the template deploys them.
pub const FUNCTIONS: [&str; 3] = ["pec-api", "pec-outbox", "pec-sweep"];

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

    eprintln!("\nDeployable artifacts:");
    for function in FUNCTIONS {
        let zip = root
            .join("target/lambda")
            .join(function)
            .join("bootstrap.zip");
        let size = std::fs::metadata(&zip)
            .with_context(|| format!("{} was not built", zip.display()))?
            .len();
        eprintln!(
            "  {function:<11} {:>8.1} kB  {}",
            size as f64 / 1000.0,
            zip.display()
        );
    }
    eprintln!("  SPA                     {}", dist.display());
    Ok(())
}
