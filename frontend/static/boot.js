// Starts the app: the bundle of the page's area, and nothing of the others (the login
// never downloads the panels). The areas and their paths are shared::ui::Area's; a page of
// another area is a page load, which comes back here. A file of its own rather than an
// inline script, so that the Content-Security-Policy can stay
// `script-src 'self' 'wasm-unsafe-eval'`. The SPA build renames the bundles and this file
// after their content (xtask/src/fingerprint.rs) and rewrites the paths below.
const bundles = {
  pubblico: "/pkg/pubblico.js",
  accesso: "/pkg/accesso.js",
  iscritto: "/pkg/iscritto.js",
  ordine: "/pkg/ordine.js",
  fondazione: "/pkg/fondazione.js",
  // Imported on demand, not at start: the signature pre-check of the member area.
  firma: "/pkg/firma.js",
};

// How an area imports a module on demand (frontend/src/precheck.rs): by name, so that
// the fingerprinted paths stay in this file.
globalThis.pecImport = (name) => import(bundles[name]);

function area(path) {
  const under = (prefix) => path === prefix || path.startsWith(prefix + "/");
  if (under("/accesso") || under("/verifica-mittente") || under("/richiesta-pec") || under("/disdetta-eredi")) return "accesso";
  if (under("/mia-pec")) return "iscritto";
  if (under("/ordine")) return "ordine";
  if (under("/fondazione")) return "fondazione";
  return "pubblico";
}

const { default: init } = await import(bundles[area(location.pathname)]);
await init();
