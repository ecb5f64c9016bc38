//! Unit 1's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit1-fundamentals --features exercise`.

use unit1_fundamentals::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit1_fundamentals::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit1_fundamentals::Solution;

fn main() {
    course_core::exercises::runner::main("unit1", &tasks::<Answers>());
}
