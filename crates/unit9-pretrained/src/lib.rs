//! Unit 9: Pre-trained models.
//!
//! Coming with issue #7: sequence classification with rust-bert: fine-tuning a pre-trained encoder and training only the head of one already tuned for sentiment.
//! See this crate's README for the plan of the unit.
