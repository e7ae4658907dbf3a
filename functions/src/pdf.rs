//! Documents the product issues as PDF/A-2b (krilla), with Titillium Web embedded (the font
//! files are in `functions/assets/fonts`, SIL OFL): a title, paragraphs, label–value rows
//! with a rule, headings kept with what follows, an id on every page's footer. The same
//! input gives the same bytes (krilla reads no clock; the date and the id are given), so an
//! issued document can be made again and matched by its SHA-256. The contract and the
//! receipt are written with it.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use chrono_tz::Europe::Rome;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use thiserror::Error;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/TitilliumWeb-Regular.ttf");
static SEMIBOLD: &[u8] = include_bytes!("../assets/fonts/TitilliumWeb-SemiBold.ttf");

/// A4 in points, and its margins.
const WIDTH: f32 = 595.276;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 62.0;
const FOOTER: f32 = 36.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.42;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PdfError {
    /// The font has no glyph for a character of the data.
    #[error("il carattere «{0}» non è rappresentabile nel documento")]
    Carattere(char),
    #[error("the PDF could not be written: {0}")]
    Render(String),
}

/// A document to issue.
pub struct Documento<'a> {
    pub titolo: String,
    /// Printed on each page's footer and recorded as the PDF's document id.
    pub id: &'a str,
    pub emesso_il: DateTime<Utc>,
    pub blocks: Vec<Block>,
}

const AUTHOR: &str = "Fondazione del Consiglio Nazionale degli Ingegneri";

/// The document as PDF/A-2b.
pub fn render(documento: &Documento<'_>) -> Result<Vec<u8>, PdfError> {
    let fonts = Fonts::load()?;
    for block in &documento.blocks {
        fonts.check(&block.text)?;
    }
    let pages = layout(&fonts, &documento.blocks);
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_B)
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))?;
    let mut document = Document::new_with(SerializeSettings {
        configuration,
        ..Default::default()
    });
    document.set_metadata(
        Metadata::new()
            .title(documento.titolo.clone())
            .language("it-IT".to_owned())
            .authors(vec![AUTHOR.to_owned()])
            .creation_date(pdf_date(documento.emesso_il))
            .document_id(documento.id.to_owned()),
    );
    let total = pages.len();
    let page_settings =
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| PdfError::Render("A4".into()))?;
    for (number, lines) in pages.iter().enumerate() {
        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        for line in lines {
            draw(&mut surface, &fonts, line);
        }
        let footer = format!(
            "Documento {} · pagina {} di {}",
            documento.id,
            number + 1,
            total
        );
        surface.draw_text(
            Point::from_xy(MARGIN, HEIGHT - FOOTER),
            fonts.regular.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))
}

struct Fonts {
    regular: Font,
    semibold: Font,
    regular_face: rustybuzz::Face<'static>,
    semibold_face: rustybuzz::Face<'static>,
}

impl Fonts {
    fn load() -> Result<Fonts, PdfError> {
        let missing = || PdfError::Render("the embedded font cannot be read".into());
        Ok(Fonts {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(missing)?,
            semibold: Font::new(SEMIBOLD.into(), 0).ok_or_else(missing)?,
            regular_face: rustybuzz::Face::from_slice(REGULAR, 0).ok_or_else(missing)?,
            semibold_face: rustybuzz::Face::from_slice(SEMIBOLD, 0).ok_or_else(missing)?,
        })
    }

    /// Every character of `text` has a glyph (PDF/A forbids drawing a missing one).
    fn check(&self, text: &str) -> Result<(), PdfError> {
        match text
            .chars()
            .find(|c| !c.is_whitespace() && self.regular_face.glyph_index(*c).is_none())
        {
            Some(c) => Err(PdfError::Carattere(c)),
            None => Ok(()),
        }
    }

    fn face(&self, style: Style) -> &rustybuzz::Face<'static> {
        match style {
            Style::Regular => &self.regular_face,
            _ => &self.semibold_face,
        }
    }

    fn font(&self, style: Style) -> Font {
        match style {
            Style::Regular => self.regular.clone(),
            _ => self.semibold.clone(),
        }
    }

    /// The width of `text` at `size`, as krilla's shaper will draw it.
    fn width(&self, style: Style, text: &str, size: f32) -> f32 {
        let face = self.face(style);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let shaped = rustybuzz::shape(face, &[], buffer);
        let advance: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        advance as f32 * size / f32::from(face.units_per_em() as u16)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Title,
    Heading,
    Label,
    Regular,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 15.0,
            Style::Heading => 11.5,
            Style::Label | Style::Regular => BODY,
        }
    }
}

/// A paragraph before layout.
pub struct Block {
    pub style: Style,
    /// The text; a label and its value are separated by a tab.
    pub text: String,
    /// Indent of the text from the margin, in points.
    pub indent: f32,
    /// Space before it, in lines.
    pub space_before: f32,
    /// A rule under it.
    pub rule: bool,
}

pub fn block(style: Style, text: impl Into<String>) -> Block {
    Block {
        style,
        text: text.into(),
        indent: 0.0,
        space_before: match style {
            Style::Title => 0.0,
            Style::Heading => 1.0,
            _ => 0.35,
        },
        rule: false,
    }
}

/// A label and its value on one row, with a rule under it.
pub fn row(label: &str, value: &str) -> Block {
    Block {
        rule: true,
        ..block(Style::Label, format!("{label}\t{value}"))
    }
}

/// A laid-out line: where and what to draw.
struct Line {
    style: Style,
    x: f32,
    y: f32,
    text: String,
    /// A second column (a data row's value), at this x.
    value: Option<(f32, String)>,
    rule: bool,
}

/// Greedy line breaking by measured width, then pages.
fn layout(fonts: &Fonts, blocks: &[Block]) -> Vec<Vec<Line>> {
    let bottom = HEIGHT - FOOTER - 2.0 * BODY;
    let mut pages: Vec<Vec<Line>> = vec![Vec::new()];
    let mut y = MARGIN;
    for block in blocks {
        let size = block.style.size();
        let height = size * LEADING;
        y += block.space_before * BODY * LEADING;
        let lines: Vec<(String, Option<String>)> = match block.text.split_once('\t') {
            Some((label, value)) => {
                let width = WIDTH - 2.0 * MARGIN - 130.0;
                let mut wrapped = wrap(fonts, Style::Regular, value, size, width).into_iter();
                let first = wrapped.next().unwrap_or_default();
                std::iter::once((label.to_owned(), Some(first)))
                    .chain(wrapped.map(|rest| (String::new(), Some(rest))))
                    .collect()
            }
            None => wrap(
                fonts,
                block.style,
                &block.text,
                size,
                WIDTH - 2.0 * MARGIN - block.indent,
            )
            .into_iter()
            .map(|l| (l, None))
            .collect(),
        };
        // A heading is not left alone at the foot of a page.
        let keep = if matches!(block.style, Style::Heading | Style::Label) {
            3.0 * height
        } else {
            height
        };
        if y + keep > bottom {
            pages.push(Vec::new());
            y = MARGIN;
        }
        let count = lines.len();
        for (i, (text, value)) in lines.into_iter().enumerate() {
            if y + height > bottom {
                pages.push(Vec::new());
                y = MARGIN;
            }
            y += height;
            let page = pages.last_mut().expect("a page");
            page.push(Line {
                style: block.style,
                x: MARGIN + block.indent,
                y,
                text,
                value: value.map(|v| (MARGIN + 130.0, v)),
                rule: block.rule && i + 1 == count,
            });
        }
    }
    pages
}

fn wrap(fonts: &Fonts, style: Style, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || fonts.width(style, &candidate, size) <= width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, line: &Line) {
    let size = line.style.size();
    surface.draw_text(
        Point::from_xy(line.x, line.y),
        fonts.font(line.style),
        size,
        &line.text,
        false,
        TextDirection::Auto,
    );
    if let Some((x, value)) = &line.value {
        surface.draw_text(
            Point::from_xy(*x, line.y),
            fonts.regular.clone(),
            size,
            value,
            false,
            TextDirection::Auto,
        );
    }
    if line.rule {
        let mut path = PathBuilder::new();
        path.move_to(MARGIN, line.y + 4.0);
        path.line_to(WIDTH - MARGIN, line.y + 4.0);
        if let Some(path) = path.finish() {
            surface.set_stroke(Some(Stroke {
                width: 0.4,
                ..Default::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
        }
    }
}

/// The issue time as PDF metadata, in Italian time.
fn pdf_date(at: DateTime<Utc>) -> PdfDateTime {
    let local = at.with_timezone(&Rome);
    let offset = local.offset().fix().local_minus_utc() / 3600;
    PdfDateTime::new(local.year() as u16)
        .month(local.month() as u8)
        .day(local.day() as u8)
        .hour(local.hour() as u8)
        .minute(local.minute() as u8)
        .second(local.second() as u8)
        .utc_offset_hour(offset as i8)
        .utc_offset_minute(0)
}
