//! Unit 7: recurrent networks.
//!
//! A recurrent network reads a review one word at a time and carries a state from word to word.
//! An LSTM's state has two parts: `h` (what it outputs at each word) and `c` (a memory cell that
//! gates decide to keep, forget or overwrite). Reading the review both ways (bidirectional)
//! gives every word a summary of what comes before and after it; pooling those over time gives
//! the review vector.
//!
//! * [`model`]: embedding -> bidirectional LSTM (or GRU, or plain RNN) over packed sequences, so
//!   padding never enters the recurrence -> pooling over the real words -> linear.
//! * [`configs`]: the course's run (faithful: 2,200 padded positions through the LSTM, padding
//!   averaged in) and ours (packed sequences, masked mean + max, dropout, early stopping).
//! * [`program`]: `train`, shared by both examples.
//! * [`Answers`]: the parts you write; [`Solution`] has them done, `Exercise` has the TODOs
//!   (`src/exercise.rs`); [`tasks`] checks them.

pub mod configs;
// Your code: compiled only with `--features exercise`, so a mistake in it never stops the
// solution, `make test` or another unit.
#[cfg(feature = "exercise")]
pub mod exercise;
pub mod model;
pub mod program;
pub mod solution;
pub mod tasks;

#[cfg(feature = "exercise")]
pub use exercise::Exercise;
pub use solution::Solution;

use serde::{Deserialize, Serialize};
use tch::Tensor;

/// The recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum CellKind {
    /// Long short-term memory: input, forget and output gates and a memory cell.
    Lstm,
    /// Gated recurrent unit: an update and a reset gate, no separate memory cell.
    Gru,
    /// The plain (Elman) recurrent network: `h' = tanh(W x + U h + b)`.
    Rnn,
}

impl CellKind {
    /// How many blocks of `hidden` rows the input and state weights stack.
    pub fn gates(self) -> i64 {
        match self {
            CellKind::Lstm => 4,
            CellKind::Gru => 3,
            CellKind::Rnn => 1,
        }
    }
}

/// The weights of one LSTM cell, laid out as PyTorch (and tch) lay them out: the four gates'
/// rows stacked in the order input, forget, cell (candidate), output.
pub struct LstmWeights<'a> {
    /// `[4 * hidden, input]`
    pub w_ih: &'a Tensor,
    /// `[4 * hidden, hidden]`
    pub w_hh: &'a Tensor,
    /// `[4 * hidden]`
    pub b_ih: &'a Tensor,
    /// `[4 * hidden]`
    pub b_hh: &'a Tensor,
}

/// The weights of one GRU cell, laid out as PyTorch (and tch) lay them out: the three gates'
/// rows stacked in the order reset, update, new (candidate).
pub struct GruWeights<'a> {
    /// `[3 * hidden, input]`
    pub w_ih: &'a Tensor,
    /// `[3 * hidden, hidden]`
    pub w_hh: &'a Tensor,
    /// `[3 * hidden]`
    pub b_ih: &'a Tensor,
    /// `[3 * hidden]`
    pub b_hh: &'a Tensor,
}

/// Your answers to unit 7's tasks: the functions you write in `src/exercise.rs` (for
/// `Exercise`); `Solution` has them done in `src/solution.rs`. The unit's models and programs are
/// generic over them, so the same code runs yours or the solution's.
pub trait Answers {
    /// Task 1: one LSTM step, from its equations. Stated in `src/exercise.rs`.
    fn lstm_cell(x: &Tensor, h: &Tensor, c: &Tensor, weights: &LstmWeights) -> (Tensor, Tensor);

    /// Task 2: your cell over a sequence matches libtorch's LSTM. Stated in `src/exercise.rs`.
    fn lstm_over_time(inputs: &Tensor, weights: &LstmWeights) -> Tensor;

    /// Task 3: the mean over the real steps of each sequence. Stated in `src/exercise.rs`.
    fn mean_over_time(outputs: &Tensor, lengths: &Tensor) -> Tensor;

    /// Task 4: each sequence reversed within its own length (what the backward direction of a
    /// bidirectional LSTM reads). Stated in `src/exercise.rs`.
    fn reverse_within_length(x: &Tensor, lengths: &Tensor) -> Tensor;

    /// Task 6: one GRU step, from its equations. Stated in `src/exercise.rs`.
    fn gru_cell(x: &Tensor, h: &Tensor, weights: &GruWeights) -> Tensor;

    /// Your own settings for the unit's model (not a task, nothing checks them): what
    /// `--config mine` trains, and `cargo run -p course -- mine unit7`. Change them to beat your
    /// last score; they start as the `tuned` preset.
    fn my_settings(seed: u64) -> configs::Settings {
        configs::tuned(seed)
    }
}

/// `--config mine`: the `my_settings` of your `src/exercise.rs` when it is compiled in (with
/// `--features exercise`), else the solution's (the `tuned` preset).
pub fn my_settings(seed: u64) -> configs::Settings {
    #[cfg(feature = "exercise")]
    let settings = <Exercise as Answers>::my_settings(seed);
    #[cfg(not(feature = "exercise"))]
    let settings = <Solution as Answers>::my_settings(seed);
    settings
}
