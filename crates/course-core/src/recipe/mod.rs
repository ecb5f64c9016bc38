//! The recipes of a unit's run, on top of the [`Trainer`](crate::training::Trainer): how a run
//! starts from a unit's preset and a request (or continues from its folder), the whole run of a
//! sequence unit (5-8), and the end of every run (predict, submit, score).
//!
//! Layers, from the bottom: `fs`, `device`, `batching`, `data`, `text` -> `tracking` ->
//! `training` -> `prepared` -> `recipe` -> `cli` (the command line, at the edge). A module
//! uses only the ones below it.

pub mod sequence;
pub mod start;
pub mod submit;

pub use sequence::{parameter_count, SequenceModel, SequenceRun, SequenceSettings, Trained};
pub use start::{
    find_run, refuse_changes, resume_point, start_run, with_requests, RunRequest, RunStart,
    SettingsPreset, UnitSettings, DEFAULT_SEED,
};
pub use submit::{
    fit_and_submit, fit_or_resume, load_best, predict_and_submit, Splits, Submitted, TestSet,
};
