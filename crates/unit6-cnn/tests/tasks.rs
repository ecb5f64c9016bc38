//! Unit 6's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit6-cnn --features exercise`.

use unit6_cnn::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit6_cnn::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit6_cnn::Solution;

fn main() {
    course_core::exercises::runner::main("unit6", &tasks::<Answers>());
}
