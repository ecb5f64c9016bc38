//! Unit 3: the trainer and experiment tracking.
//!
//! Unit 2 wrote the training loop by hand. Here the same bag-of-words model is trained by the
//! course's [`Trainer`](course_core::training::Trainer), which plays the part Lightning plays in
//! the original course: the model only says how to compute logits ([`Model::forward`]), and the
//! trainer does batching, optimisation, validation, checkpoints, early stopping and logging. Every
//! run gets a folder (`runs/unit3/<name>/`) with its config, metrics, TensorBoard events, plot,
//! checkpoints and submission: the part W&B plays.
//!
//! * [`model`]: the bag-of-words classifier as a trainer [`Model`].
//! * [`experiment`]: the whole run, shared by `--example solution` and the tests.

pub mod experiment;
pub mod model;

pub use course_core::training::Model;
