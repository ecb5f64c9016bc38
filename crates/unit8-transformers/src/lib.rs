//! Unit 8: Transformers.
//!
//! Coming with issue #6: a Transformer encoder written from scratch: scaled dot-product and multi-head attention, positional encodings, padding masks.
//! See this crate's README for the plan of the unit.
