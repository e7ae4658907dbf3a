//! The API against its own OpenAPI document: the local server (the test build of
//! `pec-local`, its demo data in a fresh folder) on a free loopback port, and schemathesis
//! (`tests/schemathesis/`) run once per role, anonymous included, with a fixed seed and a
//! bounded number of examples. Every check must pass: documented statuses, content types
//! and bodies, schema-valid requests accepted, invalid ones refused, authentication.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The demo accounts whose tokens the runs use (README: Using it locally).
const ROLES: [&str; 4] = ["fondazione", "albo", "segreteria.mi", "mario.rossi"];
/// A run may take this long at most.
const RUN_LIMIT: Duration = Duration::from_secs(300);

/// The server, stopped and its data removed when dropped.
struct Server {
    child: Child,
    address: String,
    data_dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn start(root: &Path, local_bin: &Path, spa: &Path) -> Result<Server> {
    let data_dir = root.join("target/contract-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut child = Command::new(local_bin)
        .env("PEC_ADDR", "127.0.0.1:0")
        .env("PEC_DATA_DIR", &data_dir)
        .env("PEC_SPA_DIR", spa)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting pec-local")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    // It prints its URL once it listens.
    let first = lines
        .next()
        .context("pec-local exited before listening")??;
    let address = first
        .split_once("http://")
        .map(|(_, a)| a.trim().to_owned())
        .with_context(|| format!("unexpected first line: {first}"))?;
    // Keep reading, so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(Server {
        child,
        address,
        data_dir,
    })
}

/// A token for a demo account, from the local login.
fn token(address: &str, username: &str) -> Result<String> {
    let body = format!(r#"{{"username":"{username}","password":"pec-demo"}}"#);
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "POST /api/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let json = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .context("no body in the login response")?;
    let value: serde_json::Value = serde_json::from_str(json.trim())
        .with_context(|| format!("the login answered: {response}"))?;
    value["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no token for {username}: {value}"))
}

pub fn check(root: &Path, st: &Path, local_bin: &Path, spa: &Path) -> Result<()> {
    let server = start(root, local_bin, spa)?;
    let spec = format!("http://{}/api/openapi.json", server.address);
    let config_dir = root.join("tests/schemathesis");
    let mut runs: Vec<(String, Option<String>)> = vec![("anonimo".into(), None)];
    for role in ROLES {
        runs.push((role.into(), Some(token(&server.address, role)?)));
    }
    let mut failed = Vec::new();
    for (who, token) in runs {
        eprintln!("$ st run {spec} (as {who})");
        let mut command = Command::new(st);
        command
            .current_dir(&config_dir)
            .args(["run", &spec, "--checks", "all", "--no-color"])
            .args(["--request-timeout", "20"])
            .env("SCHEMATHESIS_TELEMETRY", "false");
        if let Some(token) = &token {
            command.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        let mut child = command.spawn().context("starting schemathesis")?;
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                bail!("schemathesis as {who} ran past {RUN_LIMIT:?}");
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        if !status.success() {
            failed.push(who);
        }
    }
    // Schemathesis keeps a cache beside its configuration; the runs must not depend on it.
    let _ = std::fs::remove_dir_all(config_dir.join(".schemathesis"));
    let _ = std::fs::remove_dir_all(config_dir.join(".hypothesis"));
    let _ = std::fs::remove_dir_all(config_dir.join("__pycache__"));
    if !failed.is_empty() {
        bail!(
            "the API disagrees with its OpenAPI document (schemathesis, as {})",
            failed.join(", ")
        );
    }
    Ok(())
}
