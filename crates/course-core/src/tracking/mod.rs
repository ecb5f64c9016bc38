//! Experiment tracking: what W&B does for the original course, as plain files.
//!
//! Every run gets a folder `runs/<unit>/<run-name>/`:
//!
//! | file | what |
//! |---|---|
//! | `config.json` | the full configuration (trainer, model, data) |
//! | `metrics.csv` | one row per epoch: step, learning rate, losses, accuracies, seconds |
//! | `events.out.tfevents.*` | the same curves for `tensorboard --logdir runs` |
//! | `learning_curves.png` | loss and accuracy per epoch, train vs validation |
//! | `checkpoints/best.safetensors`, `checkpoints/last.safetensors` | weights + optimiser state |
//! | `submission.csv` | the Kaggle submission, when the unit writes one |
//! | `summary.json` | final figures, e.g. the offline test accuracy |
//!
//! Every file is written atomically, so a run killed at any moment leaves whole files only.
//! `course runs` lists and compares runs.

mod metrics;
pub mod plot;
pub mod run;
pub mod tensorboard;

pub use metrics::EpochMetrics;
pub use run::{
    check_run_name, civil_date, list_runs, read_metrics_csv, run_in_use, runs_root, timestamp_name,
    RunFolder, RunInfo, RunLock,
};
