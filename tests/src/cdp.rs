//! Chrome DevTools commands through chromedriver (`goog/cdp/execute`), for what WebDriver
//! has no command for: a throttled network.

use anyhow::Result;
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A network as the page sees it: round trip and throughput each way.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub name: &'static str,
    pub latency_ms: u32,
    pub down_kbps: u32,
    pub up_kbps: u32,
}

/// Lighthouse's mobile profile ("slow 4G"): 150 ms, 1.6 Mbit/s down, 750 kbit/s up.
pub const SLOW_4G: Network = Network {
    name: "4G lento (150 ms, 1,6 Mbit/s)",
    latency_ms: 150,
    down_kbps: 1_600,
    up_kbps: 750,
};

/// Throttles every request of the browser from now on.
pub async fn throttle(client: &Client, network: Network) -> Result<()> {
    let bytes_per_s = |kbps: u32| f64::from(kbps) * 1000.0 / 8.0;
    client
        .issue_cmd(Cdp {
            cmd: "Network.enable",
            params: json!({}),
        })
        .await?;
    client
        .issue_cmd(Cdp {
            cmd: "Network.emulateNetworkConditions",
            params: json!({
                "offline": false,
                "latency": network.latency_ms,
                "downloadThroughput": bytes_per_s(network.down_kbps),
                "uploadThroughput": bytes_per_s(network.up_kbps),
            }),
        })
        .await?;
    Ok(())
}
