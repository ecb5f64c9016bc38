//! Unit 6's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit6-cnn --features exercise`.

use course_core::exercises::assert_all_pass;
use unit6_cnn::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit6_cnn::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit6_cnn::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit6", &tasks::<Learner>());
}
