//! Signing updates that change what a viewer draws or runs, each refused by
//! `solo_firma`. Every attack starts from pyHanko's genuine update of a real issued
//! contract (which is accepted) and changes only what the attack needs, so that it is
//! refused for its own reason and not for a slip in its syntax.

use std::collections::BTreeMap;

/// The issued contract, as krilla wrote it (it ends at `%%EOF`, with no end of line).
const ISSUED: &[u8] = include_bytes!("contratto-emesso.pdf");
/// The same contract signed by pyHanko 0.38: an invisible signature, one incremental
/// update, the signature's /ByteRange running to the end of the file.
const SIGNED: &[u8] = include_bytes!("firmato-pyhanko.pdf");

/// The issued contract's catalog and document information, as its trailer names them.
const ROOT: &str = "30 0 R";
const INFO: &str = "28 0 R";
/// The first object number that neither the issued contract nor pyHanko's update uses.
const NEW: u32 = 35;
/// A content stream painting a whole (A4) page white.
const WHITE: &str = "q 1 g 0 0 595.276 841.89 re f Q";
/// The entries of a form XObject the size of a page.
const FORM: [&str; 3] = [
    "/Type /XObject",
    "/Subtype /Form",
    "/BBox [ 0 0 595.276 841.89 ]",
];
const FULL_PAGE: &str = "[ 0 0 595.276 841.89 ]";

/// An object of an update: `N G obj`, its body, `endobj`.
struct Object {
    id: u32,
    generation: u16,
    body: Vec<u8>,
}

impl Object {
    fn new(id: u32, body: impl Into<Vec<u8>>) -> Self {
        Self {
            id,
            generation: 0,
            body: body.into(),
        }
    }

    /// A stream with `entries`, a direct /Length and `data`, unfiltered.
    fn stream(id: u32, entries: &[&str], data: &[u8]) -> Self {
        let mut body = b"<<\n".to_vec();
        for entry in entries {
            body.extend_from_slice(entry.as_bytes());
            body.push(b'\n');
        }
        body.extend_from_slice(format!("/Length {}\n>>\nstream\n", data.len()).as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        Self::new(id, body)
    }

    fn header(&self) -> String {
        format!("{} {} obj\n", self.id, self.generation)
    }

    /// Where a stream's data starts, counted from the object's first byte.
    fn data_start(&self) -> usize {
        let keyword = find(&self.body, b"stream\n").expect("a stream");
        self.header().len() + keyword + b"stream\n".len()
    }
}

/// An update being written, and the cross-reference entry of each of its objects.
#[derive(Default)]
struct Update {
    bytes: Vec<u8>,
    /// Each object's offset in the whole file, and its generation.
    xref: BTreeMap<u32, (usize, u16)>,
}

impl Update {
    /// Where the next byte goes, counted from the issued contract's first byte.
    fn offset(&self) -> usize {
        ISSUED.len() + self.bytes.len()
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Writes `object` and points its cross-reference entry at it; returns its offset.
    fn object(&mut self, object: &Object) -> usize {
        let at = self.offset();
        self.xref.insert(object.id, (at, object.generation));
        self.raw(object.header().as_bytes());
        self.raw(&object.body);
        self.raw(b"\nendobj\n");
        at
    }

    /// The trailer's entries, as pyHanko writes them, then `extra`.
    fn trailer(&self, extra: &str) -> String {
        let size = self.xref.keys().next_back().map_or(0, |id| id + 1);
        format!(
            "/Size {size}\n/Root {ROOT}\n/Info {INFO}\n{}\n/Prev {}\n{extra}",
            genuine_id(),
            issued_startxref()
        )
    }

    /// Writes a cross-reference table of the entries so far, then `trailer`; returns the
    /// table's offset.
    fn section(&mut self, trailer: &str) -> usize {
        let at = self.offset();
        let entries: Vec<(u32, usize, u16)> = self
            .xref
            .iter()
            .map(|(id, (offset, generation))| (*id, *offset, *generation))
            .collect();
        self.raw(b"xref\n0 1\n0000000000 65535 f \n");
        for run in entries.chunk_by(|a, b| a.0 + 1 == b.0) {
            self.raw(format!("{} {}\n", run[0].0, run.len()).as_bytes());
            for (_, offset, generation) in run {
                self.raw(format!("{offset:010} {generation:05} n \n").as_bytes());
            }
        }
        self.raw(format!("trailer\n<<\n{trailer}>>\n").as_bytes());
        at
    }

    /// Ends the update, its `startxref` pointing at `xref`.
    fn end(mut self, xref: usize) -> Vec<u8> {
        self.raw(format!("startxref\n{xref}\n%%EOF\n").as_bytes());
        self.bytes
    }

    /// Ends the update as pyHanko does: one table, its trailer (with `extra`), and a
    /// `startxref` pointing at the table.
    fn finish(mut self, extra: &str) -> Vec<u8> {
        let trailer = self.trailer(extra);
        let xref = self.section(&trailer);
        self.end(xref)
    }
}

/// An update of `objects`, ended as pyHanko ends its own.
fn rebuild(objects: &[Object], extra: &str) -> Vec<u8> {
    let mut update = Update::default();
    for object in objects {
        update.object(object);
    }
    update.finish(extra)
}

fn genuine_update() -> &'static [u8] {
    &SIGNED[ISSUED.len()..]
}

/// pyHanko's objects, in its order: it writes each as `N G obj\n…\nendobj\n`.
fn genuine() -> Vec<Object> {
    let mut rest = genuine_update();
    let mut objects = Vec::new();
    while !rest.starts_with(b"xref\n") {
        let eol = find(rest, b"\n").expect("an object's first line");
        let header = std::str::from_utf8(&rest[..eol]).expect("an ASCII header");
        let (id, generation) = match header.split(' ').collect::<Vec<_>>().as_slice() {
            [id, generation, "obj"] => (
                id.parse().expect("an object number"),
                generation.parse().expect("a generation"),
            ),
            _ => panic!("not an object's first line: {header}"),
        };
        let end = eol + find(&rest[eol..], b"\nendobj\n").expect("the object's end");
        objects.push(Object {
            id,
            generation,
            body: rest[eol + 1..end].to_vec(),
        });
        rest = &rest[end + b"\nendobj\n".len()..];
    }
    objects
}

fn genuine_body(id: u32) -> Vec<u8> {
    genuine()
        .into_iter()
        .find(|object| object.id == id)
        .expect("an object of pyHanko's update")
        .body
}

/// An object of the issued contract, which krilla writes as `N 0 obj\n…\nendobj\n`.
fn issued_body(id: u32) -> &'static [u8] {
    let header = format!("\n{id} 0 obj\n");
    let start = find(ISSUED, header.as_bytes()).expect("an issued object") + header.len();
    let end = start + find(&ISSUED[start..], b"\nendobj\n").expect("its end");
    &ISSUED[start..end]
}

/// The /ID pyHanko wrote in its trailer.
fn genuine_id() -> &'static str {
    let update = genuine_update();
    let start = rfind(update, b"/ID [").expect("pyHanko's /ID");
    let end = start + find(&update[start..], b"]").expect("its end") + 1;
    std::str::from_utf8(&update[start..end]).expect("an ASCII /ID")
}

/// The issued contract's `startxref`, which the update's /Prev must repeat.
fn issued_startxref() -> usize {
    let at = rfind(ISSUED, b"startxref").expect("the issued startxref") + b"startxref".len();
    let digits: String = ISSUED[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| char::from(*b))
        .collect();
    digits.parse().expect("its offset")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// `bytes` with `from`, which must occur exactly once, replaced by `to`.
fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = find(bytes, from).expect("the text to replace");
    assert!(
        find(&bytes[at + 1..], from).is_none(),
        "{} occurs more than once",
        String::from_utf8_lossy(from)
    );
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

/// Replaces `from` by `to` in object `id` of `objects`.
fn edit(objects: &mut [Object], id: u32, from: &str, to: &str) {
    let object = objects
        .iter_mut()
        .find(|object| object.id == id)
        .expect("an object of the update");
    object.body = replace_once(&object.body, from.as_bytes(), to.as_bytes());
}

/// A white page drawn over page 1's content: object `NEW`.
fn white_content() -> Object {
    Object::stream(NEW, &[], WHITE.as_bytes())
}

/// pyHanko's page 1, its content followed by `white_content`.
fn overlaid_page() -> Vec<u8> {
    replace_once(
        &genuine_body(14),
        b"/Contents 23 0 R",
        b"/Contents [ 23 0 R 35 0 R ]",
    )
}

/// pyHanko's update, its widget flagged `flags`, spanning `rect`, given `more` entries
/// and an appearance (object `NEW`) drawing `appearance`.
fn widget(flags: &str, rect: &str, more: &str, appearance: &str) -> Vec<Object> {
    let mut objects = genuine();
    edit(&mut objects, 33, "/F 132", &format!("/F {flags}"));
    edit(
        &mut objects,
        33,
        "/Rect [ 0 0 0 0 ]",
        &format!("/Rect {rect}\n/AP << /N 35 0 R >>{more}"),
    );
    objects.push(Object::stream(NEW, &FORM, appearance.as_bytes()));
    objects
}

/// pyHanko's update with a second widget on page 1, a child of the signature field, of
/// field type `field_type`, flagged `flags`, given `more` entries.
fn child_widget(field_type: &str, flags: &str, more: &str) -> Vec<Object> {
    let mut objects = genuine();
    edit(
        &mut objects,
        14,
        "/Annots [ 33 0 R ]",
        "/Annots [ 33 0 R 35 0 R ]",
    );
    objects.push(Object::new(
        NEW,
        format!(
            "<<\n/Type /Annot\n/Subtype /Widget\n/FT /{field_type}\n/T (Importo)\n/Parent 33 0 R\n/F {flags}\n/Rect [ 72 700 523 760 ]\n/P 14 0 R{more}\n>>"
        ),
    ));
    objects
}

fn refused(update: &[u8]) -> bool {
    !super::solo_firma(ISSUED, update)
}

/// Whether the update with `widget(flags, rect, more, …)` is refused both when its
/// appearance draws a white page (the attack) and when it draws nothing (so that what
/// refuses it is not only the rule on appearances).
fn refused_drawn_or_blank(flags: &str, rect: &str, more: &str) -> bool {
    [WHITE, ""]
        .into_iter()
        .all(|appearance| refused(&rebuild(&widget(flags, rect, more, appearance), "")))
}

#[test]
fn pyhankos_update_is_accepted() {
    assert!(SIGNED.starts_with(ISSUED));
    assert!(super::solo_firma(ISSUED, genuine_update()));
}

#[test]
fn the_helpers_rebuild_pyhankos_update_byte_for_byte() {
    assert!(rebuild(&genuine(), "") == genuine_update());
}

#[test]
fn the_rebuilt_genuine_update_is_accepted() {
    assert!(super::solo_firma(ISSUED, &rebuild(&genuine(), "")));
}

/// The widgets the widget attacks start from, harmless as they are.
#[test]
fn the_attacks_harmless_counterparts_are_accepted() {
    let accepted = |objects: &[Object]| super::solo_firma(ISSUED, &rebuild(objects, ""));
    assert!(accepted(&widget("132", "[ 0 0 0 0 ]", "", "")), "no area");
    assert!(accepted(&widget("2", FULL_PAGE, "", "")), "hidden");
    assert!(accepted(&child_widget("Sig", "2", "")), "a hidden child");
}

/// 1a. A viewer follows the xref to the first of two page 1s, painted over in white.
#[test]
fn a_second_definition_behind_the_one_the_xref_names() {
    let mut update = Update::default();
    let forged = update.object(&Object::new(14, overlaid_page()));
    for object in genuine() {
        update.object(&object);
    }
    update.object(&white_content());
    update.xref.insert(14, (forged, 0));
    assert!(refused(&update.finish("")));
}

/// 1b. A viewer follows the xref into a comment, to a page 1 painted over in white.
#[test]
fn a_definition_inside_a_comment() {
    let mut update = Update::default();
    update.raw(b"%");
    let hidden = update.offset();
    let page: Vec<u8> = overlaid_page()
        .into_iter()
        .map(|b| if b == b'\n' { b' ' } else { b })
        .collect();
    update.raw(&[b"14 0 obj ".as_slice(), &page, b" endobj\n"].concat());
    for object in genuine() {
        update.object(&object);
    }
    update.object(&white_content());
    update.xref.insert(14, (hidden, 0));
    assert!(refused(&update.finish("")));
}

/// 1c. With startxref broken, a viewer's rescan takes the page 1 hidden in stream data: white.
#[test]
fn a_definition_inside_a_stream_with_a_broken_startxref() {
    let mut update = Update::default();
    for object in genuine() {
        update.object(&object);
    }
    update.object(&white_content());
    let hidden = [b"\n14 0 obj\n".as_slice(), &overlaid_page(), b"\nendobj\n"].concat();
    update.object(&Object::stream(NEW + 1, &[], &hidden));
    let trailer = update.trailer("");
    let xref = update.section(&trailer);
    assert!(refused(&update.end(xref + 1)));
}

/// 1d. The xref sends page 1's content (not in the update) into an /Info string: a white page.
#[test]
fn an_xref_entry_for_an_object_the_update_does_not_define() {
    let mut objects = genuine();
    let hidden = format!(
        "\n23 0 obj\n<<\n/Length {}\n>>\nstream\n{WHITE}\nendstream\nendobj\n",
        WHITE.len()
    );
    edit(
        &mut objects,
        28,
        "/Producer",
        &format!("/Keywords ({hidden})\n/Producer"),
    );
    let mut update = Update::default();
    for object in &objects {
        update.object(object);
    }
    let at = find(&update.bytes, b"\n23 0 obj\n").expect("the hidden definition") + 1;
    update.xref.insert(23, (ISSUED.len() + at, 0));
    assert!(refused(&update.finish("")));
}

/// 2a. A viewer reads the first of two xref sections, whose catalog drops page 1.
#[test]
fn two_xref_sections_with_different_roots() {
    let mut update = Update::default();
    for object in genuine() {
        update.object(&object);
    }
    let catalog = replace_once(&genuine_body(30), b"/Pages 1 0 R", b"/Pages 36 0 R");
    update.object(&Object::new(NEW, catalog));
    update.object(&Object::new(
        NEW + 1,
        "<<\n/Type /Pages\n/Kids [ 15 0 R 16 0 R ]\n/Count 2\n>>",
    ));
    let trailer = update.trailer("");
    let forged_trailer = trailer.replacen(&format!("/Root {ROOT}"), "/Root 35 0 R", 1);
    assert_ne!(forged_trailer, trailer);
    let forged = update.section(&forged_trailer);
    update.section(&trailer);
    assert!(refused(&update.end(forged)));
}

/// 2b. A viewer follows /Prev to an xref hidden in stream data, giving page 1 white content.
#[test]
fn a_prev_into_a_stream() {
    let mut update = Update::default();
    for object in genuine() {
        update.object(&object);
    }
    // A content stream and an xref section for it, `at` being where they start; and
    // where the section starts, counted from there.
    let hidden = |at: usize| {
        let content = format!(
            "23 0 obj\n<<\n/Length {}\n>>\nstream\n{WHITE}\nendstream\nendobj\n",
            WHITE.len()
        );
        let section = format!(
            "xref\n0 1\n0000000000 65535 f \n23 1\n{at:010} 00000 n \ntrailer\n<<\n/Size 36\n/Root {ROOT}\n/Prev {}\n>>\n",
            issued_startxref()
        );
        (content.len(), format!("{content}{section}"))
    };
    // The offsets are written in fixed width: the data's length does not depend on them.
    let at = update.offset() + Object::stream(NEW, &[], hidden(0).1.as_bytes()).data_start();
    let (section, data) = hidden(at);
    update.object(&Object::stream(NEW, &[], data.as_bytes()));
    let trailer = update.trailer("");
    let prev = format!("/Prev {}", issued_startxref());
    let forged = trailer.replacen(&prev, &format!("/Prev {}", at + section), 1);
    assert_ne!(forged, trailer);
    let xref = update.section(&forged);
    assert!(refused(&update.end(xref)));
}

/// 2c. A viewer reading hybrid files takes page 2 from an object stream /XRefStm lists: white.
#[test]
fn a_hybrid_xref_stream_and_an_object_stream() {
    let mut update = Update::default();
    for object in genuine() {
        update.object(&object);
    }
    update.object(&white_content());
    let page = replace_once(
        issued_body(15),
        b"/Contents 24 0 R",
        b"/Contents[24 0 R 35 0 R]",
    );
    let index = b"15 0 ";
    let first = format!("/First {}", index.len());
    update.object(&Object::stream(
        NEW + 1,
        &["/Type /ObjStm", "/N 1", first.as_str()],
        &[index.as_slice(), &page].concat(),
    ));
    // Object 15: compressed (type 2), the first object of the object stream.
    let entry = [
        [2u8].as_slice(),
        &(NEW + 1).to_be_bytes(),
        &0u16.to_be_bytes(),
    ]
    .concat();
    let xref_stream = update.object(&Object::stream(
        NEW + 2,
        &["/Type /XRef", "/Size 38", "/W [ 1 4 2 ]", "/Index [ 15 1 ]"],
        &entry,
    ));
    assert!(refused(
        &update.finish(&format!("/XRefStm {xref_stream}\n"))
    ));
}

/// 3. pdf.js reads /F 2.5 as 0: the full-page widget draws a white page.
#[test]
fn a_fractional_hidden_flag() {
    assert!(refused_drawn_or_blank("2.5", FULL_PAGE, ""));
}

/// 3. pdf.js reads /F -2 as 0: the full-page widget draws a white page.
#[test]
fn a_negative_hidden_flag() {
    assert!(refused_drawn_or_blank("-2", FULL_PAGE, ""));
}

/// 4. A Rect of 13 to 15 digits lets the widget paint page 1 white.
#[test]
fn a_rect_of_thirteen_to_fifteen_digits() {
    // Counted in millionths, each overflows an i64: a panic in a debug build; in a
    // release one, 18446744073709.551616 (2^64 millionths) wraps to a width of zero.
    for n in ["9999999999999", "18446744073709.551616", "999999999999999"] {
        assert!(
            refused_drawn_or_blank("132", &format!("[ 0 0 {n} {n} ]"), ""),
            "{n}"
        );
    }
}

/// 5. Acrobat runs the widget's script as page 1 opens (#61 hides /JavaScript from a search).
#[test]
fn javascript_in_the_widgets_actions() {
    let mut objects = genuine();
    edit(
        &mut objects,
        33,
        "/V 34 0 R",
        "/V 34 0 R\n/AA << /PO << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
    );
    assert!(refused(&rebuild(&objects, "")));
}

/// 5. Opening page 1 runs a /Hide action showing the hidden full-page widget: a white page.
#[test]
fn a_hide_action_that_shows_the_hidden_widget() {
    let more = "\n/AA << /PO << /S /Hide /T 33 0 R /H false >> >>";
    assert!(refused_drawn_or_blank("2", FULL_PAGE, more));
}

/// 6. NoView with Print: nothing on screen, but page 1 prints white.
#[test]
fn a_widget_printed_but_not_viewed() {
    assert!(refused_drawn_or_blank("36", FULL_PAGE, ""));
}

/// 7. A viewer laying a zero-area widget out by its /BBox draws its appearance: white.
#[test]
fn a_drawn_appearance_on_a_zero_area_widget() {
    let objects = widget("132", "[ 0 0 0 0 ]", "", WHITE);
    assert!(refused(&rebuild(&objects, "")));
}

/// 8. A text field only the form lists, on no page, with a script Acrobat runs.
#[test]
fn a_text_field_with_actions_in_the_form() {
    let mut objects = genuine();
    edit(
        &mut objects,
        32,
        "/Fields [ 33 0 R ]",
        "/Fields [ 33 0 R 35 0 R ]",
    );
    objects.push(Object::new(
        NEW,
        "<<\n/FT /Tx\n/T (Importo)\n/V (1000)\n/AA << /F << /S /J#61vaScript /J#53 (app.alert(1)) >> >>\n>>",
    ));
    assert!(refused(&rebuild(&objects, "")));
}

/// 9. A viewer keeping a key's first value takes page 1's first /Contents: white.
#[test]
fn a_duplicate_key_in_a_page() {
    let mut objects = genuine();
    edit(
        &mut objects,
        14,
        "/Type /Page\n",
        "/Contents [ 23 0 R 35 0 R ]\n/Type /Page\n",
    );
    objects.push(white_content());
    assert!(refused(&rebuild(&objects, "")));
}

/// 10. Viewers draw a text widget under the signature field: a white box on page 1.
#[test]
fn a_text_widget_under_the_signature_field() {
    let mut objects = child_widget("Tx", "4", "\n/AP << /N 36 0 R >>");
    objects.push(Object::stream(
        NEW + 1,
        &["/Type /XObject", "/Subtype /Form", "/BBox [ 0 0 451 60 ]"],
        b"q 1 g 0 0 451 60 re f Q",
    ));
    assert!(refused(&rebuild(&objects, "")));
    // Hidden and without an appearance, only its own field type refuses it.
    assert!(refused(&rebuild(&child_widget("Tx", "2", ""), "")));
}

/// 11. The check reads an empty appearance; by its indirect /Length a viewer draws white (7).
#[test]
fn an_indirect_length() {
    // Read up to the first `endstream`, the appearance's data is empty; read for its
    // /Length, it runs on through the next stream's data, a white page.
    let mut objects = genuine();
    edit(
        &mut objects,
        33,
        "/Rect [ 0 0 0 0 ]",
        "/Rect [ 0 0 0 0 ]\n/AP << /N 35 0 R >>",
    );
    let appearance = Object::new(
        NEW,
        format!(
            "<<\n{}\n/Length 36 0 R\n>>\nstream\nendstream",
            FORM.join("\n")
        ),
    );
    let white = Object::stream(NEW + 2, &[], WHITE.as_bytes());
    let mut update = Update::default();
    for object in &objects {
        update.object(object);
    }
    let start = update.object(&appearance) + appearance.data_start();
    let white_at = update.object(&white);
    let end = white_at + white.header().len() + find(&white.body, b"\nendstream").expect("its end");
    update.object(&Object::new(NEW + 1, (end - start).to_string()));
    assert!(refused(&update.finish("")));
}
