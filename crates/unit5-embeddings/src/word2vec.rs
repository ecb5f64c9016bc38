//! word2vec: skip-gram with negative sampling (Mikolov et al., 2013), written with tch.
//!
//! Every word of a review is a *centre*; the words up to `window` places away are its
//! *contexts*. The model keeps two tables: the centre vectors (the embeddings we want) and the
//! context vectors. It learns to score true (centre, context) pairs high and pairs with
//! `negatives` random words low (the learner's [`Answers::skipgram_loss`]). Frequent words are
//! randomly skipped ("subsampling") and the learning rate falls linearly to almost zero, as in
//! the original C code and gensim. Pairs are trained in batches: one gather, one loss, one
//! backward pass and one scatter of updates per batch.
//!
//! One departure from the C code, for speed: every pair still meets `negatives` random words,
//! but `share_negatives` pairs in a row (mostly the contexts of the same one or two centres)
//! meet the *same* ones. The scores of a group are then one small matrix product instead of a
//! dot product per pair and negative, and a batch gathers and updates 16 times fewer negative
//! vectors. `share_negatives: 1` is the original (see docs/benchmarks.md for both).

use crate::Answers;
use anyhow::{anyhow, ensure, Result};
use course_core::text::word_index::for_each_word;
pub use course_core::text::WordVectors;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;
use tch::{Device, Kind, Tensor};

/// The training parameters (gensim's names in brackets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word2VecConfig {
    /// Vector width (`vector_size`).
    pub dim: i64,
    /// Largest distance between centre and context (`window`); each centre draws its own
    /// window between 1 and this, so near words count more.
    pub window: usize,
    /// Random words per true pair (`negative`).
    pub negatives: usize,
    /// Pairs in a row that meet the same random words (1: each its own, as in gensim).
    pub share_negatives: usize,
    /// Words seen fewer times are dropped (`min_count`).
    pub min_count: u64,
    /// Passes over the corpus (`epochs`).
    pub epochs: usize,
    /// Subsampling threshold (`sample`).
    pub sample: f64,
    /// Starting learning rate per pair (`alpha`), falling linearly to `min_lr` (`min_alpha`).
    pub lr: f64,
    pub min_lr: f64,
    /// Pairs per batch.
    pub batch_pairs: usize,
    /// Threads that train at once, each on its share of the reviews, updating the same tables
    /// without locks (`workers`): now and then one update overwrites another, as in gensim and
    /// the C code, too rarely to matter.
    pub workers: usize,
    pub seed: u64,
}

impl Default for Word2VecConfig {
    /// gensim's defaults, 100 dimensions.
    fn default() -> Self {
        Word2VecConfig {
            dim: 100,
            window: 5,
            negatives: 5,
            share_negatives: 16,
            min_count: 5,
            epochs: 5,
            sample: 1e-3,
            lr: 0.025,
            min_lr: 0.0001,
            batch_pairs: 4096,
            workers: std::thread::available_parallelism().map_or(1, |cores| cores.get()),
            seed: 1,
        }
    }
}

/// The texts as word ids of a vocabulary with counts.
pub struct Corpus {
    /// Most frequent first.
    pub words: Vec<String>,
    pub counts: Vec<u64>,
    /// One review per sentence, words below `min_count` removed.
    pub sentences: Vec<Vec<u32>>,
}

impl Corpus {
    /// Tokenises `texts` with the word-index rules of units 5-8 and keeps the words seen at
    /// least `min_count` times.
    pub fn build(texts: &[&str], min_count: u64) -> Corpus {
        let tokenised: Vec<Vec<String>> = texts
            .par_iter()
            .map(|text| {
                let mut words = Vec::new();
                for_each_word(text, &mut String::new(), &mut |w| words.push(w.to_string()));
                words
            })
            .collect();
        let mut counts: FxHashMap<&str, u64> = FxHashMap::default();
        for word in tokenised.iter().flatten() {
            *counts.entry(word.as_str()).or_default() += 1;
        }
        let mut kept: Vec<(&str, u64)> = counts
            .into_iter()
            .filter(|&(_, c)| c >= min_count)
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let id_of: FxHashMap<&str, u32> = kept
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (*w, i as u32))
            .collect();
        let sentences = tokenised
            .par_iter()
            .map(|words| {
                words
                    .iter()
                    .filter_map(|w| id_of.get(w.as_str()).copied())
                    .collect()
            })
            .collect();
        Corpus {
            words: kept.iter().map(|(w, _)| w.to_string()).collect(),
            counts: kept.iter().map(|&(_, c)| c).collect(),
            sentences,
        }
    }

    /// Words in the corpus (after `min_count`).
    pub fn total_words(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Writes the corpus as text, one review per line, words separated by spaces: what the
    /// gensim side of the speed comparison reads, so both train on exactly the same words.
    pub fn write_text(&self, path: &Path) -> Result<()> {
        course_core::fs::write_atomically(path, |file| {
            let mut out = std::io::BufWriter::new(file);
            for sentence in &self.sentences {
                let line: Vec<&str> = sentence
                    .iter()
                    .map(|&id| self.words[id as usize].as_str())
                    .collect();
                writeln!(out, "{}", line.join(" "))?;
            }
            out.flush()?;
            Ok(())
        })
    }
}

/// What a training run measured.
#[derive(Debug, Clone)]
pub struct TrainingStats {
    pub seconds: f64,
    /// Corpus words processed per second (before subsampling, as gensim counts them).
    pub words_per_second: f64,
    pub final_loss: f64,
}

/// Trains skip-gram vectors on `corpus`, calling `progress` with (fraction done, recent loss).
pub fn train<A: Answers>(
    corpus: &Corpus,
    config: &Word2VecConfig,
    mut progress: impl FnMut(f64, f64),
) -> Result<(WordVectors, TrainingStats)> {
    let mut skip_gram = SkipGram::new(corpus, config)?;
    while !skip_gram.is_finished() {
        skip_gram.train_epoch::<A>(&|| false, &mut progress)?;
    }
    Ok(skip_gram.finish())
}

/// A skip-gram run in progress: the two tables and the epochs they have seen. It can be saved
/// after any epoch and continued from there (`word2vec --resume`): every worker draws its
/// random numbers from its own stream for each epoch, and the learning rate follows the words
/// done, so with one worker a continued run ends with the very vectors of a run never stopped.
pub struct SkipGram<'a> {
    shared: Shared<'a>,
    tables: Tables,
    epochs_done: usize,
    /// Words processed and seconds spent by this process (a continued run counts its own).
    words_at_start: u64,
    seconds: f64,
    final_loss: f64,
}

/// How an epoch ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EpochEnd {
    /// Every review was read; the loss of the last batch.
    Finished { loss: f64 },
    /// `stop_requested` said stop: the epoch's updates are incomplete, so do not save them.
    Stopped,
}

impl<'a> SkipGram<'a> {
    /// A new run: centre vectors small and random, context vectors at zero, as in word2vec.
    pub fn new(corpus: &'a Corpus, config: &'a Word2VecConfig) -> Result<SkipGram<'a>> {
        let vocab = corpus.words.len() as i64;
        // Uniform in [-0.5, 0.5) / dim, from the run's seed (a stream no worker uses).
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        rng.set_stream(u64::MAX);
        let scale = 1.0 / config.dim as f32;
        let centre: Vec<f32> = (0..vocab * config.dim)
            .map(|_| (rng.random::<f32>() - 0.5) * scale)
            .collect();
        let tables = Tables {
            centre: Tensor::from_slice(&centre).view([vocab, config.dim]),
            context: Tensor::zeros([vocab, config.dim], (Kind::Float, Device::Cpu)),
        };
        SkipGram::start(corpus, config, tables, 0)
    }

    /// A run continued from a checkpoint written by [`SkipGram::save_checkpoint`] on the same
    /// corpus and settings.
    pub fn resume(
        corpus: &'a Corpus,
        config: &'a Word2VecConfig,
        checkpoint: &Path,
    ) -> Result<SkipGram<'a>> {
        let unreadable = |why: String| {
            anyhow!(
                "cannot continue from {}: {why}. Delete it to train from the beginning",
                checkpoint.display()
            )
        };
        let named = Tensor::read_safetensors(checkpoint).map_err(|e| {
            unreadable(format!("it is not a readable checkpoint (truncated?): {e}"))
        })?;
        let tensor = |name: &str| {
            named
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.shallow_clone())
                .ok_or_else(|| unreadable(format!("it has no `{name}` table")))
        };
        let (centre, context) = (tensor("centre")?, tensor("context")?);
        let epochs_done = tensor("epochs_done")?.int64_value(&[0]);
        let shape = vec![corpus.words.len() as i64, config.dim];
        if centre.size() != shape || context.size() != shape || centre.kind() != Kind::Float {
            return Err(unreadable(format!(
                "its tables are {:?} ({:?}), this corpus and --dim need {shape:?} (Float): the \
                 data or the settings changed since it was saved",
                centre.size(),
                centre.kind()
            )));
        }
        if !(0..=config.epochs as i64).contains(&epochs_done) {
            return Err(unreadable(format!(
                "it says {epochs_done} epochs were done, of {}",
                config.epochs
            )));
        }
        let tables = Tables { centre, context };
        SkipGram::start(corpus, config, tables, epochs_done as usize)
    }

    /// A run whose `tables` have seen `epochs_done` epochs.
    fn start(
        corpus: &'a Corpus,
        config: &'a Word2VecConfig,
        tables: Tables,
        epochs_done: usize,
    ) -> Result<SkipGram<'a>> {
        ensure!(
            corpus.words.len() > 1,
            "the corpus has fewer than 2 words seen {} times",
            config.min_count
        );
        ensure!(
            config.share_negatives >= 1 && config.negatives >= 1 && config.workers >= 1,
            "share_negatives, negatives and workers must be at least 1"
        );
        // The learning rate falls with the words done: a continued run starts where it stopped.
        let words_done = corpus.total_words() * epochs_done as u64;
        let shared = Shared {
            corpus,
            config,
            noise: NoiseTable::new(&corpus.counts),
            keep: keep_probabilities(&corpus.counts, config.sample),
            total: corpus.total_words() as f64 * config.epochs as f64,
            processed: AtomicU64::new(words_done),
            stop: AtomicBool::new(false),
        };
        Ok(SkipGram {
            shared,
            tables,
            epochs_done,
            words_at_start: words_done,
            seconds: 0.0,
            final_loss: f64::NAN,
        })
    }

    /// Epochs trained so far.
    pub fn epochs_done(&self) -> usize {
        self.epochs_done
    }

    pub fn is_finished(&self) -> bool {
        self.epochs_done >= self.shared.config.epochs
    }

    /// One pass over the corpus by every worker, each on its share of the reviews, all
    /// updating the same two tables. `progress` gets (fraction of the run done, recent loss);
    /// `stop_requested` is asked before every review.
    pub fn train_epoch<A: Answers>(
        &mut self,
        stop_requested: &(dyn Fn() -> bool + Sync),
        progress: &mut dyn FnMut(f64, f64),
    ) -> Result<EpochEnd> {
        let (epoch, workers) = (self.epochs_done, self.shared.config.workers);
        let threads_before = tch::get_num_threads();
        let started = Instant::now();
        let (tables, shared) = (&self.tables, &self.shared);
        // Each worker gets a handle to the same two tables (`shallow_clone`: no copy) and
        // updates them in place, as gensim's workers do; worker 0 runs here and reports.
        let results: Vec<Result<Option<f64>>> = std::thread::scope(|scope| {
            let others: Vec<_> = (1..workers)
                .map(|worker| {
                    let tables = tables.shallow_clone();
                    scope.spawn(move || {
                        shared.run_worker::<A>(
                            worker,
                            epoch,
                            tables,
                            stop_requested,
                            &mut |_, _| {},
                        )
                    })
                })
                .collect();
            let mut results = vec![shared.run_worker::<A>(
                0,
                epoch,
                tables.shallow_clone(),
                stop_requested,
                progress,
            )];
            results.extend(others.into_iter().map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }));
            results
        });
        tch::set_num_threads(threads_before);
        self.seconds += started.elapsed().as_secs_f64();
        let losses = results.into_iter().collect::<Result<Vec<Option<f64>>>>()?;
        if losses.iter().any(Option::is_none) {
            return Ok(EpochEnd::Stopped);
        }
        self.epochs_done += 1;
        self.final_loss = losses.into_iter().flatten().next_back().unwrap_or(f64::NAN);
        Ok(EpochEnd::Finished {
            loss: self.final_loss,
        })
    }

    /// Writes the tables and the number of epochs done to `path` (a safetensors file), whole or
    /// not at all.
    pub fn save_checkpoint(&self, path: &Path) -> Result<()> {
        let epochs_done = Tensor::from_slice(&[self.epochs_done as i64]);
        course_core::fs::replace_atomically(path, |temporary| {
            Tensor::write_safetensors(
                &[
                    ("centre", &self.tables.centre),
                    ("context", &self.tables.context),
                    ("epochs_done", &epochs_done),
                ],
                temporary,
            )?;
            Ok(())
        })
    }

    /// The centre vectors (the embeddings) and what this process measured.
    pub fn finish(self) -> (WordVectors, TrainingStats) {
        let words = self.shared.processed.load(Ordering::Relaxed) - self.words_at_start;
        (
            WordVectors {
                words: self.shared.corpus.words.clone(),
                vectors: self.tables.centre,
            },
            TrainingStats {
                seconds: self.seconds,
                words_per_second: words as f64 / self.seconds,
                final_loss: self.final_loss,
            },
        )
    }
}

/// What the workers share: the corpus and settings, the sampling tables, the count of words
/// done (for the learning rate), and a flag that tells them all to stop.
struct Shared<'a> {
    corpus: &'a Corpus,
    config: &'a Word2VecConfig,
    noise: NoiseTable,
    keep: Vec<f32>,
    total: f64,
    processed: AtomicU64,
    stop: AtomicBool,
}

impl Shared<'_> {
    /// One worker's share of one epoch: every `workers`-th review, from review `worker` on.
    /// Returns its last batch's loss, or `None` when asked to stop before the end.
    fn run_worker<A: Answers>(
        &self,
        worker: usize,
        epoch: usize,
        mut tables: Tables,
        stop_requested: &(dyn Fn() -> bool + Sync),
        progress: &mut dyn FnMut(f64, f64),
    ) -> Result<Option<f64>> {
        let config = self.config;
        // One core per worker: libtorch splitting each small operation over the cores would
        // make the workers wait for each other. (Grad mode and this setting are per thread.)
        tch::set_num_threads(1);
        let _no_grad_tables = tch::no_grad_guard();
        // Its own stream for this worker and epoch: an epoch draws the same numbers whether
        // the run went straight through or was continued from a checkpoint.
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        rng.set_stream((epoch * config.workers + worker) as u64);
        let (mut centres, mut contexts) = (Vec::new(), Vec::new());
        let mut recent_loss = f64::NAN;
        for sentence in self
            .corpus
            .sentences
            .iter()
            .skip(worker)
            .step_by(config.workers)
        {
            if self.stop.load(Ordering::Relaxed) || stop_requested() {
                return Ok(None); // asked to stop, or another worker failed and says why
            }
            let before = self
                .processed
                .fetch_add(sentence.len() as u64, Ordering::Relaxed);
            self.add_pairs(sentence, &mut rng, &mut centres, &mut contexts);
            if centres.len() >= config.batch_pairs {
                let done = (before + sentence.len() as u64) as f64 / self.total;
                // Whole groups only; the few pairs left over open the next batch.
                let whole = centres.len() - centres.len() % config.share_negatives;
                let batch = Batch {
                    centres: &centres[..whole],
                    contexts: &contexts[..whole],
                    share_negatives: config.share_negatives,
                };
                recent_loss = self.train_batch::<A>(&batch, &mut tables, done, &mut rng)?;
                centres.drain(..whole);
                contexts.drain(..whole);
                progress(done, recent_loss);
            }
        }
        // The epoch's last pairs: whole groups, then what is left over as one smaller group.
        let done = self.processed.load(Ordering::Relaxed) as f64 / self.total;
        let whole = centres.len() - centres.len() % config.share_negatives;
        for (range, share_negatives) in [
            (0..whole, config.share_negatives),
            (whole..centres.len(), centres.len() - whole),
        ] {
            if !range.is_empty() {
                let batch = Batch {
                    centres: &centres[range.clone()],
                    contexts: &contexts[range],
                    share_negatives,
                };
                recent_loss = self.train_batch::<A>(&batch, &mut tables, done, &mut rng)?;
            }
        }
        Ok(Some(recent_loss))
    }

    /// One SGD step on `batch` at the learning rate of `done` (the fraction of the run's words
    /// processed); its loss, or an error that stops every worker if it is not a number.
    fn train_batch<A: Answers>(
        &self,
        batch: &Batch,
        tables: &mut Tables,
        done: f64,
        rng: &mut ChaCha8Rng,
    ) -> Result<f64> {
        let lr = self.learning_rate(done);
        let loss = batch.train::<A>(tables, &self.noise, self.config.negatives, lr, rng);
        self.check_finite(loss, done)?;
        Ok(loss)
    }

    /// Falls linearly from `lr` to `min_lr` as the run goes from none to all of its words.
    fn learning_rate(&self, done: f64) -> f64 {
        let config = self.config;
        config.lr - (config.lr - config.min_lr) * done.min(1.0)
    }

    /// Subsamples `sentence` and adds its (centre, context) pairs: each centre draws how far
    /// it reaches, between 1 and `window` words, so near words count more.
    fn add_pairs(
        &self,
        sentence: &[u32],
        rng: &mut ChaCha8Rng,
        centres: &mut Vec<i64>,
        contexts: &mut Vec<i64>,
    ) {
        let kept: Vec<u32> = sentence
            .iter()
            .copied()
            .filter(|&w| rng.random::<f32>() < self.keep[w as usize])
            .collect();
        for (i, &centre) in kept.iter().enumerate() {
            let reach = rng.random_range(1..=self.config.window);
            let (start, end) = (i.saturating_sub(reach), (i + reach + 1).min(kept.len()));
            for (j, &context) in kept.iter().enumerate().take(end).skip(start) {
                if j != i {
                    centres.push(centre as i64);
                    contexts.push(context as i64);
                }
            }
        }
    }

    /// A failed check stops every worker.
    fn check_finite(&self, loss: f64, done: f64) -> Result<()> {
        let checked = ensure_finite(loss, done, self.config);
        if checked.is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
        checked
    }
}

/// Stops a run whose loss is no longer a number: with too large a learning rate or batch (a
/// batch adds up the updates of every repeat of a word), the vectors blow up.
fn ensure_finite(loss: f64, done: f64, config: &Word2VecConfig) -> Result<()> {
    ensure!(
        loss.is_finite(),
        "word2vec diverged {:.0}% of the way through (batch loss {loss}): lower the learning rate \
         (now {}) or the batch size (now {} pairs)",
        100.0 * done,
        config.lr,
        config.batch_pairs
    );
    Ok(())
}

/// The two tables skip-gram learns: a centre vector and a context vector per word.
struct Tables {
    centre: Tensor,
    context: Tensor,
}

impl Tables {
    /// Another handle to the same two tables (no copy).
    fn shallow_clone(&self) -> Tables {
        Tables {
            centre: self.centre.shallow_clone(),
            context: self.context.shallow_clone(),
        }
    }
}

/// Pairs to train together, in groups of `share_negatives` that meet the same random words.
struct Batch<'a> {
    centres: &'a [i64],
    contexts: &'a [i64],
    share_negatives: usize,
}

impl Batch<'_> {
    /// Gathers the vectors, computes the learner's loss and its gradients by autograd, and
    /// makes a plain SGD update of just the rows used (`index_add_`), each pair moved at rate
    /// `lr`. Returns the batch's loss (before this update), for the progress line.
    fn train<A: Answers>(
        &self,
        tables: &mut Tables,
        noise: &NoiseTable,
        negatives: usize,
        lr: f64,
        rng: &mut ChaCha8Rng,
    ) -> f64 {
        let pairs = self.centres.len();
        debug_assert_eq!(pairs % self.share_negatives, 0, "whole groups only");
        let groups = (pairs / self.share_negatives) as i64;
        let dim = tables.centre.size()[1];
        let negative_ids: Vec<i64> = (0..groups as usize * negatives)
            .map(|_| noise.sample(rng))
            .collect();
        let centre_ids = Tensor::from_slice(self.centres);
        let context_ids = Tensor::from_slice(self.contexts);
        let negative_ids = Tensor::from_slice(&negative_ids);
        let gather =
            |table: &Tensor, ids: &Tensor| table.index_select(0, ids).set_requires_grad(true);
        let (c, o, n, loss) = tch::with_grad(|| {
            let c = gather(&tables.centre, &centre_ids);
            let o = gather(&tables.context, &context_ids);
            let n = gather(&tables.context, &negative_ids); // [groups * negatives, dim]
            let loss = A::skipgram_loss(&c, &o, &n.view([groups, negatives as i64, dim]));
            // The learner's loss is a mean over pairs; times `pairs` it is a sum, so each
            // pair's gradient is its own, as in word2vec's one-pair-at-a-time updates. Times
            // `-lr` as well, the gradients autograd leaves are the SGD steps themselves.
            (&loss * (-lr * pairs as f64)).backward();
            (c, o, n, loss.detach())
        });
        let _ = tables.centre.index_add_(0, &centre_ids, &c.grad());
        let _ = tables.context.index_add_(0, &context_ids, &o.grad());
        let _ = tables.context.index_add_(0, &negative_ids, &n.grad());
        loss.double_value(&[])
    }
}

/// Draws negative words with probability proportional to count^0.75 (rare words more often
/// than their count alone would give), from a table as the C code does.
struct NoiseTable {
    table: Vec<u32>,
}

impl NoiseTable {
    const SIZE: usize = 10_000_000;

    fn new(counts: &[u64]) -> NoiseTable {
        let weights: Vec<f64> = counts.iter().map(|&c| (c as f64).powf(0.75)).collect();
        let total: f64 = weights.iter().sum();
        let mut table = Vec::with_capacity(Self::SIZE);
        let mut cumulative = 0.0;
        for (id, w) in weights.iter().enumerate() {
            cumulative += w / total;
            let until = ((cumulative * Self::SIZE as f64) as usize).min(Self::SIZE);
            while table.len() < until {
                table.push(id as u32);
            }
        }
        table.resize(Self::SIZE, (counts.len() - 1) as u32);
        NoiseTable { table }
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> i64 {
        self.table[rng.random_range(0..self.table.len())] as i64
    }
}

/// The chance to keep each occurrence of a word (gensim's formula): words more frequent than
/// `sample` of the corpus are skipped more and more often.
fn keep_probabilities(counts: &[u64], sample: f64) -> Vec<f32> {
    if sample <= 0.0 {
        return vec![1.0; counts.len()]; // no subsampling
    }
    let threshold = sample * counts.iter().sum::<u64>() as f64;
    counts
        .iter()
        .map(|&c| {
            let c = c as f64;
            (((c / threshold).sqrt() + 1.0) * threshold / c).min(1.0) as f32
        })
        .collect()
}

/// The words drawn in the projection: judgements good and bad, and film vocabulary.
pub const PLOT_WORDS: &[&str] = &[
    "awful",
    "terrible",
    "horrible",
    "worst",
    "boring",
    "bad",
    "brilliant",
    "excellent",
    "great",
    "wonderful",
    "superb",
    "best",
    "plot",
    "story",
    "script",
    "acting",
    "actor",
    "actress",
    "director",
    "movie",
    "film",
];

/// The 2-D coordinates of `rows` of `vectors` along their two main directions of variation
/// (principal component analysis, through a singular value decomposition).
pub fn project_2d(vectors: &Tensor) -> Tensor {
    let centred = vectors - vectors.mean_dim(0, true, Kind::Float);
    let (_u, _s, v) = centred.svd(true, true);
    centred.matmul(&v.narrow(1, 0, 2))
}

/// A PNG of `words` (those in the vocabulary) at their 2-D projected positions.
pub fn plot_projection(path: &Path, vectors: &WordVectors, words: &[&str]) -> Result<()> {
    use plotters::prelude::*;
    let rows: Vec<(String, i64)> = words
        .iter()
        .filter_map(|w| {
            vectors
                .words
                .iter()
                .position(|v| v == w)
                .map(|i| (w.to_string(), i as i64))
        })
        .collect();
    ensure!(
        rows.len() >= 3,
        "fewer than 3 of the words to plot are in the vocabulary"
    );
    let index = Tensor::from_slice(&rows.iter().map(|r| r.1).collect::<Vec<_>>());
    let points = project_2d(&vectors.vectors.index_select(0, &index));
    let xy = Vec::<f64>::try_from(points.to_kind(Kind::Double).flatten(0, -1))?;
    let coords: Vec<(f64, f64)> = xy.chunks(2).map(|p| (p[0], p[1])).collect();
    let range = |f: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = coords
            .iter()
            .map(f)
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let pad = (hi - lo).max(1e-6) * 0.15;
        (lo - pad)..(hi + pad)
    };
    course_core::tracking::plot::register_font();
    course_core::fs::replace_atomically(path, |temporary| {
        let draw = || -> Result<(), Box<dyn std::error::Error>> {
            let root = BitMapBackend::new(temporary, (800, 640)).into_drawing_area();
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .caption(
                    "word2vec vectors, first two principal components",
                    ("sans-serif", 20),
                )
                .margin(16)
                .x_label_area_size(30)
                .y_label_area_size(40)
                .build_cartesian_2d(range(|p| p.0), range(|p| p.1))?;
            chart
                .configure_mesh()
                .label_style(("sans-serif", 12))
                .draw()?;
            for ((word, _), &(x, y)) in rows.iter().zip(&coords) {
                chart.draw_series(std::iter::once(Circle::new((x, y), 4, BLUE.filled())))?;
                chart.draw_series(std::iter::once(Text::new(
                    word.clone(),
                    (x, y),
                    ("sans-serif", 15),
                )))?;
            }
            root.present()?;
            Ok(())
        };
        draw().map_err(|e| anyhow::anyhow!("cannot draw {}: {e}", path.display()))
    })
}
