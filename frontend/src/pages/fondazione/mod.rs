//! The Fondazione's console.

pub mod albo;
pub mod audit;
pub mod bloccate;
pub mod comandi;
pub mod contratti;
pub mod decessi;
pub mod disdette;
pub mod firme;
pub mod listino;
pub mod orders;
pub mod overview;
pub mod pannello;
pub mod richieste;
