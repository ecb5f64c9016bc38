//! Kaggle's TSV files, read with polars and checked line by line.
//!
//! The format (it trips up most CSV readers):
//!
//! ```text
//! id<TAB>sentiment<TAB>review
//! "5814_8"<TAB>1<TAB>"With all this stuff going down ... \"Thriller\" ...<br /><br />..."
//! ```
//!
//! One header line; `id` and `review` wrapped in double quotes; a `"` inside a review is written
//! `\"` and a backslash `\\`; HTML `<br />` tags are kept. Readers that only know CSV's doubled
//! quotes (`""`) misread `\"`, so polars reads with quote handling *off* and this module strips
//! the quotes and undoes the escapes itself. Files may be plain or gzipped (`.tsv.gz`).

use anyhow::{anyhow, bail, Context, Result};
use polars::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

/// The three files of the competition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KaggleFile {
    /// `labeledTrainData.tsv`: 25,000 reviews with their sentiment.
    LabeledTrain,
    /// `testData.tsv`: 25,000 reviews whose sentiment Kaggle keeps.
    Test,
    /// `unlabeledTrainData.tsv`: 50,000 extra reviews without sentiment.
    UnlabeledTrain,
}

impl KaggleFile {
    /// The file name without extension, as Kaggle spells it.
    pub fn stem(self) -> &'static str {
        match self {
            KaggleFile::LabeledTrain => "labeledTrainData",
            KaggleFile::Test => "testData",
            KaggleFile::UnlabeledTrain => "unlabeledTrainData",
        }
    }

    /// The header columns, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            KaggleFile::LabeledTrain => &["id", "sentiment", "review"],
            KaggleFile::Test | KaggleFile::UnlabeledTrain => &["id", "review"],
        }
    }

    fn has_sentiment(self) -> bool {
        self == KaggleFile::LabeledTrain
    }
}

/// One review. `sentiment` is `Some(0)` (negative) or `Some(1)` (positive) in the labelled file
/// and `None` elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The id without its quotes, e.g. `5814_8` (`<number>_<rating>`).
    pub id: String,
    pub sentiment: Option<u8>,
    /// The text with escapes undone: `\"` became `"`; `<br />` tags are still there.
    pub review: String,
}

/// The UTF-8 byte-order mark, U+FEFF.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads and checks one Kaggle file (plain or gzipped). Every error names the file and line.
pub fn read_reviews(path: &Path, kind: KaggleFile) -> Result<Vec<Review>> {
    let bytes = read_maybe_gzipped(path)?;
    parse_reviews(bytes, kind).with_context(|| format!("in {}", path.display()))
}

/// Parses the bytes of a Kaggle file; the error names the line but not the file.
pub fn parse_reviews(mut bytes: Vec<u8>, kind: KaggleFile) -> Result<Vec<Review>> {
    // Windows editors and spreadsheet programs start a UTF-8 file with a byte-order mark; the
    // content is the same, so it is dropped (pandas does the same).
    if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
    }
    check_utf8(&bytes)?;
    check_header(&bytes, kind)?;
    let data_lines = count_data_lines(&bytes);

    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0)) // every column stays a string; we check them ourselves
        .with_raise_if_empty(false)
        .map_parse_options(|options| {
            options
                .with_separator(b'\t')
                .with_quote_char(None)
                .with_missing_is_null(true)
        })
        .into_reader_with_file_handle(std::io::Cursor::new(bytes.as_slice()))
        .finish()
        .map_err(|e| match line_with_too_many_columns(&bytes, kind) {
            Some(message) => anyhow!(message),
            None => anyhow!("polars could not parse the file: {e}"),
        })?;

    if frame.height() != data_lines {
        bail!(
            "the file has {data_lines} review lines but {} records were read; \
             check for blank lines or stray line breaks",
            frame.height()
        );
    }

    let column = |name: &str| -> Result<StringChunked> { Ok(frame.column(name)?.str()?.clone()) };
    let ids = column("id")?;
    let texts = column("review")?;
    let sentiments = if kind.has_sentiment() {
        Some(column("sentiment")?)
    } else {
        None
    };

    let mut reviews = Vec::with_capacity(frame.height());
    let mut first_line_of_id: HashMap<String, usize> = HashMap::with_capacity(frame.height());
    for row in 0..frame.height() {
        let line = row + 2; // line 1 is the header
        let missing = |what: &str| anyhow!("line {line}: no {what} (a blank or truncated row?)");

        let id = unquote_id(ids.get(row).ok_or_else(|| missing("id"))?, line)?;
        let sentiment = match &sentiments {
            Some(column) => Some(parse_sentiment(
                column.get(row).ok_or_else(|| missing("sentiment"))?,
                line,
            )?),
            None => None,
        };
        let review = unescape_review(texts.get(row).ok_or_else(|| missing("review"))?, line)?;

        if let Some(first) = first_line_of_id.insert(id.clone(), line) {
            bail!("line {line}: id {id} already appears on line {first}; ids must be unique");
        }
        reviews.push(Review {
            id,
            sentiment,
            review,
        });
    }
    Ok(reviews)
}

/// Writes reviews in Kaggle's format (gzipped when the name ends in `.gz`), atomically.
pub fn write_reviews(path: &Path, kind: KaggleFile, reviews: &[Review]) -> Result<()> {
    let gzip = path.extension().is_some_and(|e| e == "gz");
    crate::fs::write_atomically(path, |file| {
        if gzip {
            let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            write_tsv(&mut encoder, kind, reviews)?;
            encoder.finish()?;
        } else {
            write_tsv(file, kind, reviews)?;
        }
        Ok(())
    })
}

fn write_tsv(out: &mut impl Write, kind: KaggleFile, reviews: &[Review]) -> Result<()> {
    writeln!(out, "{}", kind.columns().join("\t"))?;
    for r in reviews {
        write!(out, "\"{}\"\t", r.id)?;
        if kind.has_sentiment() {
            let sentiment = r
                .sentiment
                .with_context(|| format!("review {} has no sentiment", r.id))?;
            write!(out, "{sentiment}\t")?;
        }
        writeln!(out, "\"{}\"", escape_review(&r.review))?;
    }
    Ok(())
}

/// Kaggle's escaping: `\` becomes `\\`, `"` becomes `\"`; tabs and line breaks become spaces
/// so that every review stays on one line with its columns.
pub fn escape_review(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\t' | '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Reads a file, gunzipping it when it starts with the gzip magic bytes.
pub fn read_maybe_gzipped(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| {
        format!(
            "cannot read {}; run `make data` to fetch the IMDb files, or pass --data DIR",
            path.display()
        )
    })?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut bytes = Vec::with_capacity(raw.len() * 3);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut bytes)
            .with_context(|| {
                format!(
                    "{} is not a valid gzip file (truncated download?)",
                    path.display()
                )
            })?;
        Ok(bytes)
    } else {
        Ok(raw)
    }
}

fn check_utf8(bytes: &[u8]) -> Result<()> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        bail!("line {line}: not valid UTF-8 (byte {at} of the file); save the file as UTF-8");
    }
    Ok(())
}

fn check_header(bytes: &[u8], kind: KaggleFile) -> Result<()> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let header = std::str::from_utf8(&bytes[..end])?.trim_end_matches('\r');
    let found: Vec<&str> = header.split('\t').map(|c| c.trim_matches('"')).collect();
    if found != kind.columns() {
        bail!(
            "line 1: expected the header {:?} of {}.tsv, found {:?} ({} columns)",
            kind.columns().join("\t"),
            kind.stem(),
            header,
            found.len()
        );
    }
    Ok(())
}

/// Names the first line with more tab-separated columns than the header (polars' own error
/// does not say which line).
fn line_with_too_many_columns(bytes: &[u8], kind: KaggleFile) -> Option<String> {
    let expected = kind.columns().len();
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .skip(1)
        .find_map(|(i, line)| {
            let columns = 1 + line.iter().filter(|&&b| b == b'\t').count();
            (columns > expected)
                .then(|| format!("line {}: {columns} columns, expected {expected}", i + 1))
        })
}

/// Lines after the header, counting a last line without its final newline.
fn count_data_lines(bytes: &[u8]) -> usize {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let unterminated_last = !bytes.is_empty() && !bytes.ends_with(b"\n");
    (newlines + usize::from(unterminated_last)).saturating_sub(1)
}

fn unquote_id(cell: &str, line: usize) -> Result<String> {
    let id = cell
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(cell);
    if id.is_empty() || id.contains('"') {
        bail!("line {line}: bad id {cell:?}; expected a quoted id such as \"5814_8\"");
    }
    Ok(id.to_string())
}

fn parse_sentiment(cell: &str, line: usize) -> Result<u8> {
    match cell.trim_matches('"') {
        "0" => Ok(0),
        "1" => Ok(1),
        other => bail!("line {line}: sentiment must be 0 or 1, found {other:?}"),
    }
}

/// Strips the surrounding quotes of a review and undoes `\"` and `\\`.
fn unescape_review(cell: &str, line: usize) -> Result<String> {
    let inner = cell
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|_| cell.len() >= 2)
        .ok_or_else(|| {
            anyhow!("line {line}: the review must be wrapped in double quotes (truncated row?)")
        })?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(other) => bail!("line {line}: bad escape \\{other} in the review; only \\\" and \\\\ are allowed"),
                None => bail!("line {line}: the review ends with a lone backslash (truncated row?)"),
            },
            '"' => bail!("line {line}: a double quote inside the review is not escaped as \\\""),
            c => out.push(c),
        }
    }
    if out.trim().is_empty() {
        bail!("line {line}: the review is empty");
    }
    Ok(out)
}
