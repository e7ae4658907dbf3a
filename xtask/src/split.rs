//! Splits an area's bundle into the module that starts the area and the modules of its
//! pages fetched on demand (`frontend/src/components/on_demand.rs` declares them), with a
//! chunk for code two such modules share. Entering an area then downloads its shell and
//! first page only (and a section of that page declared on demand, as the page shows it).
//!
//! The split reads the relocations rustc keeps for it (`frontend/build.rs`). It writes,
//! into `pkg`, each module as `{bundle}_split_{module}.wasm` (and any chunk as
//! `{bundle}_chunk_{n}.wasm`), and `{bundle}_split.js`, which fetches them: the main
//! module imports it (through wasm-bindgen's loader) and it imports the loader back, for
//! the main module's memory and function table.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A bundle after the split.
pub struct Split {
    /// The main module, for wasm-bindgen: in a folder of its own, removed with the value.
    pub main: PathBuf,
    /// The pages' modules and the chunks they share, in `pkg`.
    pub modules: Vec<PathBuf>,
    /// Whether the bundle has pages fetched on demand (and so `pkg/{bundle}_split.js`).
    pub has_pages: bool,
    folder: PathBuf,
}

impl Drop for Split {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.folder);
    }
}

/// Splits `wasm`, the bundle cargo built, into `pkg`. A bundle without pages fetched on
/// demand comes back as its main module alone.
pub fn bundle(wasm: &Path, bundle: &str, pkg: &Path) -> Result<Split> {
    let input =
        without_names(&fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?)?;
    let folder = pkg.join(format!(".split-{bundle}"));
    let _ = fs::remove_dir_all(&folder);
    fs::create_dir_all(&folder)?;
    let main = folder.join(format!("{bundle}.wasm"));
    let link = format!("{bundle}_split.js");
    // What wasm-bindgen's loader, `pkg/{bundle}.js`, imports the split's loader as, and
    // what that imports back: both live in `pkg`.
    let link_name = format!("./{link}");
    let main_module = format!("./{bundle}.js");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = &folder;
        options.main_out_path = &main;
        options.link_name = &link_name;
        options.main_module = &main_module;
        options
    })
    .map_err(|error| anyhow::anyhow!("splitting {bundle}: {error:?}"))?;
    let mut result = Split {
        main,
        modules: Vec::new(),
        has_pages: !split.prefetch_map.is_empty(),
        folder: folder.clone(),
    };
    // One entry per declared module, even one that came out empty (and was not written):
    // the main module imports the split's loader all the same.
    if !result.has_pages {
        return Ok(result);
    }
    // Each module named after its bundle, in the split's loader too.
    let mut loader = fs::read_to_string(folder.join(&link))?;
    for module in &split.split_modules {
        let name = module
            .file_name()
            .and_then(|n| n.to_str())
            .context("a UTF-8 module name")?;
        let renamed = format!("{bundle}_{name}");
        loader = crate::fingerprint::replace(
            &loader,
            &format!("\"./{name}\""),
            &format!("\"./{renamed}\""),
        )?;
        let to = pkg.join(&renamed);
        fs::rename(module, &to)?;
        result.modules.push(to);
    }
    fs::write(pkg.join(&link), loader)?;
    Ok(result)
}

/// `wasm` without its name section: the function names the split would otherwise copy into
/// every module (most of a page's module before brotli). wasm-opt strips the main
/// module's anyway.
fn without_names(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let wasmparser::Payload::CustomSection(section) = &payload
            && section.name() == "name"
        {
            continue;
        }
        if let Some((id, range)) = payload.as_section() {
            module.section(&wasm_encoder::RawSection {
                id,
                data: &wasm[usize::try_from(range.start)?..usize::try_from(range.end)?],
            });
        }
    }
    Ok(module.finish())
}

#[cfg(test)]
mod tests {
    use super::without_names;

    #[test]
    fn the_name_section_goes_and_every_other_stays() {
        let mut module = wasm_encoder::Module::new();
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut names = wasm_encoder::NameSection::new();
        names.module("iscritto");
        module.section(&names);
        module.section(&wasm_encoder::CustomSection {
            name: "target_features".into(),
            data: b"+\x0bbulk-memory".as_slice().into(),
        });
        let stripped = without_names(&module.finish()).unwrap();

        let mut customs = Vec::new();
        let mut has_types = false;
        for payload in wasmparser::Parser::new(0).parse_all(&stripped) {
            match payload.unwrap() {
                wasmparser::Payload::CustomSection(section) => {
                    customs.push(section.name().to_owned())
                }
                wasmparser::Payload::TypeSection(_) => has_types = true,
                _ => {}
            }
        }
        assert_eq!(customs, ["target_features"]);
        assert!(has_types);
    }
}
