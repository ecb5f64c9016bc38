//! Unit 4's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit4-optimization --features exercise`.

use course_core::exercises::assert_all_pass;
use unit4_optimization::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit4_optimization::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit4_optimization::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit4", &tasks::<Learner>());
}
