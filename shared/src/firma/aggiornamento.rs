//! The signing update of a PAdES contract: the incremental update that the signing
//! program appended to the issued PDF, up to the end of the signature's /ByteRange. The
//! signature covers it, but a signer could redraw a page inside the very update he signs;
//! so it is accepted only when nothing that is drawn changes. Whatever this check cannot
//! vouch for goes to the Fondazione's review, never to a refusal or an acceptance.
//!
//! What the update may hold, beside objects left as they were:
//! - new objects, which can only be reached through the changes below;
//! - the catalog, changed only in `/AcroForm`, `/DSS`, `/Perms`, `/Extensions`,
//!   `/Metadata`, `/Version` (the form, the validation data, the PDF version);
//! - a page, changed only in `/Annots`, which may only gain invisible signature widgets
//!   (zero-area `/Rect`, or hidden), the annotations it had kept as they were;
//! - the document information dictionary and the XMP metadata stream (not drawn);
//! - a form (`/AcroForm`) holding only fields, signature flags, default appearance and
//!   resources (no XFA, which some viewers draw instead of the pages).
//!
//! No object may be freed, and the catalog stays the same object.

use super::oggetti::{self, Dict, Revisione, Value};

const CATALOG_KEYS: [&[u8]; 6] = [
    b"AcroForm",
    b"DSS",
    b"Perms",
    b"Extensions",
    b"Metadata",
    b"Version",
];
const ACROFORM_KEYS: [&[u8]; 4] = [b"Fields", b"SigFlags", b"DA", b"DR"];
/// Annotation flags: Hidden and NoView.
const HIDDEN: i64 = 2 | 32;

/// Whether `update`, appended to the `issued` PDF, only signs it.
pub fn solo_firma(issued: &[u8], update: &[u8]) -> bool {
    let (Ok(before), Ok(after)) = (oggetti::revisione(issued), oggetti::revisione(update)) else {
        return false;
    };
    check(&before, &after).is_some()
}

fn check(before: &Revisione, after: &Revisione) -> Option<()> {
    let root = before.trailer.get(b"Root".as_slice())?.reference()?;
    let info = before
        .trailer
        .get(b"Info".as_slice())
        .and_then(Value::reference);
    if !after.liberati.is_empty()
        || after.trailer.get(b"Root".as_slice())?.reference()? != root
        || after.trailer.contains_key(b"Encrypt".as_slice())
    {
        return None;
    }
    let object = |id: u32| after.oggetti.get(&id).or_else(|| before.oggetti.get(&id));
    let catalog = object(root)?;
    // The metadata stream the issued document had: the catalog may point elsewhere, but
    // only this object may change as metadata (not a page's content renamed so).
    let metadata = before
        .oggetti
        .get(&root)
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Value::reference);
    for (id, now) in &after.oggetti {
        let Some(was) = before.oggetti.get(id) else {
            continue;
        };
        if now == was {
            continue;
        }
        if *id == root {
            only_changed(was.dict()?, now.dict()?, &CATALOG_KEYS)?;
        } else if was.is(b"Type", b"Page") {
            only_changed(was.dict()?, now.dict()?, &[b"Annots"])?;
        } else if Some(*id) == info {
            matches!(now, Value::Dict(_)).then_some(())?;
        } else if Some(*id) == metadata {
            (now.is(b"Type", b"Metadata") && now.is(b"Subtype", b"XML")).then_some(())?;
        } else {
            return None;
        }
    }
    // The form, where the catalog has one.
    if let Some(form) = catalog.get(b"AcroForm") {
        let form = match form {
            Value::Ref(id, _) => object(*id)?,
            direct => direct,
        };
        only_keys(form.dict()?, &ACROFORM_KEYS)?;
    }
    // Each page's annotations: the old ones kept, the new ones invisible signatures.
    for (id, was) in before
        .oggetti
        .iter()
        .filter(|(_, v)| v.is(b"Type", b"Page"))
    {
        let now = object(*id)?;
        let old = annotations(was, &object)?;
        let new = annotations(now, &object)?;
        old.iter().all(|a| new.contains(a)).then_some(())?;
        for added in new.iter().filter(|a| !old.contains(a)) {
            invisible_signature(added, &object)?;
        }
    }
    Some(())
}

/// The keys that differ between `was` and `now` are all in `allowed`.
fn only_changed(was: &Dict, now: &Dict, allowed: &[&[u8]]) -> Option<()> {
    was.keys()
        .chain(now.keys())
        .filter(|k| was.get(*k) != now.get(*k))
        .all(|k| allowed.contains(&k.as_slice()))
        .then_some(())
}

fn only_keys(dict: &Dict, allowed: &[&[u8]]) -> Option<()> {
    dict.keys()
        .all(|k| allowed.contains(&k.as_slice()))
        .then_some(())
}

/// A page's `/Annots`, each as the value it refers to (or holds).
fn annotations<'a>(
    page: &'a Value,
    object: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<Vec<Value>> {
    let list = match page.get(b"Annots") {
        None => return Some(Vec::new()),
        Some(Value::Ref(id, _)) => object(*id)?,
        Some(direct) => direct,
    };
    let Value::Array(items) = list else {
        return None;
    };
    Some(items.clone())
}

/// `annotation` is a signature widget that is not drawn.
fn invisible_signature<'a>(
    annotation: &Value,
    object: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<()> {
    let widget = match annotation {
        Value::Ref(id, _) => object(*id)?,
        _ => return None,
    };
    if !widget.is(b"Subtype", b"Widget") {
        return None;
    }
    // A signature field merged with its widget, or the widget of one.
    let field = match widget.get(b"Parent") {
        Some(Value::Ref(id, _)) => object(*id)?,
        Some(_) => return None,
        None => widget,
    };
    if !field.is(b"FT", b"Sig") {
        return None;
    }
    let hidden = widget
        .get(b"F")
        .and_then(Value::number)
        .is_some_and(|flags| (flags as i64) & HIDDEN != 0);
    let zero_area = match widget.get(b"Rect") {
        Some(Value::Array(r)) if r.len() == 4 => {
            let n: Vec<f64> = r.iter().filter_map(Value::number).collect();
            n.len() == 4 && ((n[2] - n[0]).abs() < 0.01 || (n[3] - n[1]).abs() < 0.01)
        }
        _ => false,
    };
    (hidden || zero_area).then_some(())
}

#[cfg(test)]
mod tests {
    use super::solo_firma;

    const ISSUED: &[u8] = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/Contents 4 0 R/MediaBox[0 0 595 842]>>\nendobj\n4 0 obj\n<</Length 12>>stream\nBT (x) Tj ET\nendstream\nendobj\n5 0 obj\n<</Title(Contratto)>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R/Info 5 0 R/Size 6>>\nstartxref\n9\n%%EOF\n";

    fn update(objects: &str) -> Vec<u8> {
        format!("{objects}\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R/Info 5 0 R/Size 9/Prev 9>>\nstartxref\n99\n%%EOF\n").into_bytes()
    }

    const SIGNATURE: &str = "1 0 obj\n<</Type/Catalog/Pages 2 0 R/AcroForm 6 0 R>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/Contents 4 0 R/MediaBox[0 0 595 842]/Annots[7 0 R]>>\nendobj\n5 0 obj\n<</Title(Contratto)/Producer(pyHanko)>>\nendobj\n6 0 obj\n<</Fields[7 0 R]/SigFlags 3>>\nendobj\n7 0 obj\n<</FT/Sig/T(Firma)/Type/Annot/Subtype/Widget/F 132/Rect[0 0 0 0]/P 3 0 R/V 8 0 R>>\nendobj\n8 0 obj\n<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>\nendobj";

    #[test]
    fn an_invisible_signature_only_signs() {
        assert!(solo_firma(ISSUED, &update(SIGNATURE)));
    }

    #[test]
    fn a_redrawn_page_or_anything_drawn_does_not() {
        for (what, from, to) in [
            (
                "the page's content",
                "/Contents 4 0 R/MediaBox",
                "/Contents 10 0 R/MediaBox",
            ),
            ("a visible widget", "/Rect[0 0 0 0]", "/Rect[10 10 200 60]"),
            ("a text field", "/FT/Sig/T", "/FT/Tx/T"),
            (
                "the catalog's open action",
                "/AcroForm 6 0 R>>",
                "/AcroForm 6 0 R/OpenAction 3 0 R>>",
            ),
            ("XFA", "/SigFlags 3>>", "/SigFlags 3/XFA 4 0 R>>"),
        ] {
            let changed = SIGNATURE.replace(from, to);
            assert_ne!(changed, SIGNATURE, "{what}");
            assert!(!solo_firma(ISSUED, &update(&changed)), "{what}");
        }
        let stream = "4 0 obj\n<</Length 22>>stream\nBT (non paga nulla) Tj\nendstream\nendobj\n";
        assert!(
            !solo_firma(ISSUED, &update(&format!("{SIGNATURE}\n{stream}"))),
            "a content stream"
        );
        let annot = SIGNATURE.replace("/Annots[7 0 R]", "/Annots[7 0 R 10 0 R]");
        let square = "10 0 obj\n<</Type/Annot/Subtype/Square/Rect[0 0 500 500]>>\nendobj";
        assert!(
            !solo_firma(ISSUED, &update(&format!("{annot}\n{square}"))),
            "another annotation"
        );
        let freed = update(SIGNATURE).into_iter().collect::<Vec<u8>>();
        let freed = String::from_utf8(freed).unwrap().replace(
            "0 1\n0000000000 65535 f \n",
            "0 1\n0000000000 65535 f \n4 1\n0000000000 00001 f \n",
        );
        assert!(!solo_firma(ISSUED, freed.as_bytes()), "a freed object");
        assert!(!solo_firma(ISSUED, b"garbage"), "garbage");
    }
}
