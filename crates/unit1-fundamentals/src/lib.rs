//! Unit 1: Deep learning fundamentals.
//!
//! Coming with issue #4: the perceptron in plain Rust, then with tensors; logistic regression with the gradient written by hand and then with autograd; feature standardisation; learning-rate experiments; a plot of the decision boundary.
//! See this crate's README for the plan of the unit.
