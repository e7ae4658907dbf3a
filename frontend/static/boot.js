// Starts the app: wasm-bindgen's loader fetches and instantiates the wasm. A file of its
// own rather than an inline script, so that the Content-Security-Policy can stay
// `script-src 'self' 'wasm-unsafe-eval'`. The SPA build renames the loader and this file
// after their content (xtask/src/fingerprint.rs) and rewrites the import below.
import init from "/pkg/frontend.js";

init();
