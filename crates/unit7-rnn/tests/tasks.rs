//! Unit 7's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit7-rnn --features exercise`.

use unit7_rnn::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit7_rnn::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit7_rnn::Solution;

fn main() {
    course_core::exercises::runner::main("unit7", &tasks::<Answers>());
}
