//! The end-to-end harness: the real `pec-local` binary on a free port, and Debian's
//! Chromium driven over WebDriver, with a page object per screen.

pub mod a11y;
pub mod browser;
pub mod cdp;
pub mod idp;
pub mod localstripe;
pub mod pages;
pub mod pki;
pub mod server;
pub mod session;
