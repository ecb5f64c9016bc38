//! Unit 3's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit3-trainer --features exercise`.

use unit3_trainer::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit3_trainer::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit3_trainer::Solution;

fn main() {
    course_core::exercises::runner::main("unit3", &tasks::<Answers>());
}
