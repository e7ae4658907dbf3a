//! The signed-in session: the token and who it belongs to, kept in the tab's
//! sessionStorage (gone when the tab closes) and in a signal the whole app reads.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::access::Caller;
use shared::api::LoginResponse;

const KEY: &str = "pec.session";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub caller: Caller,
    /// The hosted login's logout address, for a session that came from it.
    #[serde(default)]
    pub logout: Option<String>,
}

impl From<LoginResponse> for Session {
    fn from(login: LoginResponse) -> Self {
        Self {
            token: login.token,
            expires_at: login.expires_at,
            caller: login.caller,
            logout: None,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The stored session, unless it has expired.
pub fn stored() -> Option<Session> {
    let text = storage()?.get_item(KEY).ok()??;
    let session: Session = serde_json::from_str(&text).ok()?;
    (session.expires_at > Utc::now()).then_some(session)
}

fn store(session: Option<&Session>) {
    if let Some(storage) = storage() {
        let _ = match session.and_then(|s| serde_json::to_string(s).ok()) {
            Some(text) => storage.set_item(KEY, &text),
            None => storage.remove_item(KEY),
        };
    }
}

/// The app-wide session signal.
#[derive(Debug, Clone, Copy)]
pub struct SessionContext(pub RwSignal<Option<Session>>);

impl SessionContext {
    pub fn provide() -> Self {
        let context = Self(RwSignal::new(stored()));
        provide_context(context);
        context
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn sign_in(&self, session: Session) {
        store(Some(&session));
        self.0.set(Some(session));
    }

    /// Forgets the session and loads `home` (or the hosted login's logout address): the
    /// page goes, so the signal is left as it is (clearing it would redirect to the login
    /// first).
    pub fn sign_out_and_leave(&self, home: &str) {
        let logout = self.0.get_untracked().and_then(|s| s.logout);
        store(None);
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(logout.as_deref().unwrap_or(home));
        }
    }

    /// The server no longer accepts the session: forgets it and goes to the login, which
    /// brings the person back to this page. Not through the hosted login's logout: that
    /// would end elsewhere and lose the page he was on.
    pub fn expired(&self) {
        store(None);
        if let Some(window) = web_sys::window() {
            let _ = window
                .location()
                .assign(&crate::components::loaded::login_and_back());
        }
    }

    /// Forgets the session; returns the hosted login's logout address to visit, if any.
    pub fn sign_out(&self) -> Option<String> {
        let logout = self.0.get_untracked().and_then(|s| s.logout);
        store(None);
        self.0.set(None);
        logout
    }
}

/// The bearer token for API calls, read at call time.
pub fn token() -> Option<String> {
    stored().map(|s| s.token)
}
