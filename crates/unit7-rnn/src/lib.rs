//! Unit 7: Recurrent neural networks.
//!
//! Coming with issue #6: the bidirectional LSTM with real variable-length handling, GRU and plain RNN variants, and an LSTM cell written from its equations.
//! See this crate's README for the plan of the unit.
