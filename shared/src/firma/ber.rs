//! BER to DER, as far as the parsers need. Signers that stream (`openssl cms -stream`,
//! several Italian signing programs) write indefinite lengths and cut the signed content
//! into constructed OCTET STRINGs; `der` reads DER only. This gives every length its
//! definite form and joins constructed strings into one. It does not sort SETs or touch
//! primitive contents: the bytes a signature covers stay as written.

use thiserror::Error;

/// Nesting deeper than this is no file a signer writes.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum BerError {
    #[error("the encoding ends before its lengths say")]
    Truncated,
    #[error("a primitive value with an indefinite length")]
    IndefinitePrimitive,
    #[error("an end-of-contents mark outside an indefinite length")]
    StrayEnd,
    #[error("a length longer than four bytes")]
    LengthTooLong,
    #[error("a tag number longer than four bytes")]
    TagTooLong,
    #[error("nested more than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("a segment of a constructed string of another type")]
    BadSegment,
    #[error("bytes after the value")]
    TrailingBytes,
}

/// The DER form of the BER value in `input`; zero bytes after it (a PAdES `/Contents`'
/// padding) are allowed, anything else is not.
pub fn to_der(input: &[u8]) -> Result<Vec<u8>, BerError> {
    let mut parser = Parser {
        bytes: input,
        pos: 0,
    };
    let value = parser.value(0)?.ok_or(BerError::StrayEnd)?;
    if input[parser.pos..].iter().any(|b| *b != 0) {
        return Err(BerError::TrailingBytes);
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn byte(&mut self) -> Result<u8, BerError> {
        let b = *self.bytes.get(self.pos).ok_or(BerError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], BerError> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(BerError::Truncated)?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// `None` for an indefinite length.
    fn length(&mut self) -> Result<Option<usize>, BerError> {
        let first = self.byte()?;
        if first < 0x80 {
            return Ok(Some(usize::from(first)));
        }
        if first == 0x80 {
            return Ok(None);
        }
        let count = usize::from(first & 0x7F);
        if count > 4 {
            return Err(BerError::LengthTooLong);
        }
        let mut len = 0usize;
        for _ in 0..count {
            len = (len << 8) | usize::from(self.byte()?);
        }
        Ok(Some(len))
    }

    /// The next value in DER, or `None` at an end-of-contents mark.
    fn value(&mut self, depth: usize) -> Result<Option<Vec<u8>>, BerError> {
        if depth > MAX_DEPTH {
            return Err(BerError::TooDeep);
        }
        let start = self.pos;
        let first = self.byte()?;
        if first == 0 {
            // End of contents is 00 00.
            return match self.byte()? {
                0 => Ok(None),
                _ => Err(BerError::StrayEnd),
            };
        }
        if first & 0x1F == 0x1F {
            let mut bytes = 0;
            while self.byte()? & 0x80 != 0 {
                bytes += 1;
                if bytes > 4 {
                    return Err(BerError::TagTooLong);
                }
            }
        }
        let identifier = self.bytes[start..self.pos].to_vec();
        let constructed = first & 0x20 != 0;
        let length = self.length()?;
        if !constructed {
            let len = length.ok_or(BerError::IndefinitePrimitive)?;
            return Ok(Some(encode(&identifier, self.take(len)?)));
        }
        let mut parts = Vec::new();
        match length {
            Some(len) => {
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|end| *end <= self.bytes.len())
                    .ok_or(BerError::Truncated)?;
                while self.pos < end {
                    parts.push(self.value(depth + 1)?.ok_or(BerError::StrayEnd)?);
                }
                if self.pos != end {
                    return Err(BerError::Truncated);
                }
            }
            None => {
                while let Some(part) = self.value(depth + 1)? {
                    parts.push(part);
                }
            }
        }
        if let Some(tag) = constructed_string(first) {
            return Ok(Some(encode(&[tag], &join_segments(tag, &parts)?)));
        }
        Ok(Some(encode(&identifier, &parts.concat())))
    }
}

/// The primitive tag of a universal string type written constructed (BIT STRING, OCTET
/// STRING, the character strings); `None` for any other tag.
fn constructed_string(first: u8) -> Option<u8> {
    let universal = first & 0xC0 == 0;
    let number = first & 0x1F;
    (universal && matches!(number, 3 | 4 | 12 | 18..=22 | 25..=30)).then_some(first & !0x20)
}

/// The contents of the segments (each already one primitive TLV of `tag`) as one value.
/// A BIT STRING's segments each start with their unused-bits count; only the last may
/// have any.
fn join_segments(tag: u8, parts: &[Vec<u8>]) -> Result<Vec<u8>, BerError> {
    let bit_string = tag == 0x03;
    let mut content = Vec::new();
    let mut unused = 0;
    if bit_string {
        content.push(0);
    }
    for (i, part) in parts.iter().enumerate() {
        let (part_tag, body) = split_primitive(part)?;
        if part_tag != tag {
            return Err(BerError::BadSegment);
        }
        if bit_string {
            let (&bits, rest) = body.split_first().ok_or(BerError::BadSegment)?;
            if bits != 0 && i + 1 != parts.len() {
                return Err(BerError::BadSegment);
            }
            unused = bits;
            content.extend_from_slice(rest);
        } else {
            content.extend_from_slice(body);
        }
    }
    if bit_string {
        content[0] = unused;
    }
    Ok(content)
}

/// Tag and contents of a DER TLV with a one-byte tag (what `encode` writes).
fn split_primitive(tlv: &[u8]) -> Result<(u8, &[u8]), BerError> {
    let mut parser = Parser { bytes: tlv, pos: 0 };
    let tag = parser.byte()?;
    let len = parser.length()?.ok_or(BerError::BadSegment)?;
    let body = parser.take(len)?;
    Ok((tag, body))
}

/// `identifier`, the definite length of `content` in its shortest form, `content`.
fn encode(identifier: &[u8], content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(identifier.len() + 5 + content.len());
    out.extend_from_slice(identifier);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_is_left_as_it_is() {
        // (a SET in an order DER would not have, kept as written)
        let der = [0x30, 0x07, 0x31, 0x05, 0x02, 0x01, 0x05, 0x05, 0x00];
        assert_eq!(to_der(&der).unwrap(), der);
    }

    #[test]
    fn indefinite_lengths_and_constructed_strings_become_definite_and_primitive() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00,
            0x00,
        ];
        assert_eq!(
            to_der(&ber).unwrap(),
            vec![0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
        // A constructed OCTET STRING with a definite length.
        let ber = [0x24, 0x06, 0x04, 0x01, b'x', 0x04, 0x01, b'y'];
        assert_eq!(to_der(&ber).unwrap(), vec![0x04, 0x02, b'x', b'y']);
        // BIT STRING segments: the last one's unused bits are the value's.
        let ber = [
            0x23, 0x80, 0x03, 0x02, 0x00, 0xFF, 0x03, 0x02, 0x04, 0xF0, 0x00, 0x00,
        ];
        assert_eq!(to_der(&ber).unwrap(), vec![0x03, 0x03, 0x04, 0xFF, 0xF0]);
        // Long content gets a long-form length.
        let long = [
            &[0x24, 0x80, 0x04, 0x81, 0xC8][..],
            &[7; 200],
            &[0x00, 0x00],
        ]
        .concat();
        let der = to_der(&long).unwrap();
        assert_eq!(&der[..3], &[0x04, 0x81, 0xC8]);
        assert_eq!(der.len(), 203);
    }

    #[test]
    fn broken_encodings_are_errors_not_panics() {
        assert_eq!(to_der(&[]), Err(BerError::Truncated));
        assert_eq!(to_der(&[0x30, 0x80, 0x02, 0x01]), Err(BerError::Truncated));
        assert_eq!(
            to_der(&[0x04, 0x80, 0x00, 0x00]),
            Err(BerError::IndefinitePrimitive)
        );
        assert_eq!(
            to_der(&[0x30, 0x85, 1, 1, 1, 1, 1]),
            Err(BerError::LengthTooLong)
        );
        assert_eq!(
            to_der(&[0x24, 0x03, 0x02, 0x01, 0x01]),
            Err(BerError::BadSegment)
        );
        assert_eq!(to_der(&[0x05, 0x00, 0x01]), Err(BerError::TrailingBytes));
        let deep: Vec<u8> = std::iter::repeat_n([0x30, 0x80], 100).flatten().collect();
        assert_eq!(to_der(&deep), Err(BerError::TooDeep));
        // Every prefix of a valid encoding fails cleanly.
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x00, 0x00, 0x00, 0x00,
        ];
        for end in 0..ber.len() {
            assert!(to_der(&ber[..end]).is_err(), "prefix of {end} bytes");
        }
    }
}
