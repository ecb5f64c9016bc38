//! Unit 2's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit2-neural-networks --features exercise`.

use unit2_neural_networks::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit2_neural_networks::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit2_neural_networks::Solution;

fn main() {
    course_core::exercises::runner::main("unit2", &tasks::<Answers>());
}
