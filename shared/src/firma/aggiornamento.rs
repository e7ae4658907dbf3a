//! The signing update of a PAdES contract: the incremental update that the signing
//! program appended to the issued PDF, up to the end of the signature's /ByteRange. The
//! signature covers it, but a signer could redraw a page inside the very update he signs;
//! so it is accepted only when nothing that is drawn or run changes. Whatever this check
//! cannot vouch for goes to the Fondazione's review, never to a refusal or an acceptance.
//!
//! First, the update must be read as every reader reads it: one cross-reference table
//! after its objects, whose entries give each object's real place and generation, one
//! trailer naming the issued catalog and pointing back at the issued table, `startxref`
//! at that table, no object or table hidden where a reader rebuilding a broken file would
//! find it, no object stream, no stream whose length is a guess.
//!
//! Then, beside objects left as they were, the update may hold:
//! - new objects, which can only be reached through the changes below;
//! - the catalog, changed only in `/AcroForm`, `/DSS`, `/Perms`, `/Extensions`,
//!   `/Metadata`, `/Version` (the form, the validation data, the PDF version);
//! - a page, changed only in `/Annots`, which may only gain invisible signature widgets,
//!   the annotations it had kept as they were;
//! - the document information dictionary and the XMP metadata stream (not drawn);
//! - a form (`/AcroForm`) holding only fields, signature flags, default appearance and
//!   resources (no XFA, which some viewers draw instead of the pages), whose fields are
//!   all invisible signatures.
//!
//! An invisible signature widget has only the keys a signature needs (no action, no
//! optional content), integer flags, and is hidden (the Hidden flag) or has a rectangle
//! of no width and no height; an appearance, if any, draws nothing (empty, unfiltered
//! streams).

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
const TRAILER_KEYS: [&[u8]; 5] = [b"Size", b"Root", b"Info", b"ID", b"Prev"];
const WIDGET_KEYS: [&[u8]; 15] = [
    b"Type", b"Subtype", b"FT", b"T", b"TU", b"F", b"Ff", b"Rect", b"P", b"V", b"Parent", b"Lock",
    b"SV", b"DA", b"AP",
];
const FIELD_KEYS: [&[u8]; 9] = [
    b"FT", b"T", b"TU", b"V", b"Kids", b"Ff", b"Lock", b"SV", b"DA",
];
/// The annotation flag Hidden: not drawn, not printed.
const HIDDEN: u32 = 2;

/// Whether `update`, appended to the `issued` PDF, only signs it.
pub fn solo_firma(issued: &[u8], update: &[u8]) -> bool {
    let (Ok(before), Ok(after)) = (oggetti::revisione(issued), oggetti::revisione(update)) else {
        return false;
    };
    read_alike(&before, issued.len(), &after, update).is_some() && check(&before, &after).is_some()
}

/// The update is read the same by every reader: what `after` holds is what they see.
fn read_alike(
    before: &Revisione,
    issued_len: usize,
    after: &Revisione,
    update: &[u8],
) -> Option<()> {
    let ([table], [trailer], [(startxref_at, startxref)]) = (
        after.tabelle.as_slice(),
        after.trailers.as_slice(),
        after.startxref.as_slice(),
    ) else {
        return None;
    };
    let last_object = after.definizioni.values().map(|(at, _)| *at).max();
    let ordered =
        last_object.is_none_or(|at| at < *table) && table < trailer && trailer < startxref_at;
    let absolute = |at: usize| u64::try_from(issued_len + at).ok();
    if !ordered || absolute(*table)? != *startxref || after.lunghezza_indiretta {
        return None;
    }
    // Each object where the table says, with its generation; nothing else in use.
    let in_use: Vec<_> = after.voci.iter().filter(|v| v.in_uso).collect();
    let placed = in_use.len() == after.definizioni.len()
        && in_use.iter().all(|v| {
            after
                .definizioni
                .get(&v.oggetto)
                .is_some_and(|(at, generation)| {
                    absolute(*at) == Some(v.offset) && *generation == v.generazione
                })
        });
    if !placed || after.liberati().next().is_some() || after.nasconde_strutture(update) {
        return None;
    }
    // The trailer continues the issued document's.
    let trailer = &after.trailer;
    let issued_startxref = before.startxref.last()?.1;
    let prev = trailer.get(b"Prev".as_slice()).and_then(Value::number);
    let same = |key: &[u8]| trailer.get(key) == before.trailer.get(key);
    let info_kept = !before.trailer.contains_key(b"Info".as_slice()) || same(b"Info");
    if !only_keys(trailer, &TRAILER_KEYS)
        || prev != Some(issued_startxref as f64)
        || !same(b"Root")
        || !info_kept
    {
        return None;
    }
    let compressed = after
        .oggetti
        .values()
        .any(|v| v.is(b"Type", b"XRef") || v.is(b"Type", b"ObjStm"));
    (!compressed).then_some(())
}

fn check(before: &Revisione, after: &Revisione) -> Option<()> {
    let root = before.trailer.get(b"Root".as_slice())?.reference()?;
    let info = before
        .trailer
        .get(b"Info".as_slice())
        .and_then(Value::reference);
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
            only_changed(was.dict()?, now.dict()?, &CATALOG_KEYS).then_some(())?;
        } else if was.is(b"Type", b"Page") {
            only_changed(was.dict()?, now.dict()?, &[b"Annots"]).then_some(())?;
        } else if Some(*id) == info {
            matches!(now, Value::Dict(_)).then_some(())?;
        } else if Some(*id) == metadata {
            (now.is(b"Type", b"Metadata") && now.is(b"Subtype", b"XML")).then_some(())?;
        } else {
            return None;
        }
    }
    // The form, where the catalog has one: only invisible signatures.
    if let Some(form) = catalog.get(b"AcroForm") {
        let form = resolved(form, &object)?;
        only_keys(form.dict()?, &ACROFORM_KEYS).then_some(())?;
        if let Some(fields) = form.get(b"Fields") {
            let Value::Array(fields) = resolved(fields, &object)? else {
                return None;
            };
            for field in fields {
                signature_field(field, &object)?;
            }
        }
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
            invisible_widget(added, &object)?;
        }
    }
    Some(())
}

/// The keys that differ between `was` and `now` are all in `allowed`.
fn only_changed(was: &Dict, now: &Dict, allowed: &[&[u8]]) -> bool {
    was.keys()
        .chain(now.keys())
        .filter(|k| was.get(*k) != now.get(*k))
        .all(|k| allowed.contains(&k.as_slice()))
}

fn only_keys(dict: &Dict, allowed: &[&[u8]]) -> bool {
    dict.keys().all(|k| allowed.contains(&k.as_slice()))
}

/// The value itself, or the object a reference names.
fn resolved<'a>(value: &'a Value, object: &impl Fn(u32) -> Option<&'a Value>) -> Option<&'a Value> {
    match value {
        Value::Ref(id, _) => object(*id),
        direct => Some(direct),
    }
}

/// A page's `/Annots`, each as written (references, as a signature's widget is).
fn annotations<'a>(
    page: &'a Value,
    object: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<Vec<Value>> {
    let Some(list) = page.get(b"Annots") else {
        return Some(Vec::new());
    };
    let Value::Array(items) = resolved(list, object)? else {
        return None;
    };
    Some(items.clone())
}

/// A field of the form: a signature widget merged with its field, or a signature field
/// whose widgets are all invisible.
fn signature_field<'a>(field: &'a Value, object: &impl Fn(u32) -> Option<&'a Value>) -> Option<()> {
    let Value::Ref(id, _) = field else {
        return None;
    };
    let value = object(*id)?;
    if value.is(b"Subtype", b"Widget") {
        return invisible_widget(field, object);
    }
    let Value::Dict(dict) = value else {
        return None;
    };
    if !only_keys(dict, &FIELD_KEYS) || !value.is(b"FT", b"Sig") {
        return None;
    }
    let Some(Value::Array(kids)) = dict.get(b"Kids".as_slice()) else {
        return None;
    };
    for kid in kids {
        let widget = resolved(kid, object)?;
        (widget.get(b"Parent").and_then(Value::reference) == Some(*id)).then_some(())?;
        invisible_widget(kid, object)?;
    }
    Some(())
}

/// `annotation` (a reference) is a signature widget that draws nothing and runs nothing.
fn invisible_widget<'a>(
    annotation: &Value,
    object: &impl Fn(u32) -> Option<&'a Value>,
) -> Option<()> {
    let Value::Ref(id, _) = annotation else {
        return None;
    };
    let widget = object(*id)?;
    let Value::Dict(dict) = widget else {
        return None;
    };
    let typed = dict
        .get(b"Type".as_slice())
        .is_none_or(|_| widget.is(b"Type", b"Annot"));
    if !only_keys(dict, &WIDGET_KEYS) || !widget.is(b"Subtype", b"Widget") || !typed {
        return None;
    }
    // Its own field type is what readers take; else its field's, which is a signature's.
    let signature = match (dict.get(b"FT".as_slice()), dict.get(b"Parent".as_slice())) {
        (Some(_), _) => widget.is(b"FT", b"Sig"),
        (None, Some(Value::Ref(parent, _))) => {
            let field = object(*parent)?;
            field.dict().is_some_and(|d| only_keys(d, &FIELD_KEYS)) && field.is(b"FT", b"Sig")
        }
        (None, _) => false,
    };
    let flags = match dict.get(b"F".as_slice()) {
        None => 0,
        Some(Value::Number(n)) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(n) => {
            *n as u32
        }
        Some(_) => return None,
    };
    let hidden = flags & HIDDEN != 0;
    let no_area = match dict.get(b"Rect".as_slice()) {
        Some(Value::Array(r)) if r.len() == 4 => {
            let n: Vec<f64> = r.iter().filter_map(Value::number).collect();
            n.len() == 4 && (n[2] - n[0]).abs() < 0.01 && (n[3] - n[1]).abs() < 0.01
        }
        _ => false,
    };
    let draws_nothing = match dict.get(b"AP".as_slice()) {
        None => true,
        Some(ap) => empty_appearance(ap, object).is_some(),
    };
    (signature && (hidden || no_area) && draws_nothing).then_some(())
}

/// An appearance dictionary whose every stream (normal, rollover, down, in each state)
/// is empty and unfiltered.
fn empty_appearance<'a>(ap: &'a Value, object: &impl Fn(u32) -> Option<&'a Value>) -> Option<()> {
    let Value::Dict(kinds) = resolved(ap, object)? else {
        return None;
    };
    if !only_keys(kinds, &[b"N", b"R", b"D"]) {
        return None;
    }
    let empty = |stream: &'a Value| match resolved(stream, object) {
        Some(Value::Stream(dict, data)) => {
            !dict.contains_key(b"Filter".as_slice()) && data.iter().all(|b| b.is_ascii_whitespace())
        }
        _ => false,
    };
    kinds
        .values()
        .all(|kind| match resolved(kind, object) {
            Some(Value::Stream(..)) => empty(kind),
            Some(Value::Dict(states)) => states.values().all(empty),
            _ => false,
        })
        .then_some(())
}

/// Updates crafted against this check by a review, on the real issued contract and
/// pyHanko's signature of it.
#[cfg(test)]
mod attacchi;

#[cfg(test)]
mod tests {
    use super::solo_firma;

    const ISSUED: &[u8] = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/Contents 4 0 R/MediaBox[0 0 595 842]>>\nendobj\n4 0 obj\n<</Length 12>>stream\nBT (x) Tj ET\nendstream\nendobj\n5 0 obj\n<</Title(Contratto)>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R/Info 5 0 R/Size 6>>\nstartxref\n9\n%%EOF\n";

    /// An update of `objects` as signing programs write one: each object where its
    /// cross-reference entry says, the trailer continuing the issued one.
    fn update(objects: &[(u32, String)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut entries = String::from("0 1\n0000000000 65535 f \n");
        for (id, body) in objects {
            let at = ISSUED.len() + out.len();
            entries.push_str(&format!("{id} 1\n{at:010} 00000 n \n"));
            out.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        let table = ISSUED.len() + out.len();
        out.extend_from_slice(
            format!("xref\n{entries}trailer\n<</Root 1 0 R/Info 5 0 R/Size 9/Prev 9>>\nstartxref\n{table}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    fn signature() -> Vec<(u32, String)> {
        [
            (1, "<</Type/Catalog/Pages 2 0 R/AcroForm 6 0 R>>"),
            (3, "<</Type/Page/Parent 2 0 R/Contents 4 0 R/MediaBox[0 0 595 842]/Annots[7 0 R]>>"),
            (5, "<</Title(Contratto)/Producer(pyHanko)>>"),
            (6, "<</Fields[7 0 R]/SigFlags 3>>"),
            (7, "<</FT/Sig/T(Firma)/Type/Annot/Subtype/Widget/F 132/Rect[0 0 0 0]/P 3 0 R/V 8 0 R>>"),
            (8, "<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>"),
        ]
        .map(|(id, body)| (id, body.to_owned()))
        .to_vec()
    }

    /// The signature with object `id`'s body changed from `from` to `to`.
    fn changed(id: u32, from: &str, to: &str) -> Vec<(u32, String)> {
        let mut objects = signature();
        let body = &mut objects
            .iter_mut()
            .find(|(i, _)| *i == id)
            .expect("an object")
            .1;
        assert!(body.contains(from), "{from}");
        *body = body.replace(from, to);
        objects
    }

    #[test]
    fn an_invisible_signature_only_signs() {
        assert!(solo_firma(ISSUED, &update(&signature())));
        let hidden = changed(7, "/F 132/Rect[0 0 0 0]", "/F 6/Rect[10 10 200 60]");
        assert!(solo_firma(ISSUED, &update(&hidden)), "hidden by its flag");
        let mut empty_appearance = changed(7, "/V 8 0 R", "/V 8 0 R/AP<</N 9 0 R>>");
        empty_appearance.push((9, "<</Length 0>>stream\n\nendstream".to_owned()));
        assert!(
            solo_firma(ISSUED, &update(&empty_appearance)),
            "an empty appearance"
        );
    }

    #[test]
    fn a_redrawn_page_or_anything_drawn_or_run_does_not() {
        for (what, id, from, to) in [
            (
                "the page's content",
                3,
                "/Contents 4 0 R",
                "/Contents 10 0 R",
            ),
            (
                "a visible widget",
                7,
                "/Rect[0 0 0 0]",
                "/Rect[10 10 200 60]",
            ),
            (
                "a line of no width",
                7,
                "/Rect[0 0 0 0]",
                "/Rect[0 0 0 842]",
            ),
            (
                "print only",
                7,
                "/F 132/Rect[0 0 0 0]",
                "/F 36/Rect[0 0 595 842]",
            ),
            (
                "flags not an integer",
                7,
                "/F 132/Rect[0 0 0 0]",
                "/F 2.5/Rect[0 0 595 842]",
            ),
            (
                "negative flags",
                7,
                "/F 132/Rect[0 0 0 0]",
                "/F -2/Rect[0 0 595 842]",
            ),
            ("a text field", 7, "/FT/Sig/T", "/FT/Tx/T"),
            (
                "an action",
                7,
                "/V 8 0 R",
                "/V 8 0 R/AA<</PO<</S/J#61vaScript/JS(x)>>>>",
            ),
            (
                "a huge rectangle",
                7,
                "/Rect[0 0 0 0]",
                "/Rect[0 0 18446744073709.551616 842]",
            ),
            (
                "the catalog's open action",
                1,
                "/AcroForm 6 0 R>>",
                "/AcroForm 6 0 R/OpenAction 3 0 R>>",
            ),
            ("XFA", 6, "/SigFlags 3>>", "/SigFlags 3/XFA 4 0 R>>"),
            (
                "a key twice",
                3,
                "/Annots[7 0 R]",
                "/Annots[7 0 R]/Contents 10 0 R",
            ),
        ] {
            assert!(
                !solo_firma(ISSUED, &update(&changed(id, from, to))),
                "{what}"
            );
        }
        let mut drawn = changed(7, "/V 8 0 R", "/V 8 0 R/AP<</N 9 0 R>>");
        drawn.push((
            9,
            "<</Length 22>>stream\nBT (non paga nulla) Tj\nendstream".to_owned(),
        ));
        assert!(
            !solo_firma(ISSUED, &update(&drawn)),
            "an appearance that draws"
        );
        let mut content = signature();
        content.push((
            4,
            "<</Length 22>>stream\nBT (non paga nulla) Tj\nendstream".to_owned(),
        ));
        assert!(!solo_firma(ISSUED, &update(&content)), "a content stream");
        let mut square = changed(3, "/Annots[7 0 R]", "/Annots[7 0 R 10 0 R]");
        square.push((
            10,
            "<</Type/Annot/Subtype/Square/Rect[0 0 500 500]>>".to_owned(),
        ));
        assert!(!solo_firma(ISSUED, &update(&square)), "another annotation");
        let mut field = changed(6, "/Fields[7 0 R]", "/Fields[7 0 R 10 0 R]");
        field.push((
            10,
            "<</FT/Tx/T(x)/AA<</K<</S/JavaScript/JS(x)>>>>>>".to_owned(),
        ));
        assert!(!solo_firma(ISSUED, &update(&field)), "a field on no page");
        assert!(!solo_firma(ISSUED, b"garbage"), "garbage");
    }

    #[test]
    fn an_update_read_differently_by_readers_does_not() {
        let genuine = String::from_utf8(update(&signature())).unwrap();
        let edited = |from: &str, to: &str| {
            assert!(genuine.contains(from), "{from}");
            genuine.replacen(from, to, 1).into_bytes()
        };
        // A freed object, another catalog, a trailer key more, a table elsewhere.
        assert!(!solo_firma(
            ISSUED,
            &edited(
                "0 1\n0000000000 65535 f \n",
                "0 1\n0000000000 65535 f \n4 1\n0000000000 00001 f \n"
            )
        ));
        assert!(!solo_firma(ISSUED, &edited("/Root 1 0 R", "/Root 3 0 R")));
        assert!(!solo_firma(
            ISSUED,
            &edited("/Prev 9", "/Prev 9/XRefStm 12")
        ));
        assert!(!solo_firma(ISSUED, &edited("/Prev 9", "/Prev 10")));
        let at = genuine.find("startxref\n").unwrap() + 10;
        let wrong = format!(
            "{}{}",
            &genuine[..at],
            genuine[at..].replacen(|c: char| c.is_ascii_digit(), "9", 1)
        );
        assert!(!solo_firma(ISSUED, wrong.as_bytes()), "startxref elsewhere");
        // An entry that points before its object.
        let first = genuine.find(" 00000 n").unwrap() - 10;
        let shifted = format!(
            "{}{:010}{}",
            &genuine[..first],
            ISSUED.len() + 1,
            &genuine[first + 10..]
        );
        assert!(
            !solo_firma(ISSUED, shifted.as_bytes()),
            "an offset elsewhere"
        );
        // An object hidden in a comment, a second table.
        let hidden = [
            b"% 3 0 obj <</Type/Page/Contents 10 0 R>> endobj\n" as &[u8],
            &update(&signature()),
        ]
        .concat();
        assert!(!solo_firma(ISSUED, &hidden), "a hidden object");
        let twice = [
            genuine.as_bytes(),
            b"xref\n0 1\n0000000000 65535 f \ntrailer\n<</Root 1 0 R>>\n",
        ]
        .concat();
        assert!(!solo_firma(ISSUED, &twice), "two tables");
    }
}
