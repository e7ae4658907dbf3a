//! The accesso area's bundle: the shell and this area's routes only (the other areas are
//! other bundles, loaded when entered).

fn main() {
    frontend::start(shared::ui::Area::Accesso, frontend::areas::accesso);
}
