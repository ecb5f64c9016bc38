//! Empty on purpose: this crate exists for its `Cargo.toml`, which `cargo hakari generate` writes.
//!
//! Every workspace member depends on it, and it depends on each third-party crate with the union of
//! the features the members use. So `cargo run -p unit7-rnn`, `cargo test --workspace` and `make demo`
//! resolve the same features and share one build of polars, tch and the rest. After adding or
//! changing a dependency: `cargo hakari generate && cargo hakari manage-deps` (the test
//! `crates/course/tests/one_build.rs` fails until then).
