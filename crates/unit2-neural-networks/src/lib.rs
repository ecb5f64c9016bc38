//! Unit 2: neural networks, and the bag-of-words baseline trained by a hand-written loop.
//!
//! * [`model`]: `Linear(10000, 2)` over word counts, the course's baseline.
//! * [`training`]: the training loop written out step by step (forward, loss, backward, step).
//! * [`run`]: the whole job: read, vectorise, train, predict, write a submission.

pub mod model;
pub mod run;
pub mod training;
