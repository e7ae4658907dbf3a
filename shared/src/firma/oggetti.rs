//! The objects of a PDF revision, read strictly from its bytes: the `N G obj … endobj`
//! definitions, the cross-reference table's free entries and the trailer. Only what the
//! signing update's check needs (`aggiornamento`): values are compared, never drawn, and
//! streams are kept as written (nothing is decompressed, so a zip bomb stays a few bytes).
//! Anything outside this grammar (object or cross-reference streams among them) is an
//! error, which sends the file to the Fondazione's review: never an acceptance.

use std::collections::BTreeMap;

/// A PDF value. Numbers compare by value, strings by their decoded bytes and
/// dictionaries whatever the order of their keys, so that a writer that re-serialises an
/// object unchanged does not make it "changed".
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Name(Vec<u8>),
    String(Vec<u8>),
    Array(Vec<Value>),
    Dict(Dict),
    Ref(u32, u16),
    /// A stream: its dictionary and its bytes as written.
    Stream(Dict, Vec<u8>),
}

pub type Dict = BTreeMap<Vec<u8>, Value>;

impl Value {
    pub fn dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(d) | Value::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<&Value> {
        self.dict()?.get(key)
    }

    /// Whether the dictionary's `key` is the name `name`.
    pub fn is(&self, key: &[u8], name: &[u8]) -> bool {
        matches!(self.get(key), Some(Value::Name(n)) if n == name)
    }

    pub fn reference(&self) -> Option<u32> {
        match self {
            Value::Ref(id, _) => Some(*id),
            _ => None,
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// What a revision (a whole file, or an incremental update) holds, and where: readers
/// find objects through the cross-reference table's offsets, so the check compares those
/// with where each definition really is.
#[derive(Debug, Default)]
pub struct Revisione {
    /// Each object defined, by number (defined twice: a syntax error).
    pub oggetti: BTreeMap<u32, Value>,
    /// Where each object's `N G obj` starts in the bytes read, and its generation.
    pub definizioni: BTreeMap<u32, (usize, u16)>,
    /// The entries of its cross-reference tables.
    pub voci: Vec<Voce>,
    /// Where each `xref` keyword is.
    pub tabelle: Vec<usize>,
    /// The last trailer, and where each `trailer` keyword is.
    pub trailer: Dict,
    pub trailers: Vec<usize>,
    /// Each `startxref`: where the keyword is, and the offset it gives.
    pub startxref: Vec<(usize, u64)>,
    /// A stream whose `/Length` is a reference (where its data ends is then a guess).
    pub lunghezza_indiretta: bool,
}

/// One entry of a cross-reference table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voce {
    pub oggetto: u32,
    pub offset: u64,
    pub generazione: u16,
    pub in_uso: bool,
}

impl Revisione {
    /// Objects its cross-reference tables free (object 0 aside).
    pub fn liberati(&self) -> impl Iterator<Item = u32> + '_ {
        self.voci
            .iter()
            .filter(|v| !v.in_uso && v.oggetto != 0)
            .map(|v| v.oggetto)
    }

    /// Whether `bytes` (the bytes read) hold an object header, `xref`, `trailer` or
    /// `startxref` the reading did not consume: inside a string, a comment or a stream's
    /// data, where a reader that rebuilds a broken cross-reference table would find it.
    pub fn nasconde_strutture(&self, bytes: &[u8]) -> bool {
        let headers: Vec<usize> = self.definizioni.values().map(|(at, _)| *at).collect();
        let startxref: Vec<usize> = self.startxref.iter().map(|(at, _)| *at).collect();
        (0..bytes.len()).any(|i| {
            let token = |word: &[u8]| {
                bytes[i..].starts_with(word)
                    && (i == 0 || !is_regular(bytes[i - 1]))
                    && bytes.get(i + word.len()).is_none_or(|b| !is_regular(*b))
            };
            (token(b"obj") && header_before(bytes, i).is_some_and(|at| !headers.contains(&at)))
                || (token(b"xref") && !self.tabelle.contains(&i))
                || (token(b"trailer") && !self.trailers.contains(&i))
                || (token(b"startxref") && !startxref.contains(&i))
        })
    }
}

/// Where `N G` starts when `obj` at `at` follows one.
fn header_before(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    let skip = |pred: fn(u8) -> bool, i: &mut usize| {
        let start = *i;
        while *i > 0 && pred(bytes[*i - 1]) {
            *i -= 1;
        }
        *i < start
    };
    let found = skip(is_space, &mut i)
        && skip(|b| b.is_ascii_digit(), &mut i)
        && skip(is_space, &mut i)
        && skip(|b| b.is_ascii_digit(), &mut i);
    found.then_some(i)
}

#[derive(Debug, PartialEq, Eq)]
pub struct SyntaxError;

/// How deep arrays and dictionaries may nest: far beyond a real contract's, and no
/// stack exhausted by a hostile file.
const MAX_DEPTH: usize = 32;

/// Reads `bytes`, a revision: optional header and comments, objects, one
/// cross-reference table, its trailer, `startxref` and `%%EOF`.
pub fn revisione(bytes: &[u8]) -> Result<Revisione, SyntaxError> {
    let mut p = Parser {
        bytes,
        at: 0,
        indirect_length: false,
    };
    let mut out = Revisione::default();
    let mut trailer = None;
    loop {
        p.skip_space();
        let at = p.at;
        if at >= bytes.len() {
            break;
        }
        if p.keyword(b"xref") {
            out.tabelle.push(at);
            out.voci.extend(p.xref()?);
        } else if p.keyword(b"trailer") {
            out.trailers.push(at);
            match p.value(0)? {
                Value::Dict(d) => trailer = Some(d),
                _ => return Err(SyntaxError),
            }
        } else if p.keyword(b"startxref") {
            p.skip_space();
            let offset = p.integer().ok_or(SyntaxError)?;
            out.startxref
                .push((at, u64::try_from(offset).map_err(|_| SyntaxError)?));
        } else {
            let id = number::<u32>(p.integer())?;
            p.skip_space();
            let generation = number::<u16>(p.integer())?;
            p.skip_space();
            if !p.keyword(b"obj") {
                return Err(SyntaxError);
            }
            let value = p.object_body()?;
            if out.oggetti.insert(id, value).is_some() {
                return Err(SyntaxError);
            }
            out.definizioni.insert(id, (at, generation));
        }
    }
    out.trailer = trailer.ok_or(SyntaxError)?;
    out.lunghezza_indiretta = p.indirect_length;
    Ok(out)
}

/// An integer read as the type a PDF structure gives it.
fn number<T: TryFrom<i64>>(read: Option<i64>) -> Result<T, SyntaxError> {
    read.and_then(|n| T::try_from(n).ok()).ok_or(SyntaxError)
}

struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
    indirect_length: bool,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_space(b) && !is_delimiter(b)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Whitespace and comments (`%%EOF` is one).
    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    /// `word` as a whole token here, consumed.
    fn keyword(&mut self, word: &[u8]) -> bool {
        let end = self.at + word.len();
        let whole = self.bytes.get(self.at..end) == Some(word)
            && self.bytes.get(end).is_none_or(|b| !is_regular(*b));
        if whole {
            self.at = end;
        }
        whole
    }

    fn integer(&mut self) -> Option<i64> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        if self.at == start || self.at - start > 12 || self.peek().is_some_and(is_regular) {
            self.at = start;
            return None;
        }
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()?
            .parse()
            .ok()
    }

    /// The entries of a cross-reference table.
    fn xref(&mut self) -> Result<Vec<Voce>, SyntaxError> {
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            let mark = self.at;
            let (Some(first), true, Some(count)) =
                (self.integer(), self.space_then(), self.integer())
            else {
                self.at = mark;
                return Ok(entries);
            };
            if count > 1_000_000 {
                return Err(SyntaxError);
            }
            for n in 0..count {
                self.skip_space();
                let offset = number::<u64>(self.integer())?;
                self.skip_space();
                let generazione = number::<u16>(self.integer())?;
                self.skip_space();
                let in_uso = if self.keyword(b"n") {
                    true
                } else if self.keyword(b"f") {
                    false
                } else {
                    return Err(SyntaxError);
                };
                entries.push(Voce {
                    oggetto: number::<u32>(Some(first + n))?,
                    offset,
                    generazione,
                    in_uso,
                });
            }
        }
    }

    fn space_then(&mut self) -> bool {
        let before = self.at;
        self.skip_space();
        self.at > before
    }

    /// After `N G obj`: a value, a stream if one follows, then `endobj`.
    fn object_body(&mut self) -> Result<Value, SyntaxError> {
        let value = self.value(0)?;
        self.skip_space();
        let value = if self.keyword(b"stream") {
            let Value::Dict(dict) = value else {
                return Err(SyntaxError);
            };
            // The keyword's end of line, then the data.
            if self.bytes.get(self.at..self.at + 2) == Some(b"\r\n") {
                self.at += 2;
            } else if self.peek() == Some(b'\n') {
                self.at += 1;
            } else {
                return Err(SyntaxError);
            }
            let data = match dict.get(b"Length".as_slice()) {
                Some(Value::Number(n)) if *n >= 0.0 && n.fract() == 0.0 => {
                    let end = self
                        .at
                        .checked_add(*n as usize)
                        .filter(|end| *end <= self.bytes.len())
                        .ok_or(SyntaxError)?;
                    let data = self.bytes[self.at..end].to_vec();
                    self.at = end;
                    self.skip_space();
                    if !self.keyword(b"endstream") {
                        return Err(SyntaxError);
                    }
                    data
                }
                // An indirect length: the data ends at the first `endstream`.
                Some(Value::Ref(..)) => {
                    self.indirect_length = true;
                    let rest = &self.bytes[self.at..];
                    let end = rest
                        .windows(9)
                        .position(|w| w == b"endstream")
                        .ok_or(SyntaxError)?;
                    let data = rest[..end].to_vec();
                    self.at += end + 9;
                    data
                }
                _ => return Err(SyntaxError),
            };
            Value::Stream(dict, data)
        } else {
            value
        };
        self.skip_space();
        if !self.keyword(b"endobj") {
            return Err(SyntaxError);
        }
        Ok(value)
    }

    fn value(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError);
        }
        self.skip_space();
        match self.peek().ok_or(SyntaxError)? {
            b'/' => {
                self.at += 1;
                Ok(Value::Name(self.name()?))
            }
            b'(' => {
                self.at += 1;
                Ok(Value::String(self.literal()?))
            }
            b'<' if self.bytes.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                let mut dict = Dict::new();
                loop {
                    self.skip_space();
                    if self.bytes.get(self.at..self.at + 2) == Some(b">>") {
                        self.at += 2;
                        return Ok(Value::Dict(dict));
                    }
                    if self.peek() != Some(b'/') {
                        return Err(SyntaxError);
                    }
                    self.at += 1;
                    let key = self.name()?;
                    let value = self.value(depth + 1)?;
                    // Readers differ on which of two values they keep.
                    if dict.insert(key, value).is_some() {
                        return Err(SyntaxError);
                    }
                }
            }
            b'<' => {
                self.at += 1;
                Ok(Value::String(self.hex()?))
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            _ => self.number_or_word(),
        }
    }

    /// A name's bytes, its `#xx` escapes decoded.
    fn name(&mut self) -> Result<Vec<u8>, SyntaxError> {
        let mut out = Vec::new();
        while let Some(b) = self.peek().filter(|b| is_regular(*b)) {
            self.at += 1;
            if b == b'#' {
                let digits = self.bytes.get(self.at..self.at + 2).ok_or(SyntaxError)?;
                out.push(hex_byte(digits).ok_or(SyntaxError)?);
                self.at += 2;
            } else {
                out.push(b);
            }
        }
        Ok(out)
    }

    /// A literal string after its `(`: balanced parentheses, escapes decoded.
    fn literal(&mut self) -> Result<Vec<u8>, SyntaxError> {
        let mut out = Vec::new();
        let mut open = 1usize;
        loop {
            let b = self.peek().ok_or(SyntaxError)?;
            self.at += 1;
            match b {
                b'(' => {
                    open += 1;
                    out.push(b);
                }
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek().ok_or(SyntaxError)?;
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut code = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        self.at += 1;
                                        code = code * 8 + u32::from(d - b'0');
                                    }
                                    _ => break,
                                }
                            }
                            out.push((code & 0xff) as u8);
                        }
                        // A line continuation.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                // An end of line in a string reads as a line feed.
                b'\r' => {
                    if self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    out.push(b'\n');
                }
                other => out.push(other),
            }
        }
    }

    /// A hex string after its `<`.
    fn hex(&mut self) -> Result<Vec<u8>, SyntaxError> {
        let mut digits = Vec::new();
        loop {
            let b = self.peek().ok_or(SyntaxError)?;
            self.at += 1;
            match b {
                b'>' => break,
                b if is_space(b) => {}
                b if b.is_ascii_hexdigit() => digits.push(b),
                _ => return Err(SyntaxError),
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(b'0');
        }
        digits
            .chunks(2)
            .map(|pair| hex_byte(pair).ok_or(SyntaxError))
            .collect()
    }

    /// A number, a reference (`N G R`), `true`, `false` or `null`.
    fn number_or_word(&mut self) -> Result<Value, SyntaxError> {
        for (word, value) in [
            (b"true".as_slice(), Value::Bool(true)),
            (b"false", Value::Bool(false)),
            (b"null", Value::Null),
        ] {
            if self.keyword(word) {
                return Ok(value);
            }
        }
        let mark = self.at;
        if let Some(id) = self.integer() {
            let after_id = self.at;
            if self.space_then()
                && let Some(generation) = self.integer()
                && self.space_then()
                && self.keyword(b"R")
            {
                return Ok(Value::Ref(
                    u32::try_from(id).map_err(|_| SyntaxError)?,
                    u16::try_from(generation).map_err(|_| SyntaxError)?,
                ));
            }
            self.at = after_id;
            return Ok(Value::Number(id as f64));
        }
        self.at = mark;
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
        {
            self.at += 1;
        }
        if self.peek().is_some_and(is_regular) {
            return Err(SyntaxError);
        }
        real(&self.bytes[start..self.at])
            .map(Value::Number)
            .ok_or(SyntaxError)
    }
}

/// A real (`-1.5`, `.25`, `3.`) in millionths, read by hand: float parsing would be most
/// of the browser module's share of this file. Digits beyond the sixth decimal are
/// dropped (no drawing differs by less); more than ten before the point are an error.
fn real(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, text),
    };
    let (whole, fraction) = match digits.iter().position(|b| *b == b'.') {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &[][..]),
    };
    // Ten digits before the point are far beyond any page (and within an i64's reach).
    if whole.is_empty() && fraction.is_empty()
        || whole.len() > 10
        || !whole.iter().chain(fraction).all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut millionths: i64 = 0;
    for d in whole {
        millionths = millionths
            .checked_mul(10)?
            .checked_add(i64::from(d - b'0'))?;
    }
    for i in 0..6 {
        let d = fraction.get(i).map_or(0, |d| i64::from(d - b'0'));
        millionths = millionths.checked_mul(10)?.checked_add(d)?;
    }
    let value = millionths as f64 / 1e6;
    Some(if negative { -value } else { value })
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_strings_and_the_trailer_are_read() {
        let text = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<</Type/Page/MediaBox[0 0 595.276 841.89]/Parent 2 0 R/T(a\\056b \\(c\\) \\\nd)/H<4142 4>>>\nendobj\n3 0 obj\n<</Length 5>>stream\r\nab\ncd\nendstream\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000010 00000 f \ntrailer\n<</Root 1 0 R/Size 4>>\nstartxref\n42\n%%EOF\n";
        let r = revisione(text).expect("a revision");
        let page = &r.oggetti[&1];
        assert!(page.is(b"Type", b"Page"));
        assert_eq!(page.get(b"Parent"), Some(&Value::Ref(2, 0)));
        assert_eq!(page.get(b"T"), Some(&Value::String(b"a.b (c) d".to_vec())));
        assert_eq!(page.get(b"H"), Some(&Value::String(b"AB@".to_vec())));
        assert_eq!(
            page.get(b"MediaBox"),
            Some(&Value::Array(vec![
                Value::Number(0.0),
                Value::Number(0.0),
                Value::Number(595.276),
                Value::Number(841.89)
            ]))
        );
        assert_eq!(
            r.oggetti[&3],
            Value::Stream(
                Dict::from([(b"Length".to_vec(), Value::Number(5.0))]),
                b"ab\ncd".to_vec()
            )
        );
        assert_eq!(r.liberati().collect::<Vec<_>>(), vec![1]);
        assert_eq!(r.definizioni[&3].1, 0);
        assert_eq!(r.startxref, vec![(r.startxref[0].0, 42)]);
        assert!(!r.nasconde_strutture(text));
        assert_eq!(r.trailer.get(b"Root".as_slice()), Some(&Value::Ref(1, 0)));
    }

    #[test]
    fn structures_hidden_where_the_reading_did_not_look_are_found() {
        for hidden in [
            b"1 0 obj (2 0 obj) endobj trailer<<>>" as &[u8],
            b"% 2 0 obj\n1 0 obj 1 endobj trailer<<>>",
            b"1 0 obj <</Length 12>>stream\nxref trailer\nendstream endobj trailer<<>>",
            b"1 0 obj (startxref 9) endobj trailer<<>>",
        ] {
            let r = revisione(hidden).expect("read");
            assert!(
                r.nasconde_strutture(hidden),
                "{}",
                String::from_utf8_lossy(hidden)
            );
        }
        let plain = b"1 0 obj <</T(xrefs objects)>> endobj\n2 0 obj [/endobj] endobj trailer<<>>";
        assert!(!revisione(plain).unwrap().nasconde_strutture(plain));
    }

    #[test]
    fn reals_are_read_as_pdf_writes_them() {
        assert_eq!(real(b"-.5"), Some(-0.5));
        assert_eq!(real(b"3."), Some(3.0));
        assert_eq!(real(b"+1.25"), Some(1.25));
        assert_eq!(real(b"595.276"), real(b"595.2760"));
        for bad in [b"1.2.3" as &[u8], b".", b"", b"-", b"1e5", b"--1"] {
            assert_eq!(real(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn the_same_object_rewritten_is_equal() {
        let a = revisione(b"1 0 obj <</A 1/B(x.y)/C[/N 2 0 R]>> endobj trailer<<>>").unwrap();
        let b = revisione(
            b"1 0 obj\n<< /C [ /N 2 0 R ] /B (x\\056y) /A 1.0 >>\nendobj\ntrailer\n<< >>",
        )
        .unwrap();
        assert_eq!(a.oggetti, b.oggetti);
    }

    #[test]
    fn anything_else_is_an_error() {
        for bad in [
            b"1 0 obj <</A 1" as &[u8],
            b"1 0 obj (unclosed endobj trailer<<>>",
            b"1 0 obj <</Length 99>>stream\nab\nendstream endobj trailer<<>>",
            b"1 0 obj <</A 1>> trailer<<>>",
            b"1 0 obj <</A 1>> endobj",
            b"garbage",
            b"1 0 obj <</A #>> endobj trailer<<>>",
        ] {
            assert_eq!(
                revisione(bad).err(),
                Some(SyntaxError),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!(
            "1 0 obj {}{} endobj trailer<<>>",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(revisione(deep.as_bytes()).is_err());
    }
}
