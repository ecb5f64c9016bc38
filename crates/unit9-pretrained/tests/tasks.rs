//! Unit 9's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit9-pretrained --features exercise`.

use unit9_pretrained::tasks::tasks;

#[cfg(feature = "exercise")]
type Answers = unit9_pretrained::Exercise;
#[cfg(not(feature = "exercise"))]
type Answers = unit9_pretrained::Solution;

fn main() {
    course_core::exercises::runner::main("unit9", &tasks::<Answers>());
}
