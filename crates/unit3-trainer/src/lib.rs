//! Unit 3: The trainer and experiment tracking.
//!
//! Coming with issue #3: the course's bag-of-words model trained through the core `Trainer` (the role Lightning plays), with every run logged, checkpointed and compared (the role W&B plays).
//! See this crate's README for the plan of the unit.
