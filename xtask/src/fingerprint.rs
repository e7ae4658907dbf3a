//! Content-hashed names for the SPA's code and stylesheets: the CDN and browsers may keep
//! them for good (`immutable`), while `index.html`, which names them, is always fetched
//! again, so a deploy is seen at the next page load and never half-mixed.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// Renames the app's code and stylesheets in `dist` and rewrites what refers to them.
pub fn apply(dist: &Path) -> Result<()> {
    let wasm = rename_hashed(&dist.join("pkg/frontend_bg.wasm"))?;
    // wasm-bindgen's loader finds the module next to itself by name.
    let js_path = dist.join("pkg/frontend.js");
    let js = fs::read_to_string(&js_path)?;
    fs::write(
        &js_path,
        replace(&js, "'frontend_bg.wasm'", &format!("'{wasm}'"))?,
    )?;
    let js = rename_hashed(&js_path)?;
    let css = rename_hashed(&dist.join("style.css"))?;
    let bootstrap = rename_hashed(&dist.join("bootstrap-italia/css/bootstrap-italia.min.css"))?;

    let index = dist.join("index.html");
    let mut html = fs::read_to_string(&index)?;
    for (old, new) in [
        ("/pkg/frontend_bg.wasm", format!("/pkg/{wasm}")),
        ("/pkg/frontend.js", format!("/pkg/{js}")),
        ("/style.css", format!("/{css}")),
        (
            "/bootstrap-italia/css/bootstrap-italia.min.css",
            format!("/bootstrap-italia/css/{bootstrap}"),
        ),
    ] {
        html = replace(&html, old, &new)?;
    }
    fs::write(&index, html)?;
    Ok(())
}

/// Replaces every `old` in `text`, failing if there is none (a build layout change).
fn replace(text: &str, old: &str, new: &str) -> Result<String> {
    if !text.contains(old) {
        bail!("`{old}` not found where the SPA build expects it");
    }
    Ok(text.replace(old, new))
}

/// `name.ext` → `name.{hash}.ext`, the hash being the content's (SHA-256, 16 hex digits).
fn rename_hashed(path: &Path) -> Result<String> {
    let content = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let hash = format!("{:x}", Sha256::digest(&content));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("a UTF-8 file name")?;
    let (stem, ext) = name
        .rsplit_once('.')
        .context("a file name with an extension")?;
    let hashed = format!("{stem}.{}.{ext}", &hash[..16]);
    fs::rename(path, path.with_file_name(&hashed))?;
    Ok(hashed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_by_content_and_rewrites_the_references() {
        let dist = std::env::temp_dir().join(format!("pec-fingerprint-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dist);
        fs::create_dir_all(dist.join("pkg")).unwrap();
        fs::create_dir_all(dist.join("bootstrap-italia/css")).unwrap();
        fs::write(dist.join("pkg/frontend_bg.wasm"), b"\0asm").unwrap();
        fs::write(
            dist.join("pkg/frontend.js"),
            "module_or_path = new URL('frontend_bg.wasm', import.meta.url);",
        )
        .unwrap();
        fs::write(dist.join("style.css"), "body{}").unwrap();
        fs::write(
            dist.join("bootstrap-italia/css/bootstrap-italia.min.css"),
            "a{}",
        )
        .unwrap();
        fs::write(
            dist.join("index.html"),
            r#"<link href="/bootstrap-italia/css/bootstrap-italia.min.css"><link href="/style.css">
<link rel="modulepreload" href="/pkg/frontend.js"><link href="/pkg/frontend_bg.wasm">
<script type="module">import init from "/pkg/frontend.js"; init();</script>"#,
        )
        .unwrap();

        apply(&dist).unwrap();

        let html = fs::read_to_string(dist.join("index.html")).unwrap();
        let names: Vec<String> = fs::read_dir(dist.join("pkg"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        let js = names.iter().find(|n| n.ends_with(".js")).unwrap();
        let wasm = names.iter().find(|n| n.ends_with(".wasm")).unwrap();
        assert!(js.starts_with("frontend.") && js.len() == "frontend..js".len() + 16);
        assert_eq!(html.matches(&format!("/pkg/{js}")).count(), 2);
        assert!(html.contains(&format!("/pkg/{wasm}")));
        assert!(!html.contains("/style.css") && !html.contains(".min.css\""));
        let loader = fs::read_to_string(dist.join("pkg").join(js)).unwrap();
        assert!(loader.contains(&format!("'{wasm}'")));
        fs::remove_dir_all(&dist).unwrap();
    }
}
