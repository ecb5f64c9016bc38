//! Benchmarks live in this package's `[[bench]]` targets; see `README.md`.
