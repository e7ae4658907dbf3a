//! The bundles are linked with their relocations kept: the SPA build splits each one into
//! its main module and the module of its pages fetched on demand (`xtask/src/split.rs`).

fn main() {
    // Not rerun for every file of the package (static/ is one).
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
