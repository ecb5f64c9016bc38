//! Unit 8's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit8-transformers --features exercise`.

use unit8_transformers::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit8_transformers::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit8_transformers::Solution;

fn main() {
    course_core::exercises::runner::main("unit8", &tasks::<Answers>());
}
