//! Unit 2's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit2-neural-networks --features exercise`.

use course_core::exercises::assert_all_pass;
use unit2_neural_networks::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit2_neural_networks::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit2_neural_networks::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit2", &tasks::<Learner>());
}
