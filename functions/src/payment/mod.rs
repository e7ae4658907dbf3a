//! Card payments for the holders' orders (DOMAIN.md, Lifecycle 3): the provider's signed
//! webhook is the only word the server trusts about a payment.

pub mod signature;
