//! The documents people send without an account (an identity document, a death
//! certificate): recognised by their content, never by their name, and named by their
//! SHA-256.

use serde::{Deserialize, Serialize};

/// The most a document may weigh: a phone's photo or a scanned PDF.
pub const DOCUMENTO_MAX_BYTES: usize = 8 * 1024 * 1024;

/// What kind of file a document is, read from its first bytes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TipoDocumento {
    Pdf,
    Jpeg,
    Png,
}

impl TipoDocumento {
    /// The kind of `bytes`, if it is one accepted: a PDF, a JPEG or a PNG image.
    pub fn riconosci(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    pub fn estensione(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// A document as it was received: its content's SHA-256 names it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Documento {
    pub sha256: String,
    pub dimensione: u64,
    pub tipo: TipoDocumento,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_known_by_their_first_bytes() {
        assert_eq!(
            TipoDocumento::riconosci(b"%PDF-1.7\n"),
            Some(TipoDocumento::Pdf)
        );
        assert_eq!(
            TipoDocumento::riconosci(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(TipoDocumento::Jpeg)
        );
        assert_eq!(
            TipoDocumento::riconosci(b"\x89PNG\r\n\x1a\n...."),
            Some(TipoDocumento::Png)
        );
        for other in [&b"MZ\x90\x00"[..], b"<html>", b"PK\x03\x04", b""] {
            assert_eq!(TipoDocumento::riconosci(other), None);
        }
    }
}
