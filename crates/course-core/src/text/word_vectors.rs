//! Pre-trained word vectors (word2vec's, GloVe's) and how they start an embedding table.
//! Unit 5 trains and reads them; units 6-8 can start their tables from them.

use super::WordIndex;
use anyhow::{ensure, Context, Result};
use std::io::Write;
use std::path::Path;
use tch::{nn, Kind, Tensor};

/// Words and their vectors, one row per word.
pub struct WordVectors {
    pub words: Vec<String>,
    /// `[words, dim]`.
    pub vectors: Tensor,
}

impl WordVectors {
    /// The `k` words whose vectors are closest in angle (cosine similarity) to `word`'s.
    pub fn neighbours(&self, word: &str, k: usize) -> Result<Vec<(String, f64)>> {
        let row = self
            .words
            .iter()
            .position(|w| w == word)
            .with_context(|| format!("'{word}' is not in the vocabulary"))?;
        let unit = &self.vectors
            / self
                .vectors
                .norm_scalaropt_dim(2, [1], true)
                .clamp_min(1e-8);
        let similarity = unit.matmul(&unit.get(row as i64));
        let (values, indices) = similarity.topk(k as i64 + 1, 0, true, true);
        let values = Vec::<f64>::try_from(values.to_kind(Kind::Double))?;
        let indices = Vec::<i64>::try_from(indices)?;
        Ok(indices
            .into_iter()
            .zip(values)
            .filter(|&(i, _)| i != row as i64)
            .take(k)
            .map(|(i, v)| (self.words[i as usize].clone(), v))
            .collect())
    }

    /// Writes the vectors in word2vec's text format (a `count dim` line, then `word v1 v2 ...`),
    /// which gensim and most tools read.
    pub fn save_text(&self, path: &Path) -> Result<()> {
        let dim = self.vectors.size()[1];
        let values = Vec::<f32>::try_from(self.vectors.flatten(0, -1))?;
        crate::fs::write_atomically(path, |file| {
            let mut out = std::io::BufWriter::new(file);
            writeln!(out, "{} {dim}", self.words.len())?;
            for (word, row) in self.words.iter().zip(values.chunks(dim as usize)) {
                let numbers: Vec<String> = row.iter().map(|v| format!("{v:.6}")).collect();
                writeln!(out, "{word} {}", numbers.join(" "))?;
            }
            out.flush()?;
            Ok(())
        })
    }

    /// Reads vectors saved by [`WordVectors::save_text`].
    pub fn load_text(path: &Path) -> Result<WordVectors> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = text.lines();
        let header = lines.next().context("empty vectors file")?;
        let (count, dim) = header
            .split_once(' ')
            .and_then(|(c, d)| Some((c.parse::<usize>().ok()?, d.parse::<usize>().ok()?)))
            .with_context(|| format!("{}: the first line should be `count dim`", path.display()))?;
        let (mut words, mut values) = (Vec::with_capacity(count), Vec::with_capacity(count * dim));
        for (number, line) in lines.enumerate() {
            let mut parts = line.split(' ');
            words.push(parts.next().unwrap_or_default().to_string());
            let row: Vec<f32> = parts
                .map(str::parse)
                .collect::<Result<_, _>>()
                .with_context(|| format!("{} line {}: not a number", path.display(), number + 2))?;
            ensure!(
                row.len() == dim,
                "{} line {}: {} numbers, expected {dim}",
                path.display(),
                number + 2,
                row.len()
            );
            values.extend(row);
        }
        ensure!(
            words.len() == count,
            "{}: {} rows, the header says {count}",
            path.display(),
            words.len()
        );
        Ok(WordVectors {
            words,
            vectors: Tensor::from_slice(&values).view([count as i64, dim as i64]),
        })
    }
}

/// Copies the pre-trained vector (GloVe's or word2vec's) of every word of `index` into its row
/// of `embedding`; words the vectors do not know keep their random start. Returns how many of
/// the index's words were found.
pub fn initialise_embedding(
    embedding: &mut nn::Embedding,
    index: &WordIndex,
    pretrained: &WordVectors,
) -> Result<usize> {
    let (dim, pretrained_dim) = (embedding.ws.size()[1], pretrained.vectors.size()[1]);
    ensure!(
        dim == pretrained_dim,
        "the embedding has {dim} dimensions, the pre-trained vectors {pretrained_dim}: use --dim {pretrained_dim}"
    );
    let row_of: rustc_hash::FxHashMap<&str, i64> = pretrained
        .words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as i64))
        .collect();
    let (mut ids, mut rows) = (Vec::new(), Vec::new());
    for id in 1..index.vocab_size() as u32 {
        if let Some(&row) = index.word(id).and_then(|w| row_of.get(w)) {
            ids.push(id as i64);
            rows.push(row);
        }
    }
    let _no_grad = tch::no_grad_guard();
    let device = embedding.ws.device();
    let picked = pretrained
        .vectors
        .index_select(0, &Tensor::from_slice(&rows))
        .to_device(device);
    let _ = embedding
        .ws
        .index_copy_(0, &Tensor::from_slice(&ids).to_device(device), &picked);
    Ok(ids.len())
}

/// Starts `embedding` from `pretrained` when there are vectors ([`initialise_embedding`]) and
/// says how many words they covered; otherwise leaves its random start. Returns what the run's
/// `config.json` records about the start.
pub fn start_embedding(
    embedding: &mut nn::Embedding,
    index: &WordIndex,
    pretrained: Option<&WordVectors>,
) -> Result<serde_json::Value> {
    let Some(pretrained) = pretrained else {
        return Ok(serde_json::json!("random"));
    };
    let found = initialise_embedding(embedding, index, pretrained)?;
    let words = index.vocab_size() - 1;
    println!(
        "Pre-trained vectors cover {found} of the {words} words ({:.1}%)",
        100.0 * found as f64 / words as f64
    );
    Ok(serde_json::json!({ "pretrained_words_found": found, "words": words }))
}
