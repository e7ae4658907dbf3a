//! The production adapters, without AWS: the provider's HTTP client against a fake
//! provider, the SES mailer against moto, and callers read from API Gateway's JWT
//! authorizer claims.

mod support;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use functions::AppState;
use functions::outbox::mailer::ses::SesMailer;
use functions::outbox::mailer::{MailError, Mailer, Notice};
use functions::outbox::provider::http::HttpProvider;
use functions::outbox::provider::{Command, Provider, ProviderError, Titolare};
use functions::routes::Lambda;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use http_body_util::BodyExt;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use serde_json::{Value, json};
use shared::catalog::Space;
use tower::ServiceExt;

type Seen = Arc<Mutex<Vec<(String, String, Value, Option<String>)>>>;

/// A provider that records each call and answers by address: `down@` is unavailable,
/// `refuse@` is refused, a repeated key is a 409.
async fn fake_provider(seen: Seen) -> String {
    async fn command(
        State(seen): State<Seen>,
        Path(address): Path<String>,
        headers: HeaderMap,
        body: String,
    ) -> StatusCode {
        let key = headers
            .get("idempotency-key")
            .map(|k| k.to_str().unwrap().to_owned());
        let auth = headers
            .get("authorization")
            .map(|k| k.to_str().unwrap().to_owned());
        let mut calls = seen.lock().unwrap();
        let repeated = calls.iter().any(|(_, k, _, _)| Some(k) == key.as_ref());
        calls.push((
            address.clone(),
            key.unwrap_or_default(),
            serde_json::from_str(&body).unwrap(),
            auth,
        ));
        match address.as_str() {
            a if a.starts_with("down@") => StatusCode::SERVICE_UNAVAILABLE,
            a if a.starts_with("refuse@") => StatusCode::UNPROCESSABLE_ENTITY,
            _ if repeated => StatusCode::CONFLICT,
            _ => StatusCode::CREATED,
        }
    }
    let app = Router::new()
        .route("/v1/mailboxes/{address}/commands", post(command))
        .with_state(seen);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

#[tokio::test]
async fn the_http_provider_speaks_the_documented_contract() {
    let seen = Seen::default();
    let provider = HttpProvider::new(
        fake_provider(seen.clone()).await + "/",
        Some("secret".into()),
    );
    let titolare = Titolare::Persona {
        nome: "Mario".into(),
        cognome: "Rossi".into(),
        codice_fiscale: "RSSMRA85T10A562S".parse().unwrap(),
        indirizzo: "Via Roma 1".into(),
        comune: "Milano".into(),
        provincia: "MI".into(),
        cap: "20121".into(),
        email: "mario@example.it".parse().unwrap(),
        telefono: None,
        recupero: shared::member::RecoveryContacts {
            email: Some("mario.privato@example.it".parse().unwrap()),
            cellulare: Some(shared::member::Telefono::parse_cellulare("3471234567").unwrap()),
        },
    };
    let create = Command::Create {
        space: Space::new(1, 3),
        titolare: titolare.clone(),
    };
    provider
        .execute("cmd-1", "mario.rossi@ingpec.eu", &create)
        .await
        .unwrap();
    // The same command again is already applied: a success, not an error.
    provider
        .execute("cmd-1", "mario.rossi@ingpec.eu", &create)
        .await
        .unwrap();
    let down = provider
        .execute("cmd-2", "down@ingpec.eu", &Command::Block)
        .await;
    assert!(
        matches!(down, Err(ProviderError::Unavailable(_))),
        "{down:?}"
    );
    let refused = provider
        .execute("cmd-3", "refuse@ingpec.eu", &Command::Close)
        .await;
    assert!(
        matches!(refused, Err(ProviderError::Refused(_))),
        "{refused:?}"
    );
    let unreachable = HttpProvider::new("http://127.0.0.1:9", None)
        .execute("cmd-4", "x@ingpec.eu", &Command::Unblock)
        .await;
    assert!(matches!(unreachable, Err(ProviderError::Unavailable(_))));

    let (address, key, body, auth) = seen.lock().unwrap()[0].clone();
    assert_eq!(
        (address.as_str(), key.as_str()),
        ("mario.rossi@ingpec.eu", "cmd-1")
    );
    assert_eq!(body["command"], "create");
    assert_eq!(body["space"], json!({ "inbox_gb": 1, "archivio_gb": 3 }));
    assert_eq!(body["titolare"]["tipo"], "persona");
    assert_eq!(body["titolare"]["codice_fiscale"], "RSSMRA85T10A562S");
    assert_eq!(
        body["titolare"]["recupero"],
        json!({ "email": "mario.privato@example.it", "cellulare": "+393471234567" })
    );
    assert_eq!(auth.as_deref(), Some("Bearer secret"));

    // The holder's new data, as the documented `update-holder` command.
    provider
        .execute(
            "cmd-5",
            "mario.rossi@ingpec.eu",
            &Command::UpdateHolder {
                titolare,
                version: 3,
            },
        )
        .await
        .unwrap();
    let calls = seen.lock().unwrap();
    let (_, _, body, _) = calls.last().unwrap();
    assert_eq!(body["command"], "update-holder");
    assert_eq!(body["version"], 3);
    assert_eq!(body["titolare"]["recupero"]["cellulare"], "+393471234567");
}

fn lambda_state() -> AppState {
    AppState::lambda(Arc::new(SqliteStore::in_memory().unwrap()))
}

async fn me_with_claims(claims: Option<Value>) -> (StatusCode, Value) {
    let mut context = json!({
        "routeKey": "GET /api/me", "accountId": "123456789012", "stage": "$default",
        "requestId": "r1", "apiId": "api", "domainName": "example", "domainPrefix": "example",
        "time": "22/Nov/2026:10:00:00 +0000", "timeEpoch": 0,
        "http": { "method": "GET", "path": "/api/me", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test" }
    });
    if let Some(claims) = claims {
        context["authorizer"] = json!({ "jwt": { "claims": claims, "scopes": null } });
    }
    let context: ApiGatewayV2httpRequestContext = serde_json::from_value(context).unwrap();
    let mut request = Request::get("/api/me").body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(RequestContext::ApiGatewayV2(context));
    let response = functions::routes::api_router(lambda_state())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn on_lambda_the_caller_comes_from_the_authorizer_claims() {
    let (status, body) = me_with_claims(Some(json!({
        "sub": "c0ffee", "custom:role": "segreteria", "custom:ordine": "NA", "token_use": "id"
    })))
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["caller"]["ordine"], "NA");
    assert_eq!(body["caller"]["subject"], "c0ffee");

    let (status, _) = me_with_claims(None).await;
    assert_eq!(status, 401);
    // A secretariat without its Ordine, or an unknown role, is not a caller.
    let (status, _) =
        me_with_claims(Some(json!({ "sub": "x", "custom:role": "segreteria" }))).await;
    assert_eq!(status, 401);
    let (status, _) = me_with_claims(Some(json!({ "sub": "x", "custom:role": "admin" }))).await;
    assert_eq!(status, 401);
    // On Lambda there is no local login.
    let login = functions::routes::api_router(lambda_state())
        .oneshot(
            Request::post("/api/auth/login")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"username":"a","password":"b"}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(login.status(), 404);
}

/// The deployed routers register the operations without their documents: each documented
/// operation is routed by the binary its `x-lambda` names, as on the local server, and
/// answers as unknown on the other.
#[tokio::test]
async fn on_lambda_every_documented_operation_is_routed_by_its_binary() {
    let spec = functions::routes::openapi();
    let spec = serde_json::to_value(spec).unwrap();
    let routers = [
        (Lambda::Api, functions::routes::api_router(lambda_state())),
        (
            Lambda::Documents,
            functions::routes::documents_router(lambda_state()),
        ),
    ];
    let mut routed = [0, 0];
    for (path, item) in spec["paths"].as_object().unwrap() {
        let concrete = path
            .split('/')
            .map(|segment| match segment {
                "{ordine}" => "MI",
                "{codice_fiscale}" => "RSSMRA85T10A562S",
                parameter if parameter.starts_with('{') => "1",
                segment => segment,
            })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in item.as_object().unwrap() {
            let binary = operation["x-lambda"].as_str().expect("x-lambda");
            for (i, (lambda, router)) in routers.iter().enumerate() {
                let request = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(&concrete)
                    .body(Body::empty())
                    .unwrap();
                let response = router.clone().oneshot(request).await.unwrap();
                let status = response.status();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                let unknown = body["message"] == "Questa operazione non esiste.";
                if lambda.binary() == binary {
                    assert_ne!(status, 405, "{method} {path}");
                    assert!(!unknown, "{method} {path} is not routed by {binary}");
                    routed[i] += 1;
                } else {
                    assert!(unknown, "{method} {path} is routed by {}", lambda.binary());
                }
            }
        }
    }
    // The document lists every operation (the access matrix pins them).
    assert!(routed[0] > 60, "only {} operations on pec-api", routed[0]);
    assert!(
        routed[1] >= 10,
        "only {} operations on pec-documents",
        routed[1]
    );
}

#[tokio::test]
async fn the_ses_mailer_sends_from_a_verified_sender_and_reports_refusals() {
    let moto = Moto::start().await;
    let client = moto.ses("ingpec.eu").await;
    let notice = Notice {
        to: vec!["anna.bianchi@ingpec.eu".into()],
        subject: "PEC Ingegneri: PEC Avanzata in scadenza il 22/11/2027".into(),
        body: "Il servizio «PEC Avanzata» scade il 22/11/2027.".into(),
        controllo_spazio: None,
    };
    SesMailer::new(client.clone(), "avvisi@ingpec.eu".into())
        .send("id-1", &notice)
        .await
        .expect("sent from the verified domain");
    // SES refuses a sender it has not verified: retrying will not help.
    let refused = SesMailer::new(client, "rinnovi@fondazionecni.org".into())
        .send("id-2", &notice)
        .await;
    assert!(matches!(refused, Err(MailError::Refused(_))), "{refused:?}");
}
