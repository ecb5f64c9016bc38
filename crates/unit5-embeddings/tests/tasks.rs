//! Unit 5's tasks: against the solution by default, against your exercise with
//! `cargo test -p unit5-embeddings --features exercise`.

use course_core::exercises::assert_all_pass;
use unit5_embeddings::tasks::tasks;

#[cfg(feature = "exercise")]
type Learner = unit5_embeddings::Exercise;
#[cfg(not(feature = "exercise"))]
type Learner = unit5_embeddings::Solution;

#[test]
fn every_task_passes() {
    assert_all_pass("unit5", &tasks::<Learner>());
}
