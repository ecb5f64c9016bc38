//! Unit 9's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit9-pretrained --features exercise`.

use course_core::exercises::assert_all_pass;
use unit9_pretrained::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit9_pretrained::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit9_pretrained::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit9", &tasks::<Learner>());
}
