//! Unit 9: pre-trained Transformers, through rust-bert.
//!
//! Units 5-8 trained every weight from scratch on 20,000 reviews. Here the encoder was trained
//! before, by someone else, on far more text: BERT-family models read a review as sub-word
//! tokens and hand back a vector per token. We put a small classification head on top and train
//! either the head alone (the encoder frozen: its outputs are computed once and cached), the last
//! few layers with it, or everything ("fine-tuning").
//!
//! * [`model`]: the BERT, DistilBERT and RoBERTa families with Hugging Face's classification
//!   heads, and what the head reads (the `[CLS]` token or the mean).
//! * [`bert`]: BERT's and RoBERTa's encoder with libtorch's fused attention (rust-bert's
//!   embeddings; DistilBERT is rust-bert's model whole).
//! * [`folder`]: a model folder (`config.json`, vocabulary, weights): which family, its
//!   tokenizer, and its weights loaded by name from `.safetensors` or `.ot`.
//! * [`hub`]: a model by its Hugging Face id, downloaded once into a cache.
//! * [`int8`]: linear layers with 8-bit weights, for a faster prediction pass on a CPU.
//! * [`reviews`]: the reviews as token ids, batched for the model; cached encoder outputs.
//! * [`configs`]: what trains in each mode, and the trainer's settings.
//! * [`program`]: `train` and `predict`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

pub mod bert;
pub mod cli;
pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod folder;
pub mod hub;
pub mod int8;
pub mod model;
pub mod program;
pub mod reviews;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use tch::nn::VarStore;
use tch::Tensor;

/// Which tokens of a review longer than the model's limit are kept.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
pub enum Keep {
    /// The beginning of the review.
    Head,
    /// A quarter of the budget from the beginning and the rest from the end: reviews often
    /// state their verdict last (Sun et al., 2019, "How to Fine-Tune BERT for Text Classification?").
    HeadAndTail,
}

/// The special tokens a model's inputs are framed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialTokens {
    /// `[CLS]` (BERT) or `<s>` (RoBERTa): first; the head reads its output.
    pub start: u32,
    /// `[SEP]` or `</s>`: last.
    pub end: u32,
    /// `[PAD]` or `<pad>`: fills the batch after a review's end.
    pub pad: u32,
}

/// Your answers to unit 9's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: frame a review: `[CLS]` + the tokens that fit + `[SEP]`. Stated in
    /// `src/exercise.rs`.
    fn frame_review(tokens: &[u32], max_len: usize, keep: Keep, special: SpecialTokens)
        -> Vec<u32>;

    /// Task 2: pad a batch and build its attention mask. Stated in `src/exercise.rs`.
    fn pad_batch(reviews: &[&[u32]], pad: u32) -> (Tensor, Tensor);

    /// Task 3: freeze all but the trainable variables. Stated in `src/exercise.rs`.
    fn freeze_except(vars: &mut VarStore, trainable: &dyn Fn(&str) -> bool) -> i64;

    /// Task 4: whether a variable belongs to one of the encoder's last `top` layers (what
    /// `--mode top` trains besides the head). Stated in `src/exercise.rs`.
    fn in_top_layers(name: &str, layer_path: &str, layers: i64, top: i64) -> bool;
}
