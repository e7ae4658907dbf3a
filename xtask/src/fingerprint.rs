//! Content-hashed names for the SPA's code and stylesheets: the CDN and browsers may keep
//! them for good (`immutable`), while `index.html`, which names them, is always fetched
//! again, so a deploy is seen at the next page load and never half-mixed.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// The frontend's bundles (its `src/bin/*.rs`): one per area (`shared::ui::Area`), then
/// the modules an area imports on demand ([`ON_DEMAND`]).
pub const BUNDLES: [&str; 6] = [
    "pubblico",
    "accesso",
    "iscritto",
    "ordine",
    "fondazione",
    "firma",
];

/// Bundles no page loads at first: the signature pre-check, imported by the member area
/// when a signed file is chosen.
pub const ON_DEMAND: [&str; 1] = ["firma"];

/// Renames the app's code and stylesheets in `dist` and rewrites what refers to them.
/// Each file is renamed after the names it holds are rewritten, so its hash covers them:
/// each bundle's files, then `boot.js` (which imports the bundles' loaders), and
/// `index.html` last. `after` names what the build does to the files once they are named
/// (the minifier and its settings): it is part of every hash, so that a name still stands
/// for one content when that changes.
pub fn apply(dist: &Path, after: &str) -> Result<()> {
    let mut loaders = Vec::new();
    for bundle in BUNDLES {
        let loader = apply_to_bundle(&dist.join("pkg"), bundle, after)?;
        loaders.push((
            format!("\"/pkg/{bundle}.js\""),
            format!("\"/pkg/{loader}\""),
        ));
    }
    // The page's only script: it imports the loader of the page's area.
    let boot = rename_hashed(
        rewrite(
            &dist.join("boot.js"),
            &loaders
                .iter()
                .map(|(old, new)| (old.as_str(), new.clone()))
                .collect::<Vec<_>>(),
        )?,
        after,
    )?;
    // The fonts first: the app's stylesheet names them.
    let style = dist.join("style.css");
    let fonts = font_urls(&fs::read_to_string(&style)?);
    let mut renamed = Vec::new();
    for url in fonts {
        let path = dist.join(url.trim_start_matches('/'));
        let hashed = rename_hashed(&path, after)?;
        let (folder, _) = url.rsplit_once('/').context("a font's path")?;
        renamed.push((url.clone(), format!("{folder}/{hashed}")));
    }
    let replacements: Vec<(&str, String)> = renamed
        .iter()
        .map(|(old, new)| (old.as_str(), new.clone()))
        .collect();
    let css = rename_hashed(rewrite(&style, &replacements)?, after)?;
    let bootstrap = rename_hashed(
        &dist.join("bootstrap-italia/css/bootstrap-italia.min.css"),
        after,
    )?;
    let index = dist.join("index.html");
    let html = fs::read_to_string(&index)?;
    let mut replacements = vec![
        ("/boot.js", format!("/{boot}")),
        ("/style.css", format!("/{css}")),
        (
            "/bootstrap-italia/css/bootstrap-italia.min.css",
            format!("/bootstrap-italia/css/{bootstrap}"),
        ),
    ];
    // The font the page preloads.
    replacements.extend(
        renamed
            .iter()
            .filter(|(old, _)| html.contains(old.as_str()))
            .map(|(old, new)| (old.as_str(), new.clone())),
    );
    rewrite(&index, &replacements)?;
    Ok(())
}

/// Names every file of `bundle` in `pkg` with one hash of them all, and returns its
/// loader's new name. Two of them name each other (the loader imports the split's loader,
/// which imports it back for the main module's memory), so neither's own hash could cover
/// the other's name; one hash of all the files, taken before any is renamed, does (and a
/// change to any file renames the whole bundle, which is fetched anew in any case).
fn apply_to_bundle(pkg: &Path, bundle: &str, after: &str) -> Result<String> {
    let files = bundle_files(pkg, bundle)?;
    let mut hasher = Sha256::new();
    hasher.update(after.as_bytes());
    for name in &files {
        let content = fs::read(pkg.join(name))?;
        hasher.update(name.as_bytes());
        hasher.update((content.len() as u64).to_be_bytes());
        hasher.update(&content);
    }
    let hash = hasher.finalize();
    let hashed = |name: &str| hashed_name(name, &hash);
    let loader = format!("{bundle}.js");
    let wasm = format!("{bundle}_bg.wasm");
    // wasm-bindgen's loader finds the module next to itself by name.
    let mut in_loader = vec![(format!("'{wasm}'"), format!("'{}'", hashed(&wasm)?))];
    let split = format!("{bundle}_split.js");
    if files.contains(&split) {
        // Its imports only: the imports object the loader gives the main module keeps the
        // name the module asks for (`./{bundle}_split.js`).
        in_loader.push((
            format!("from \"./{split}\""),
            format!("from \"./{}\"", hashed(&split)?),
        ));
        // The split's loader imports the bundle's and fetches each page's module.
        let mut in_split = vec![(
            format!("\"./{loader}\""),
            format!("\"./{}\"", hashed(&loader)?),
        )];
        for module in files
            .iter()
            .filter(|name| name.ends_with(".wasm") && **name != wasm)
        {
            in_split.push((
                format!("\"./{module}\""),
                format!("\"./{}\"", hashed(module)?),
            ));
        }
        rewrite_all(&pkg.join(&split), &in_split)?;
    } else if fs::read_to_string(pkg.join(&loader))?.contains(&format!("\"./{split}\"")) {
        bail!("{bundle}'s loader imports {split}, which the build did not write");
    }
    rewrite_all(&pkg.join(&loader), &in_loader)?;
    for name in &files {
        fs::rename(pkg.join(name), pkg.join(hashed(name)?))?;
    }
    hashed(&loader)
}

/// The files of `bundle` in `pkg`, by name: its loader and main module (wasm-bindgen's),
/// and the split's loader and modules, if it has pages fetched on demand.
fn bundle_files(pkg: &Path, bundle: &str) -> Result<Vec<String>> {
    let loader = format!("{bundle}.js");
    let wasm = format!("{bundle}_bg.wasm");
    let mut files = Vec::new();
    for entry in fs::read_dir(pkg)? {
        let name = entry?
            .file_name()
            .into_string()
            .map_err(|name| anyhow::anyhow!("not UTF-8: {name:?}"))?;
        if name == loader
            || name == wasm
            || name.starts_with(&format!("{bundle}_split"))
            || name.starts_with(&format!("{bundle}_chunk_"))
        {
            files.push(name);
        }
    }
    files.sort();
    if !files.contains(&loader) || !files.contains(&wasm) {
        bail!(
            "{bundle}'s loader or module is missing from {}",
            pkg.display()
        );
    }
    Ok(files)
}

/// [`rewrite`] with owned pairs.
fn rewrite_all(path: &Path, replacements: &[(String, String)]) -> Result<()> {
    let pairs: Vec<(&str, String)> = replacements
        .iter()
        .map(|(old, new)| (old.as_str(), new.clone()))
        .collect();
    rewrite(path, &pairs).map(|_| ())
}

/// The fonts a stylesheet declares: each `url("…woff2")`, once.
pub fn font_urls(css: &str) -> Vec<String> {
    let mut urls: Vec<String> = css
        .split("url(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(url, _)| url))
        .filter(|url| url.ends_with(".woff2"))
        .map(str::to_owned)
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// Replaces, in the text file at `path`, every `old` by its `new` (each `old` must be
/// there), returning the path.
fn rewrite<'a>(path: &'a Path, replacements: &[(&str, String)]) -> Result<&'a Path> {
    let mut text =
        fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    for (old, new) in replacements {
        text = replace(&text, old, new).with_context(|| format!("rewriting {}", path.display()))?;
    }
    fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Replaces every `old` in `text`, failing if there is none (a build layout change).
pub fn replace(text: &str, old: &str, new: &str) -> Result<String> {
    if !text.contains(old) {
        bail!("`{old}` not found where the SPA build expects it");
    }
    Ok(text.replace(old, new))
}

/// `name.ext` → `name.{hash}.ext`, the hash being `after`'s and the content's.
fn rename_hashed(path: &Path, after: &str) -> Result<String> {
    let content = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let hash = Sha256::new()
        .chain_update(after.as_bytes())
        .chain_update(&content)
        .finalize();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("a UTF-8 file name")?;
    let hashed = hashed_name(name, &hash)?;
    fs::rename(path, path.with_file_name(&hashed))?;
    Ok(hashed)
}

/// `name.ext` → `name.{hash}.ext`, with the hash's first 16 hex digits.
fn hashed_name(name: &str, hash: &[u8]) -> Result<String> {
    let (stem, ext) = name
        .rsplit_once('.')
        .context("a file name with an extension")?;
    let digits: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{stem}.{digits}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the tests' builds do to the files once named.
    const AFTER: &str = "esbuild --minify";

    /// The page and the boot module as the build copies them.
    fn static_file(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../frontend/static")
            .join(name);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A `dist/` as the SPA build has it before fingerprinting, with the real `index.html`
    /// and `boot.js`.
    fn unhashed_dist(name: &str) -> std::path::PathBuf {
        let dist =
            std::env::temp_dir().join(format!("pec-fingerprint-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dist);
        fs::create_dir_all(dist.join("pkg")).unwrap();
        fs::create_dir_all(dist.join("bootstrap-italia/css")).unwrap();
        for bundle in BUNDLES {
            fs::write(
                dist.join(format!("pkg/{bundle}_bg.wasm")),
                format!("\0asm{bundle}"),
            )
            .unwrap();
            fs::write(
                dist.join(format!("pkg/{bundle}.js")),
                format!("module_or_path = new URL('{bundle}_bg.wasm', import.meta.url);"),
            )
            .unwrap();
        }
        // The real stylesheet, with a stand-in for each font it declares.
        let css = static_file("style.css");
        for url in font_urls(&css) {
            let font = dist.join(&url[1..]);
            fs::create_dir_all(font.parent().unwrap()).unwrap();
            fs::write(font, format!("wOF2{url}")).unwrap();
        }
        fs::write(dist.join("style.css"), css).unwrap();
        fs::write(
            dist.join("bootstrap-italia/css/bootstrap-italia.min.css"),
            "a{}",
        )
        .unwrap();
        for file in ["index.html", "boot.js"] {
            fs::write(dist.join(file), static_file(file)).unwrap();
        }
        dist
    }

    fn names_in(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect()
    }

    /// `name.{16 hex digits}.ext`.
    fn is_hashed(name: &str, stem: &str, ext: &str) -> bool {
        name.strip_prefix(stem)
            .and_then(|n| n.strip_prefix('.'))
            .and_then(|n| n.strip_suffix(ext))
            .and_then(|n| n.strip_suffix('.'))
            .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// Every `href="/…"` and `src="/…"` of `html`.
    /// The files the page names (links to the app's own pages, which have no extension,
    /// are not files).
    fn local_references(html: &str) -> Vec<&str> {
        let mut references = Vec::new();
        for attribute in ["href=\"", "src=\""] {
            for (at, _) in html.match_indices(attribute) {
                let value = &html[at + attribute.len()..];
                let value = &value[..value.find('"').unwrap()];
                let is_file = value.rsplit('/').next().is_some_and(|n| n.contains('.'));
                if value.starts_with('/') && (is_file || value == "/") {
                    references.push(value);
                }
            }
        }
        references
    }

    #[test]
    fn renames_by_content_and_rewrites_the_references() {
        let dist = unhashed_dist("rename");

        apply(&dist, AFTER).unwrap();

        let pkg = names_in(&dist.join("pkg"));
        let root = names_in(&dist);
        let boot = root.iter().find(|n| n.starts_with("boot.")).unwrap();
        assert!(is_hashed(boot, "boot", "js"), "{boot}");
        assert!(root.iter().any(|n| is_hashed(n, "style", "css")));
        let boot_js = fs::read_to_string(dist.join(boot)).unwrap();
        for bundle in BUNDLES {
            let js = pkg
                .iter()
                .find(|n| is_hashed(n, bundle, "js"))
                .unwrap_or_else(|| panic!("{bundle}: {pkg:?}"));
            let wasm = pkg
                .iter()
                .find(|n| is_hashed(n, &format!("{bundle}_bg"), "wasm"))
                .unwrap();
            // The loader names its wasm, the boot module every loader.
            let loader = fs::read_to_string(dist.join("pkg").join(js)).unwrap();
            assert!(loader.contains(&format!("'{wasm}'")));
            assert!(boot_js.contains(&format!("\"/pkg/{js}\"")), "{boot_js}");
        }
        let html = fs::read_to_string(dist.join("index.html")).unwrap();
        assert!(html.contains(&format!(
            "<script type=\"module\" src=\"/{boot}\"></script>"
        )));
        // Every file the page names is there, and every font the stylesheet names, by
        // content-hashed names.
        let style = root.iter().find(|n| is_hashed(n, "style", "css")).unwrap();
        let fonts = font_urls(&fs::read_to_string(dist.join(style)).unwrap());
        assert!(fonts.len() >= 4, "{fonts:?}");
        for reference in local_references(&html)
            .into_iter()
            .chain(fonts.iter().map(String::as_str))
        {
            if reference != "/" {
                assert!(
                    dist.join(&reference[1..]).is_file(),
                    "{reference} is missing"
                );
            }
        }
        for font in &fonts {
            let name = font.rsplit('/').next().unwrap();
            let stem = name.split('.').next().unwrap();
            assert!(is_hashed(name, stem, "woff2"), "{font}");
        }
        fs::remove_dir_all(&dist).unwrap();
    }

    /// A bundle split by page, as `split::bundle` and wasm-bindgen leave it: its loader
    /// imports the split's loader, which imports it back and fetches the pages' modules.
    fn split_bundle(dist: &Path, chunk: &str) {
        let pkg = dist.join("pkg");
        fs::write(
            pkg.join("iscritto.js"),
            "import * as import1 from \"./iscritto_split.js\"\n\
             const imports = { \"./iscritto_split.js\": import1 };\n\
             module_or_path = new URL('iscritto_bg.wasm', import.meta.url);",
        )
        .unwrap();
        fs::write(
            pkg.join("iscritto_split.js"),
            "import { initSync } from \"./iscritto.js\";\n\
             fetch(new URL(\"./iscritto_chunk_1.wasm\", import.meta.url));\n\
             fetch(new URL(\"./iscritto_split_iscritto_dati.wasm\", import.meta.url));",
        )
        .unwrap();
        fs::write(pkg.join("iscritto_chunk_1.wasm"), chunk).unwrap();
        fs::write(pkg.join("iscritto_split_iscritto_dati.wasm"), "\0asmdati").unwrap();
    }

    #[test]
    fn a_split_bundle_is_named_by_one_hash_and_its_files_find_each_other() {
        let dist = unhashed_dist("split");
        split_bundle(&dist, "\0asmchunk");

        apply(&dist, AFTER).unwrap();

        let pkg = dist.join("pkg");
        let names: Vec<String> = names_in(&pkg)
            .into_iter()
            .filter(|n| n.starts_with("iscritto"))
            .collect();
        assert_eq!(names.len(), 5, "{names:?}");
        let loader = names
            .iter()
            .find(|n| is_hashed(n, "iscritto", "js"))
            .unwrap();
        let hash = loader.split('.').nth(1).unwrap();
        for name in &names {
            assert_eq!(name.split('.').nth(1), Some(hash), "{name}");
        }
        let split = format!("iscritto_split.{hash}.js");
        let loader_js = fs::read_to_string(pkg.join(loader)).unwrap();
        // The import is renamed; the name the main module asks for is not.
        assert!(
            loader_js.contains(&format!("from \"./{split}\"")),
            "{loader_js}"
        );
        assert!(
            loader_js.contains("\"./iscritto_split.js\": import1"),
            "{loader_js}"
        );
        assert!(loader_js.contains(&format!("'iscritto_bg.{hash}.wasm'")));
        let split_js = fs::read_to_string(pkg.join(&split)).unwrap();
        assert!(
            split_js.contains(&format!("from \"./{loader}\"")),
            "{split_js}"
        );
        for module in ["iscritto_chunk_1", "iscritto_split_iscritto_dati"] {
            let module = format!("{module}.{hash}.wasm");
            assert!(split_js.contains(&format!("\"./{module}\"")), "{split_js}");
            assert!(pkg.join(&module).is_file(), "{module}");
        }
        fs::remove_dir_all(&dist).unwrap();
    }

    #[test]
    fn a_changed_page_module_renames_its_whole_bundle() {
        let loader_name = |chunk: &str| {
            let dist = unhashed_dist(&format!("split-{}", chunk.len()));
            split_bundle(&dist, chunk);
            apply(&dist, AFTER).unwrap();
            let name = names_in(&dist.join("pkg"))
                .into_iter()
                .find(|n| is_hashed(n, "iscritto", "js"))
                .unwrap();
            fs::remove_dir_all(&dist).unwrap();
            name
        };
        assert_ne!(loader_name("\0asmchunk"), loader_name("\0asmchunk v2"));
    }

    /// Another minifier, or other settings, make other bytes of the same files: every name
    /// changes with it.
    #[test]
    fn what_is_done_after_naming_is_in_every_name() {
        let names = |after: &str| {
            let dist = unhashed_dist(&format!("after-{}", after.len()));
            split_bundle(&dist, "\0asmchunk");
            apply(&dist, after).unwrap();
            let mut names = names_in(&dist);
            names.extend(names_in(&dist.join("pkg")));
            fs::remove_dir_all(&dist).unwrap();
            names
        };
        let (before, after) = (names("esbuild@1 --minify"), names("esbuild@2 --minify"));
        let hashed = |names: &[String]| {
            names
                .iter()
                .filter(|n| n.ends_with(".js") || n.ends_with(".wasm") || n.ends_with(".css"))
                .cloned()
                .collect::<Vec<_>>()
        };
        let (before, after) = (hashed(&before), hashed(&after));
        assert!(before.len() >= 5, "{before:?}");
        assert!(
            before.iter().all(|name| !after.contains(name)),
            "{before:?} {after:?}"
        );
    }

    #[test]
    fn the_boot_module_is_named_after_the_loaders_it_imports() {
        let boot_name = |loader: &str| {
            let dist = unhashed_dist(&format!("boot-{}", loader.len()));
            fs::write(dist.join("pkg/ordine.js"), loader).unwrap();
            apply(&dist, AFTER).unwrap();
            let name = names_in(&dist)
                .into_iter()
                .find(|n| n.starts_with("boot."))
                .unwrap();
            fs::remove_dir_all(&dist).unwrap();
            name
        };
        // A new loader gives the boot module, which names it, a new name as well.
        assert_ne!(
            boot_name("new URL('ordine_bg.wasm', import.meta.url);"),
            boot_name("new URL('ordine_bg.wasm', import.meta.url); // v2"),
        );
    }

    /// The loader picks the bundle by the same prefixes as `shared::ui::Area`.
    #[test]
    fn the_boot_module_knows_every_area() {
        let boot = static_file("boot.js");
        for area in shared::ui::Area::ALL {
            assert!(
                boot.contains(&format!("{0}: \"/pkg/{0}.js\"", area.bundle())),
                "{area:?}"
            );
        }
        for (prefixes, area) in [
            (
                &[
                    "/accesso",
                    shared::ui::path::VERIFICA_MITTENTE,
                    shared::ui::path::RICHIESTA_PEC,
                    shared::ui::path::DISDETTA_EREDI,
                ][..],
                shared::ui::Area::Accesso,
            ),
            (&["/mia-pec"], shared::ui::Area::Iscritto),
            (&["/ordine"], shared::ui::Area::Ordine),
            (&["/fondazione"], shared::ui::Area::Fondazione),
        ] {
            for prefix in prefixes {
                assert_eq!(shared::ui::Area::of(&format!("{prefix}/x")), area);
            }
            let condition: Vec<String> =
                prefixes.iter().map(|p| format!("under(\"{p}\")")).collect();
            assert!(
                boot.contains(&format!(
                    "if ({}) return \"{}\";",
                    condition.join(" || "),
                    area.bundle()
                )),
                "{prefixes:?}"
            );
        }
    }

    /// The served footer names the official senders, as the domain's list has them.
    #[test]
    fn the_page_names_every_official_sender() {
        let html = static_file("index.html");
        for domain in shared::address::OFFICIAL_SENDER_DOMAINS {
            assert!(
                html.contains(&format!("<strong>@{domain}</strong>")),
                "{domain}"
            );
        }
    }

    /// A strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`, no
    /// `'unsafe-inline'`) blocks inline scripts and event handlers; the page has none,
    /// and no inline style either.
    #[test]
    fn the_page_has_no_inline_script_or_style() {
        let html = static_file("index.html").to_ascii_lowercase();
        let scripts: Vec<&str> = html
            .match_indices("<script")
            .map(|(at, _)| &html[at..])
            .collect();
        assert_eq!(scripts.len(), 1, "one script, the boot module");
        for script in scripts {
            let open = &script[..script.find('>').unwrap() + 1];
            assert!(open.contains(" src=\"/"), "an external script: {open}");
            assert!(
                script[open.len()..].starts_with("</script>"),
                "nothing inside the script element"
            );
        }
        assert!(html.contains("<script type=\"module\" src=\"/boot.js\"></script>"));
        assert!(!html.contains("<style"), "no style element");
        assert!(!html.contains("javascript:"));
        // Attributes: no `style="…"`, no `on…="…"` event handler.
        for (at, _) in html.match_indices('=') {
            let name: String = html[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            assert!(name != "style", "an inline style attribute");
            assert!(!name.starts_with("on"), "an inline event handler: {name}");
        }
    }
}
