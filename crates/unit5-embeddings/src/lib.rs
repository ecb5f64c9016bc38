//! Unit 5: Word embeddings.
//!
//! Coming with issue #5: reviews as sequences of word ids; a learned embedding table with masked averaging; GloVe vectors; word2vec trained on the 50,000 unlabelled reviews.
//! See this crate's README for the plan of the unit.
