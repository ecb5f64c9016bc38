//! Unit 3's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit3-trainer --features exercise`.

use course_core::exercises::assert_all_pass;
use unit3_trainer::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit3_trainer::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit3_trainer::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit3", &tasks::<Learner>());
}
