//! Unit 4: Optimising neural nets.
//!
//! Coming with issue #4: the MLP (2,000 terms -> 10 -> 2) and the tools to improve it: optimisers, weight decay, learning-rate schedules and finder, batch norm, dropout, early stopping, and a hyper-parameter search.
//! See this crate's README for the plan of the unit.
