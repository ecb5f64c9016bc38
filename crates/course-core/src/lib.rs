//! The shared library of the course: everything two or more units need.
//!
//! * [`data`]: the IMDb reviews in Kaggle's format (reading, checking, splitting, submissions,
//!   scoring), where they come from, and the converter from the Stanford folder layout.
//! * [`text`]: turning reviews into numbers: the bag-of-words vectoriser of units 2-4 and the
//!   word-index tokenizer of units 5-8.
//! * [`cli`]: the command-line options every unit's `train` shares.
//! * [`batching`]: shuffled, seeded mini-batches, with length bucketing for padded sequences.
//! * [`device`]: CPU or CUDA.
//! * [`prepared`]: data split and vectorised, ready for a model.
//! * [`training`]: the Trainer (the role Lightning plays in the original course).
//! * [`tracking`]: run folders with metrics, TensorBoard events and plots (the role of W&B).
//! * [`exercises`]: the tasks of every unit's exercise, their checks and progress reports.
//! * [`fs`]: writing files so that a crash never leaves half of one behind.
//! * [`mixed_precision`]: bfloat16 products on a CPU that has them (autocast).
//!
//! Every program that links this crate allocates memory, its own and libtorch's, through
//! jemalloc (`src/allocator.rs` says why).

mod allocator;
pub mod batching;
pub mod cli;
pub mod data;
pub mod device;
pub mod exercises;
pub mod fs;
pub mod mixed_precision;
pub mod prepared;
pub mod recipe;
pub mod text;
pub mod tracking;
pub mod training;

/// The folder that holds the workspace (`Cargo.toml`, `datasets/`, `runs/`).
pub fn workspace_root() -> std::path::PathBuf {
    let core_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    core_dir
        .ancestors()
        .nth(2)
        .expect("course-core lives in <workspace>/crates/course-core")
        .to_path_buf()
}
