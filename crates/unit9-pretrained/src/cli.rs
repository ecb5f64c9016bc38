//! Unit 9's command line: `train`, `predict`, `evaluate` and their flags. They become settings
//! ([`TrainArgs::apply`]) and requests before the recipes of [`crate::program`] run.

use crate::configs::{Mode, Precision, Settings};
use crate::model::Pooling;
use crate::Keep;
use clap::Subcommand;
use course_core::cli::{set, TrainOptions};
use course_core::device::DeviceChoice;

/// The command line: a command, or with none, `train` (its options work without the word).
pub type Args = course_core::cli::UnitArgs<Command, TrainArgs>;

// Parsed once per run: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a classifier on a pre-trained encoder, predict the test set, write a submission
    /// (runs/unit9/<name>/)
    Train(TrainArgs),
    /// Predict with the classification head the model already has (a sentiment model), no
    /// training: validation accuracy and a submission
    Predict(PredictArgs),
    /// Score a fine-tuned run's best weights on the validation reviews at another
    /// --max-len or --precision (nothing is trained or written)
    Evaluate(EvaluateArgs),
}

#[derive(clap::Args, Debug)]
pub struct EvaluateArgs {
    /// The run: its folder, or its name under runs/unit9/
    pub run: std::path::PathBuf,
    /// Tokens per review [default: the run's --predict-max-len]
    #[arg(long)]
    pub max_len: Option<usize>,
    /// The numbers the encoder computes with [default: the run's --predict-precision]
    #[arg(long, value_enum)]
    pub precision: Option<Precision>,
    /// Where to compute: auto, cpu, cuda, cuda:N or mps [default: the run's device]
    #[arg(long)]
    pub device: Option<DeviceChoice>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// A model folder, or a Hugging Face id[@revision] (kept in Hugging Face's cache,
    /// ~/.cache/huggingface/hub)
    /// [default: models/all-minilm-l6-v2, from `make models`]
    #[arg(long)]
    pub model: Option<String>,
    /// What the head reads: the first token, or the mean of all tokens [default: mean for
    /// `train`; first for `predict`, as the heads of Hugging Face's classifiers were trained]
    #[arg(long, value_enum)]
    pub pooling: Option<Pooling>,
    /// Tokens per review, the special tokens included [default: 256]
    #[arg(long)]
    pub max_len: Option<usize>,
    /// Which tokens of a longer review to keep [default: head-and-tail]
    #[arg(long, value_enum)]
    pub keep: Option<Keep>,
}

#[derive(clap::Args, Debug)]
pub struct PredictArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Folder with the Kaggle files (default: datasets/imdb when complete, else the sample)
    #[arg(long)]
    pub data: Option<std::path::PathBuf>,
    /// Where to compute: auto, cpu, cuda, cuda:N or mps
    #[arg(long, default_value_t = DeviceChoice::Auto)]
    pub device: DeviceChoice,
}

/// `train`'s flags: the shared ones (`--data`, `--epochs`, `--lr`, `--resume`, ...), the
/// model's, and what trains.
#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// What is trained
    #[arg(long, value_enum, default_value_t = Mode::Full, conflicts_with = "resume")]
    pub mode: Mode,
    /// Tokens per validation and test review when the trained model predicts [default: 512
    /// for fine-tuning, --max-len for --mode head]
    #[arg(long)]
    pub predict_max_len: Option<usize>,
    /// The numbers the encoder predicts with [default: int8 for fine-tuning, float32 for
    /// --mode head]
    #[arg(long, value_enum)]
    pub predict_precision: Option<Precision>,
    /// With --mode top: how many of the last encoder layers train with the head [default: 2]
    #[arg(long)]
    pub top_layers: Option<i64>,
    /// Batches whose gradients add up to one optimiser step
    #[arg(long)]
    pub accumulate: Option<usize>,
    #[command(flatten)]
    pub options: TrainOptions,
}

impl TrainArgs {
    /// Writes the unit's flags that were given over `settings`.
    pub fn apply(&self, settings: &mut Settings) {
        set(&mut settings.model, self.model.model.clone().map(Some));
        set(&mut settings.pooling, self.model.pooling);
        set(&mut settings.max_len, self.model.max_len);
        set(
            &mut settings.predict_max_len,
            self.predict_max_len.map(Some),
        );
        set(&mut settings.predict_precision, self.predict_precision);
        set(&mut settings.keep, self.model.keep);
        set(&mut settings.top_layers, self.top_layers);
        set(&mut settings.trainer.accumulate_batches, self.accumulate);
    }
}

#[cfg(test)]
mod tests {
    use super::Args;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }
}
