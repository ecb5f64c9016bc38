//! Unit 7's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit7-rnn --features exercise`.

use course_core::exercises::assert_all_pass;
use unit7_rnn::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit7_rnn::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit7_rnn::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit7", &tasks::<Learner>());
}
