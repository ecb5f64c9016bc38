//! Unit 8's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit8-transformers --features exercise`.

use course_core::exercises::assert_all_pass;
use unit8_transformers::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit8_transformers::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit8_transformers::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit8", &tasks::<Learner>());
}
