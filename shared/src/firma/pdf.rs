//! PAdES: a PDF whose last signature's /ByteRange covers the file but its /Contents, which
//! hold a detached CMS signature over those ranges. The issued contract must be the file's
//! first revision, byte for byte, and the signing update must only sign it
//! (`aggiornamento`); a signature that holds on an update that does more, or any update
//! after the signature, goes to the Fondazione's review. Nothing is ever decompressed.

use sha2::{Digest, Sha256};

use super::{
    Esito, Formato, Referto, Revisione, Rifiuto, Verifica, aggiornamento, ber, cms::SignedData,
    holding, judge, parse_whole,
};

/// Names of PDF features that run code or carry other files.
const ACTIVE: [&[u8]; 6] = [
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/RichMedia",
];

pub fn verifica(file: &[u8], v: &Verifica<'_>) -> Referto {
    let outcome = |esito, documento_sha256| Referto {
        esito,
        formato: Formato::Pdf,
        firmatari: Vec::new(),
        documento_sha256,
    };
    // The issued contract is ours (its compressed fonts may hold any bytes): what the
    // signer added is what is searched, or the whole file when it is not ours.
    let prefix = issued_prefix(file, v.emessi);
    let ours = prefix.as_ref().map_or(0, |(_, len)| *len);
    if ACTIVE.iter().any(|name| has_name(&file[ours..], name)) {
        return outcome(Esito::rifiutato(Rifiuto::ContenutoAttivo), None);
    }
    let signatures = positions(file, b"/ByteRange").count();
    let Some(at) = positions(file, b"/ByteRange").last() else {
        let sha = Sha256::digest(file);
        return outcome(
            Esito::InRevisione {
                motivo: Revisione::SenzaFirmaDigitale,
            },
            Some(hex::encode(sha)),
        );
    };
    let refused = |motivo| Referto {
        formato: Formato::Pades,
        ..outcome(Esito::rifiutato(motivo), None)
    };
    let Some([start, first_len, second, second_len]) = byte_range(&file[at + 10..]) else {
        return refused(Rifiuto::Danneggiato);
    };
    let end = second.checked_add(second_len);
    let sound = start == 0
        && first_len < second
        && end.is_some_and(|end| end <= file.len())
        && file.get(first_len) == Some(&b'<')
        && file.get(second - 1) == Some(&b'>');
    if !sound {
        return refused(Rifiuto::Danneggiato);
    }
    let end = second + second_len;
    let Some(contents) = unhex(&file[first_len + 1..second - 1]) else {
        return refused(Rifiuto::Danneggiato);
    };
    let normalised;
    let parsed = match parse_whole(&contents) {
        Ok(parsed) => parsed,
        Err(_) => {
            let Ok(der) = ber::to_der(&contents) else {
                return refused(Rifiuto::Danneggiato);
            };
            normalised = der;
            match SignedData::parse(&normalised) {
                Ok(parsed) => parsed,
                Err(_) => return refused(Rifiuto::Danneggiato),
            }
        }
    };
    if parsed.content.is_some() {
        return refused(Rifiuto::Danneggiato);
    }
    let signed = [&file[..first_len], &file[second..end]];
    let signers = match holding(parsed.signers(&signed)) {
        Ok(signers) => signers,
        Err(motivo) => return refused(motivo),
    };
    // The issued contract, within what the signature covers before its /Contents.
    let issued = prefix.filter(|(_, len)| *len <= first_len);
    let mut referto = judge(
        Formato::Pades,
        &signers,
        &parsed.certificates,
        issued.is_some(),
        issued.as_ref().map(|(sha, _)| sha.clone()),
        v,
    );
    if referto.esito == Esito::Verificato {
        let later = end < file.len() || signatures > 1;
        let only_signs =
            issued.is_some_and(|(_, len)| aggiornamento::solo_firma(&file[..len], &file[len..end]));
        if later {
            referto.esito = Esito::InRevisione {
                motivo: Revisione::ModificheDopoLaFirma,
            };
        } else if !only_signs {
            referto.esito = Esito::InRevisione {
                motivo: Revisione::FirmaPdf,
            };
        }
    }
    referto
}

/// The SHA-256 (hex) and the length of the issued contract the file starts with: a
/// revision ends at a `%%EOF` and its end of line. One running hash over the file, so a
/// file of a million `%%EOF`s costs one pass, not a million.
fn issued_prefix(signed_part: &[u8], issued: &[[u8; 32]]) -> Option<(String, usize)> {
    let mut hasher = Sha256::new();
    let mut hashed = 0;
    let matches = |hasher: &Sha256, end: usize| {
        let sha = hasher.clone().finalize();
        issued
            .iter()
            .any(|i| i[..] == sha[..])
            .then(|| (hex::encode(sha), end))
    };
    for at in positions(signed_part, b"%%EOF") {
        let end = at + 5;
        if end < hashed {
            continue;
        }
        hasher.update(&signed_part[hashed..end]);
        hashed = end;
        if let Some(found) = matches(&hasher, end) {
            return Some(found);
        }
        let rest = &signed_part[end..];
        let eol = if rest.starts_with(b"\r\n") {
            2
        } else {
            usize::from(rest.starts_with(b"\n") || rest.starts_with(b"\r"))
        };
        if eol > 0 {
            hasher.update(&rest[..eol]);
            hashed = end + eol;
            if let Some(found) = matches(&hasher, hashed) {
                return Some(found);
            }
        }
    }
    None
}

fn positions<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// Whether the PDF name `name` (with its slash) occurs as a whole name, its `#xx` escapes
/// decoded as readers decode them (`/J#61vaScript` is `/JavaScript`).
fn has_name(file: &[u8], name: &[u8]) -> bool {
    let regular = |b: u8| {
        !matches!(
            b,
            b'\0'
                | b'\t'
                | b'\n'
                | b'\x0c'
                | b'\r'
                | b' '
                | b'('
                | b')'
                | b'<'
                | b'>'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'/'
                | b'%'
        )
    };
    positions(file, b"/").any(|at| {
        let mut decoded = vec![b'/'];
        let mut i = at + 1;
        while let Some(&b) = file.get(i).filter(|b| regular(**b)) {
            let escaped = (b == b'#')
                .then(|| file.get(i + 1..i + 3))
                .flatten()
                .and_then(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok());
            match escaped {
                Some(byte) => {
                    decoded.push(byte);
                    i += 3;
                }
                None => {
                    decoded.push(b);
                    i += 1;
                }
            }
            if decoded.len() > name.len() {
                return false;
            }
        }
        decoded == name
    })
}

/// The four integers of `[a b c d]` at the start of `rest` (after whitespace).
fn byte_range(rest: &[u8]) -> Option<[usize; 4]> {
    let text = std::str::from_utf8(&rest[..rest.len().min(128)])
        .ok()
        .or_else(|| {
            let cut = rest.iter().take(128).position(|b| *b == b']')?;
            std::str::from_utf8(&rest[..=cut]).ok()
        })?;
    let inner = text.trim_start().strip_prefix('[')?;
    let inner = &inner[..inner.find(']')?];
    let numbers: Vec<usize> = inner
        .split_ascii_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    numbers.try_into().ok()
}

/// A hex string's bytes (whitespace allowed, as PDF allows it).
fn unhex(text: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    hex::decode(digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_hex_and_names_are_read_strictly() {
        assert_eq!(byte_range(b" [0 10 20 5] /Contents"), Some([0, 10, 20, 5]));
        assert_eq!(byte_range(b"[0 10 20]"), None);
        assert_eq!(byte_range(b"[0 -1 20 5]"), None);
        assert_eq!(byte_range(b"0 10 20 5"), None);
        assert_eq!(unhex(b"0a\nFf"), Some(vec![0x0A, 0xFF]));
        assert_eq!(unhex(b"0aFf 10"), Some(vec![0x0A, 0xFF, 0x10]));
        assert_eq!(unhex(b"0aF"), None);
        assert_eq!(unhex(b"zz"), None);
        assert!(has_name(b"<< /JS (x) >>", b"/JS"));
        assert!(has_name(b"<</JavaScript>>", b"/JavaScript"));
        assert!(!has_name(b"<< /JSON 1 >>", b"/JS"));
        assert!(has_name(b"<< /S/J#61vaScript >>", b"/JavaScript"));
        assert!(has_name(b"<</#4A#53 1>>", b"/JS"));
    }
}
