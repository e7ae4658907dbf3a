//! The conformance suite against both adapters.

use functions::store::conformance;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;

#[tokio::test]
async fn sqlite_conforms() {
    let store = SqliteStore::in_memory().unwrap();
    conformance::run_all(&store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn sqlite_file_conforms_and_persists() {
    let dir = std::env::temp_dir().join(format!("pec-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    conformance::run_all(&store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    use functions::store::{ItemStore, Key};
    assert!(
        reopened
            .get(&Key::new("CR#1", "A"))
            .await
            .unwrap()
            .is_some()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn dynamodb_conforms() {
    let moto = Moto::start().await;
    let store = moto.store("conformance").await;
    conformance::run_all(&store)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}
