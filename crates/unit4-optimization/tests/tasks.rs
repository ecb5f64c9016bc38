//! Unit 4's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit4-optimization --features exercise`.

use unit4_optimization::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit4_optimization::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit4_optimization::Solution;

fn main() {
    course_core::exercises::runner::main("unit4", &tasks::<Answers>());
}
