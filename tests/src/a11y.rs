//! Accessibility, checked the way auditors check it: axe-core (the npm package that
//! `cargo xtask test` installs, `PEC_AXE_JS`) injected in the page as it is shown, at
//! desktop width and at a phone's (390 px); 0 violations, or the check fails with each
//! rule and the elements it found.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::Client;
use serde::Deserialize;

use crate::server::workspace_root;

/// A phone's viewport (an iPhone 12-15 in portrait), and the desktop the browser opens at.
pub const PHONE: (u32, u32) = (390, 844);
pub const DESKTOP: (u32, u32) = (1280, 1024);

fn axe_source() -> Result<String> {
    let path = std::env::var("PEC_AXE_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            workspace_root().join("target/tools/axe-core/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{}: axe-core is missing (`cargo xtask test` installs it)",
            path.display()
        )
    })
}

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    nodes: Vec<String>,
}

/// The page as shown now has no axe-core violation (WCAG 2.1 A and AA and best practices).
pub async fn audit(client: &Client, screen: &str) -> Result<()> {
    // The app draws after its bundle loads: wait for a page heading. Every screen has
    // one; a screen still without it after 5 s is not drawn, and auditing it would pass.
    let mut drawn = false;
    for _ in 0..50 {
        let ready = client
            .execute("return !!document.querySelector('main h1');", vec![])
            .await?;
        if ready.as_bool() == Some(true) {
            drawn = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::ensure!(drawn, "{screen}: no page heading (main h1) after 5 s");
    let present = client
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await?;
    if present.as_bool() != Some(true) {
        client.execute(&axe_source()?, vec![]).await?;
    }
    let found = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {
                 runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                 resultTypes: ['violations'],
               }).then(r => done(JSON.stringify(r.violations.map(v => ({
                 id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').join(' ')),
               }))))).catch(e => done(JSON.stringify([{ id: 'axe-error', impact: null, help: String(e), nodes: [] }])));"#,
            vec![],
        )
        .await?;
    let violations: Vec<Violation> =
        serde_json::from_str(found.as_str().context("axe answered nothing")?)?;
    if violations.is_empty() {
        return Ok(());
    }
    let report: Vec<String> = violations
        .iter()
        .map(|v| {
            format!(
                "{} ({}): {}\n      {}",
                v.id,
                v.impact.as_deref().unwrap_or("?"),
                v.help,
                v.nodes.join("\n      ")
            )
        })
        .collect();
    bail!(
        "{screen}: {} accessibility violations\n  {}",
        violations.len(),
        report.join("\n  ")
    )
}

/// The page scrolls only down, never sideways (a wide table scrolls in its own region).
async fn fits_the_width(client: &Client, screen: &str) -> Result<()> {
    let overflow = client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await?;
    match overflow.as_i64() {
        Some(px) if px > 0 => {
            // What sticks out, to say what to fix: the innermost elements past the edge,
            // and those whose own content (an unbreakable word) is wider than they are.
            let culprit = client
                .execute(
                    r#"const width = document.documentElement.clientWidth;
                       const all = [...document.body.querySelectorAll('*')];
                       const innermost = list => list.filter(e => !list.some(o => o !== e && e.contains(o)));
                       const describe = e => `<${e.tagName.toLowerCase()} class="${e.className}"> ${(e.textContent || '').trim().slice(0, 60)}`;
                       const past = innermost(all.filter(e => e.getBoundingClientRect().right > width + 0.5));
                       const spilling = innermost(all.filter(e => e.scrollWidth > e.clientWidth + 1
                         && getComputedStyle(e).overflowX === 'visible'));
                       return [...past, ...spilling].slice(0, 4).map(describe).join(' | ');"#,
                    vec![],
                )
                .await?;
            bail!("{screen} (phone): the page is {px} px wider than the phone: {culprit}")
        }
        _ => Ok(()),
    }
}

/// [`audit`] at desktop width and at a phone's (where the page must also fit the width),
/// and back to desktop.
pub async fn audit_both(client: &Client, screen: &str) -> Result<()> {
    audit(client, &format!("{screen} (desktop)")).await?;
    client.set_window_size(PHONE.0, PHONE.1).await?;
    let outcome = match audit(client, &format!("{screen} (phone)")).await {
        Ok(()) => fits_the_width(client, screen).await,
        failed => failed,
    };
    client.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    outcome?;
    Ok(())
}
