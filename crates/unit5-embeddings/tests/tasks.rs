//! Unit 5's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit5-embeddings --features exercise`.

use unit5_embeddings::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit5_embeddings::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit5_embeddings::Solution;

fn main() {
    course_core::exercises::runner::main("unit5", &tasks::<Answers>());
}
