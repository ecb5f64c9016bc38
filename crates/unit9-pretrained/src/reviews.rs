//! The reviews as a pre-trained model reads them: framed token ids per review, batched with an
//! attention mask; and, for head-only training, the frozen encoder's review vectors, computed once.

use crate::configs::Settings;
use crate::folder::{ModelFolder, ReviewTokenizer};
use crate::model::{PretrainedClassifier, TokenBatch};
use crate::{Answers, Keep};
use anyhow::Result;
use course_core::data::DataDir;
use course_core::prepared::SplitReviews;
use course_core::training::{Dataset, TensorDataset};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;
use tch::{Device, Kind, Tensor};

/// Framed token ids of reviews, with their labels when known.
pub struct TokenizedReviews {
    pub sequences: Vec<Vec<u32>>,
    pub labels: Option<Vec<i64>>,
    pub pad: u32,
    /// The learner's batching ([`Answers::pad_batch`]).
    pad_batch: fn(&[&[u32]], u32) -> (Tensor, Tensor),
}

impl TokenizedReviews {
    pub fn new<A: Answers>(
        sequences: Vec<Vec<u32>>,
        labels: Option<Vec<i64>>,
        pad: u32,
    ) -> TokenizedReviews {
        TokenizedReviews {
            sequences,
            labels,
            pad,
            pad_batch: A::pad_batch,
        }
    }

    /// Mean and largest number of tokens per review.
    pub fn length_stats(&self) -> (f64, usize) {
        let total: usize = self.sequences.iter().map(Vec::len).sum();
        let longest = self.sequences.iter().map(Vec::len).max().unwrap_or(0);
        (total as f64 / self.sequences.len().max(1) as f64, longest)
    }
}

impl Dataset for TokenizedReviews {
    type Input = TokenBatch;

    fn len(&self) -> usize {
        self.sequences.len()
    }

    fn inputs(&self, rows: &[usize], device: Device) -> Result<TokenBatch> {
        let picked: Vec<&[u32]> = rows.iter().map(|&r| self.sequences[r].as_slice()).collect();
        let (ids, mask) = (self.pad_batch)(&picked, self.pad);
        Ok(TokenBatch {
            ids: ids.to_device(device),
            mask: mask.to_device(device),
        })
    }

    fn labels(&self) -> Option<&[i64]> {
        self.labels.as_deref()
    }

    fn lengths(&self) -> Option<Vec<usize>> {
        Some(self.sequences.iter().map(Vec::len).collect())
    }
}

/// Train, validation (the course's split) and test reviews, tokenized and framed: the training
/// reviews at the training length, the test reviews at the prediction length, and the
/// validation reviews at both (one chooses the epoch, the other scores the model that predicts).
pub struct ReviewSplits {
    pub train: TokenizedReviews,
    /// At the training length: the trainer's validation after each epoch.
    pub validation: TokenizedReviews,
    /// At the prediction length: the validation accuracy of the submission's model.
    pub final_validation: TokenizedReviews,
    pub test: TokenizedReviews,
    pub test_ids: Vec<String>,
}

impl ReviewSplits {
    /// The reviews as `folder`'s tokenizer reads them, framed to `(training, prediction)`
    /// lengths, with how long that took and how long the reviews are.
    pub fn tokenize<A: Answers>(
        folder: &ModelFolder,
        (max_len, predict_max_len): (usize, usize),
        keep: Keep,
        data: &DataDir,
    ) -> Result<ReviewSplits> {
        let tokenizer = folder.tokenizer()?;
        let started = Instant::now();
        let reviews = ReviewSplits::load::<A>(data, &tokenizer, max_len, predict_max_len, keep)?;
        let (mean, longest) = reviews.train.length_stats();
        println!(
            "Tokenized in {:.0} s: {mean:.0} tokens per training review on average, at most \
             {longest} (--max-len {max_len})",
            started.elapsed().as_secs_f64(),
        );
        Ok(reviews)
    }

    /// `max_len` tokens per training review, `predict_max_len` per test review.
    pub fn load<A: Answers>(
        data: &DataDir,
        tokenizer: &ReviewTokenizer,
        max_len: usize,
        predict_max_len: usize,
        keep: Keep,
    ) -> Result<ReviewSplits> {
        let reviews = SplitReviews::read(data)?;
        let tokens_of = |texts: Vec<&str>| tokenizer.tokens_of_all(&texts);
        let frame = |tokens: &[Vec<u32>], max_len: usize| -> Vec<Vec<u32>> {
            tokens
                .iter()
                .map(|tokens| A::frame_review(tokens, max_len, keep, tokenizer.special))
                .collect()
        };
        let pad = tokenizer.special.pad;
        let train_tokens = tokens_of(reviews.texts(&reviews.split.train));
        let validation_tokens = tokens_of(reviews.texts(&reviews.split.validation));
        let test_tokens = tokens_of(reviews.test_texts());
        let validation_labels = reviews.labels(&reviews.split.validation);
        Ok(ReviewSplits {
            train: TokenizedReviews::new::<A>(
                frame(&train_tokens, max_len),
                Some(reviews.labels(&reviews.split.train)),
                pad,
            ),
            validation: TokenizedReviews::new::<A>(
                frame(&validation_tokens, max_len),
                Some(validation_labels.clone()),
                pad,
            ),
            final_validation: TokenizedReviews::new::<A>(
                frame(&validation_tokens, predict_max_len),
                Some(validation_labels),
                pad,
            ),
            test: TokenizedReviews::new::<A>(frame(&test_tokens, predict_max_len), None, pad),
            test_ids: reviews.test_ids(),
        })
    }
}

/// The frozen encoder's review vectors of every review (`[reviews, hidden]`, on the CPU), in
/// batches sorted by length (less padding), with a progress bar.
pub fn review_vectors(
    model: &PretrainedClassifier,
    reviews: &TokenizedReviews,
    batch_size: usize,
    device: Device,
    what: &str,
) -> Result<TensorDataset> {
    let _no_grad = tch::no_grad_guard();
    let mut order: Vec<usize> = (0..reviews.len()).collect();
    order.sort_by_key(|&r| reviews.sequences[r].len());
    let progress = ProgressBar::new(reviews.len() as u64).with_style(
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} reviews [{elapsed}<{eta}]")
            .expect("a valid template"),
    );
    progress.set_message(format!("encoding the {what} reviews"));
    let mut parts = Vec::new();
    for rows in order.chunks(batch_size) {
        let batch = reviews.inputs(rows, device)?;
        parts.push(model.review_vectors(&batch, false).to_device(Device::Cpu));
        progress.inc(rows.len() as u64);
    }
    progress.finish_and_clear();
    let sorted = Tensor::cat(&parts, 0);
    // Put each review's vector back in its row.
    let positions = Tensor::from_slice(&order.iter().map(|&r| r as i64).collect::<Vec<_>>());
    let vectors = sorted.zeros_like().index_copy(0, &positions, &sorted);
    Ok(TensorDataset {
        inputs: vectors.to_kind(Kind::Float),
        labels: reviews.labels.clone(),
    })
}

/// The frozen encoder's vectors of the training, validation and test reviews, for training the
/// head alone: read from the cache when an earlier run with the same `cache_key` made them.
pub fn head_only_splits(
    model: &PretrainedClassifier,
    reviews: &ReviewSplits,
    cache_key: String,
    device: Device,
) -> Result<[TensorDataset; 3]> {
    let started = Instant::now();
    let cache = VectorCache::new(cache_key)?;
    let encode = |split: &TokenizedReviews, what: &str| -> Result<TensorDataset> {
        cache.get_or_make(what, split, || {
            review_vectors(model, split, 64, device, what)
        })
    };
    let train = encode(&reviews.train, "training")?;
    let validation = encode(&reviews.validation, "validation")?;
    let test = encode(&reviews.test, "test")?;
    println!(
        "Review vectors of {} reviews ready in {:.0} s (kept in {} for the next head-only run)",
        train.inputs.size()[0] + validation.inputs.size()[0] + test.inputs.size()[0],
        started.elapsed().as_secs_f64(),
        cache.folder.display()
    );
    Ok([train, validation, test])
}

/// Everything the frozen encoder's output depends on, which names its cached vectors: the
/// weights file (path, size, time), the pooling, the length budget, and the data folder by its
/// full path (`--data datasets/imdb` and the same folder reached another way are one data set).
pub fn encoder_output_key(
    folder: &ModelFolder,
    settings: &Settings,
    data: &DataDir,
) -> Result<String> {
    let weights = std::fs::metadata(&folder.weights)?;
    let data_folder = std::fs::canonicalize(&data.path).unwrap_or(data.path.clone());
    Ok(format!(
        "{}|{}|{:?}|{:?}|{}|{}|{}|{}",
        folder.weights.display(),
        weights.len(),
        weights.modified().ok(),
        settings.pooling,
        settings.max_len,
        settings.predict_max_len(),
        serde_json::to_string(&settings.keep)?,
        data_folder.display()
    ))
}

/// Review vectors kept on disk (`runs/unit9/vector-cache/<key hash>/`), so the next head-only run
/// with the same model, pooling, length and data skips the encoder.
pub struct VectorCache {
    pub folder: std::path::PathBuf,
}

impl VectorCache {
    /// The cache folder for `key` (everything the vectors depend on).
    pub fn new(key: String) -> Result<VectorCache> {
        use std::hash::{Hash, Hasher};
        // FxHasher is fixed across runs and platforms (std's default hasher is seeded randomly).
        let mut hasher = rustc_hash::FxHasher::default();
        key.hash(&mut hasher);
        let folder = course_core::tracking::runs_root()
            .join("unit9/vector-cache")
            .join(format!("{:016x}", hasher.finish()));
        std::fs::create_dir_all(&folder)?;
        course_core::fs::write_atomically(&folder.join("key.txt"), |out| {
            use std::io::Write;
            Ok(writeln!(out, "{key}")?)
        })?;
        Ok(VectorCache { folder })
    }

    /// The vectors of `split` (`what` names it): read from the cache, or made by `make` and
    /// saved (atomically) for next time. Labels always come from `split`.
    pub fn get_or_make(
        &self,
        what: &str,
        split: &TokenizedReviews,
        make: impl FnOnce() -> Result<TensorDataset>,
    ) -> Result<TensorDataset> {
        let path = self.folder.join(format!("{what}.safetensors"));
        if let Ok(mut tensors) = Tensor::read_safetensors(&path) {
            if let Some((_, vectors)) = tensors.pop() {
                if vectors.size()[0] == split.len() as i64 {
                    return Ok(TensorDataset {
                        inputs: vectors,
                        labels: split.labels.clone(),
                    });
                }
            }
        }
        let made = make()?;
        course_core::fs::replace_atomically(&path, |temporary| {
            Ok(Tensor::write_safetensors(
                &[("vectors", &made.inputs)],
                temporary,
            )?)
        })?;
        Ok(made)
    }
}
