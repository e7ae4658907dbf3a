//! Walking DER by its own bytes. What a signature covers is the file's bytes, never a
//! re-encoding: `der` sorts every SET OF it decodes and drops explicit DEFAULT values, so
//! a decoded and re-encoded structure may differ from the one that was signed.

use der::{Decode, Header, Reader, SliceReader};

/// The header of the constructed TLV `tlv` and its children, each a whole TLV.
pub fn children(tlv: &[u8]) -> der::Result<(Header, Vec<&[u8]>)> {
    let mut reader = SliceReader::new(tlv)?;
    let header = Header::decode(&mut reader)?;
    let body = reader.read_slice(header.length)?;
    reader.finish(())?;
    let mut inner = SliceReader::new(body)?;
    let mut children = Vec::new();
    while !inner.is_finished() {
        children.push(inner.tlv_bytes()?);
    }
    Ok((header, children))
}

/// The first TLV of `bytes`; what follows it is left out.
pub fn first_tlv(bytes: &[u8]) -> der::Result<&[u8]> {
    SliceReader::new(bytes)?.tlv_bytes()
}

/// The value (contents octets) of the TLV `tlv`.
pub fn value(tlv: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(tlv)?;
    let header = Header::decode(&mut reader)?;
    let body = reader.read_slice(header.length)?;
    reader.finish(())?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_the_original_bytes_and_padding_is_left_out() {
        // SEQUENCE { SET { INTEGER 5, INTEGER 1 } }: a SET in an order `der` would sort.
        let tlv = [0x30, 0x08, 0x31, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x01];
        let (_, kids) = children(&tlv).unwrap();
        assert_eq!(kids, vec![&tlv[2..]]);
        let (_, set) = children(kids[0]).unwrap();
        assert_eq!(set, vec![&[0x02, 0x01, 0x05][..], &[0x02, 0x01, 0x01][..]]);
        let padded = [&tlv[..], &[0, 0, 0]].concat();
        assert_eq!(first_tlv(&padded).unwrap(), &tlv[..]);
        assert_eq!(value(&[0x04, 0x02, 0xAB, 0xCD]).unwrap(), &[0xAB, 0xCD]);
        assert!(children(&tlv[..5]).is_err());
    }
}
