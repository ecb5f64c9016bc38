//! Benchmarks live in this package's `[[bench]]` targets; see `README.md`. The architectures
//! they time are built in [`models`], which the GPU check (`gpu_check.rs`) runs too.

pub mod models;
