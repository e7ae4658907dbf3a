//! Time to the first rendered page of `/`, `/accesso`, `/mia-pec` and `/ordine/iscritti`:
//! the median of 5 loads, cold (a new browser profile each time, nothing cached) and warm
//! (the same browser again), on loopback and on a throttled phone line. For each: when the
//! served frame is painted (first contentful paint: the header and footer in the HTML),
//! when the app draws its first page (`pec-first-render`), when a page's data is drawn
//! (`pec-data`), and the bytes transferred. Figures for the issue notes, not assertions.
//! Needs the built SPA and Chromium, as the browser tests do (`cargo xtask bench`).

use std::time::Duration;

use anyhow::{Context, Result, bail};
use e2e::browser::Browser;
use e2e::cdp::{self, Network};
use e2e::server::LocalServer;
use fantoccini::Client;

const RUNS: usize = 5;

/// The pages measured: path, who is signed in, whether it loads data.
const PAGES: [(&str, Option<&str>, bool); 4] = [
    ("/", None, false),
    ("/accesso", None, false),
    ("/mia-pec", Some("mario.rossi"), true),
    ("/ordine/iscritti", Some("segreteria.mi"), true),
];

#[derive(Debug, Clone, Copy)]
struct Sample {
    paint: f64,
    app: f64,
    data: Option<f64>,
    kilobytes: f64,
}

/// The session the SPA keeps after a login (`frontend/src/session.rs`), from the API.
async fn session(server: &LocalServer, username: &str) -> Result<String> {
    let response = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .json(&serde_json::json!({ "username": username, "password": "pec-demo" }))
        .send()
        .await?
        .error_for_status()?;
    Ok(response.text().await?)
}

/// One load of `path`, signed in with `session`.
async fn visit(
    client: &Client,
    server: &LocalServer,
    path: &str,
    session: Option<&str>,
    data: bool,
) -> Result<Sample> {
    client.goto("about:blank").await?;
    if let Some(session) = session {
        // Any page of the origin that is not the app, to hold the tab's session.
        client.goto(&server.url("/api/health")).await?;
        client
            .execute(
                "sessionStorage.setItem('pec.session', arguments[0]);",
                vec![session.into()],
            )
            .await?;
    }
    client.goto(&server.url(path)).await?;
    let wanted = if data { "pec-data" } else { "pec-first-render" };
    for _ in 0..600 {
        let found = client
            .execute(
                // The paint entry is recorded a moment after the paint.
                "return performance.getEntriesByName(arguments[0]).length > 0
                    && performance.getEntriesByName('first-contentful-paint').length > 0;",
                vec![wanted.into()],
            )
            .await?;
        if found.as_bool() == Some(true) {
            let figures = client
                .execute(
                    r#"const at = n => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
                       const bytes = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                         .reduce((sum, e) => sum + (e.transferSize || 0), 0);
                       return [at('first-contentful-paint'), at('pec-first-render'), at('pec-data'), bytes];"#,
                    vec![],
                )
                .await?;
            let value = |i: usize| figures[i].as_f64();
            return Ok(Sample {
                paint: value(0).context("no first contentful paint")?,
                app: value(1).context("no first render")?,
                data: value(2),
                kilobytes: value(3).unwrap_or_default() / 1000.0,
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("{path}: {wanted} not reached in 30 s")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// "paint / app / data" medians in ms, and the kB of the median run.
fn summary(samples: &[Sample]) -> String {
    let ms = |f: &dyn Fn(&Sample) -> Option<f64>| {
        let values: Vec<f64> = samples.iter().filter_map(f).collect();
        if values.is_empty() {
            "–".to_owned()
        } else {
            format!("{:.0}", median(values))
        }
    };
    format!(
        "{:>6} {:>6} {:>6} {:>7.0}",
        ms(&|s| Some(s.paint)),
        ms(&|s| Some(s.app)),
        ms(&|s| s.data),
        median(samples.iter().map(|s| s.kilobytes).collect()),
    )
}

async fn measure(server: &LocalServer, network: Option<Network>) -> Result<()> {
    println!(
        "\n{}: median of {RUNS}, ms from navigation (frame painted, app's first page, data drawn) and kB transferred",
        network.map_or("Loopback", |n| n.name)
    );
    println!(
        "{:<18} {:>6} {:>6} {:>6} {:>7} | {:>6} {:>6} {:>6} {:>7}",
        "", "cold", "", "", "", "warm", "", "", ""
    );
    println!(
        "{:<18} {:>6} {:>6} {:>6} {:>7} | {:>6} {:>6} {:>6} {:>7}",
        "page", "frame", "app", "data", "kB", "frame", "app", "data", "kB"
    );
    for (path, user, data) in PAGES {
        let session = match user {
            Some(user) => Some(session(server, user).await?),
            None => None,
        };
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        for run in 0..RUNS {
            let browser = Browser::start().await?;
            let client = browser.client.clone();
            let outcome = async {
                if let Some(network) = network {
                    cdp::throttle(&client, network).await?;
                }
                cold.push(visit(&client, server, path, session.as_deref(), data).await?);
                // The warm loads: the same browser, its cache filled.
                if run == 0 {
                    for _ in 0..RUNS {
                        warm.push(visit(&client, server, path, session.as_deref(), data).await?);
                    }
                }
                anyhow::Ok(())
            }
            .await;
            browser.close().await?;
            outcome?;
        }
        println!("{path:<18} {} | {}", summary(&cold), summary(&warm));
        functions::testing::figure(
            &format!(
                "first_render_{}_{}",
                match path.trim_matches('/') {
                    "" => "home".to_owned(),
                    p => p.replace('/', "_"),
                },
                network.map_or("loopback", |_| "slow_4g")
            ),
            median(cold.iter().map(|s| s.app).collect()),
            "ms",
            None,
            None,
            "measured: the app's first page, cold, median",
            true,
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let server = LocalServer::start().await?;
    measure(&server, None).await?;
    measure(&server, Some(cdp::SLOW_4G)).await?;
    Ok(())
}
