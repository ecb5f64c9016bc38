//! Unit 1's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit1-fundamentals --features exercise`.

use course_core::exercises::assert_all_pass;
use unit1_fundamentals::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit1_fundamentals::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit1_fundamentals::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit1", &tasks::<Learner>());
}
