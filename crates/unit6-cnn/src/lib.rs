//! Unit 6: Convolutional neural networks.
//!
//! Coming with issue #6: the course's text CNN (filter widths 3, 4, 5; global max-pool; dropout) and a small 2-D CNN on generated images.
//! See this crate's README for the plan of the unit.
