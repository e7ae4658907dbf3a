//! The SPA build: cargo for wasm32, wasm-bindgen, wasm-opt -Oz, the static files with
//! content-hashed names for code and stylesheets, and brotli/gzip copies that the local
//! server sends to browsers that accept them.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::{fingerprint, run, tools};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const PROFILE: &str = "wasm-release";

/// Builds the SPA into `dist/`, returning that folder.
pub fn build(root: &Path) -> Result<PathBuf> {
    let started = Instant::now();
    tools::ensure_wasm_target(root, WASM_TARGET)?;
    tools::ensure_wasm_bindgen(root)?;
    let wasm_opt = tools::ensure_wasm_opt(root)?;
    let bootstrap_italia = tools::ensure_bootstrap_italia(root)?;

    run(
        root,
        "cargo",
        &[
            "build",
            "--package",
            "frontend",
            "--target",
            WASM_TARGET,
            "--profile",
            PROFILE,
        ],
        &[],
    )?;
    let dist = root.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).context("cleaning dist/")?;
    }
    let pkg = dist.join("pkg");
    fs::create_dir_all(&pkg)?;
    let wasm = root
        .join("target")
        .join(WASM_TARGET)
        .join(PROFILE)
        .join("frontend.wasm");
    run(
        root,
        "wasm-bindgen",
        &[
            path_str(&wasm)?,
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            path_str(&pkg)?,
        ],
        &[],
    )?;
    let bg = pkg.join("frontend_bg.wasm");
    run(
        root,
        path_str(&wasm_opt)?,
        &[
            "-Oz",
            "--strip-debug",
            "--strip-producers",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            path_str(&bg)?,
            "-o",
            path_str(&bg)?,
        ],
        &[],
    )?;
    for file in ["index.html", "style.css"] {
        fs::copy(root.join("frontend/static").join(file), dist.join(file))
            .with_context(|| format!("copying {file}"))?;
    }
    copy_bootstrap_italia(&bootstrap_italia, &dist.join("bootstrap-italia"))?;
    fingerprint::apply(&dist)?;
    let report = precompress(&dist)?;
    eprintln!(
        "SPA built in {:.1?} into {}",
        started.elapsed(),
        dist.display()
    );
    eprintln!("{report}");
    Ok(dist)
}

/// Bootstrap Italia's stylesheet, its icon sprite, and the woff2 fonts the stylesheet
/// names (`style.css` declares them; the package loads fonts from JavaScript otherwise).
fn copy_bootstrap_italia(package: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to.join("css"))?;
    fs::create_dir_all(to.join("svg"))?;
    fs::copy(
        package.join("css/bootstrap-italia.min.css"),
        to.join("css/bootstrap-italia.min.css"),
    )
    .context("copying Bootstrap Italia's stylesheet")?;
    fs::copy(package.join("svg/sprites.svg"), to.join("svg/sprites.svg"))
        .context("copying Bootstrap Italia's icons")?;
    for family in ["Titillium_Web", "Roboto_Mono"] {
        let target = to.join("fonts").join(family);
        fs::create_dir_all(&target)?;
        for entry in fs::read_dir(package.join("fonts").join(family))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "woff2") {
                fs::copy(&path, target.join(path.file_name().expect("a file name")))?;
            }
        }
    }
    Ok(())
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().context("the project path is not UTF-8")
}

/// Writes `.br` and `.gz` beside every asset and returns the sizes of the app's code.
fn precompress(dist: &Path) -> Result<String> {
    let mut code = (0usize, 0usize, 0usize);
    let mut files = Vec::new();
    collect(dist, &mut files)?;
    for file in files {
        let raw = fs::read(&file)?;
        let mut br = Vec::new();
        {
            let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            writer.write_all(&raw)?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw)?;
        let gz = gz.finish()?;
        fs::write(with_suffix(&file, "br"), &br)?;
        fs::write(with_suffix(&file, "gz"), &gz)?;
        if matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js")
        ) {
            code.0 += raw.len();
            code.1 += gz.len();
            code.2 += br.len();
        }
    }
    Ok(format!(
        "SPA wasm+js: {:.1} kB raw, {:.1} kB gzip, {:.1} kB brotli",
        code.0 as f64 / 1000.0,
        code.1 as f64 / 1000.0,
        code.2 as f64 / 1000.0
    ))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}
