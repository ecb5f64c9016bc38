//! libtorch's tensors must come from jemalloc (src/allocator.rs): glibc's heap grew to 14 GB
//! while fine-tuning in unit 9. jemalloc counts what it has handed out; a large tensor made by
//! libtorch must show in that count. (Its own test binary: no other test allocates meanwhile.)
#![cfg(all(target_os = "linux", not(target_env = "msvc")))]

use tikv_jemalloc_ctl::{epoch, stats};

fn allocated_by_jemalloc() -> usize {
    epoch::advance().expect("jemalloc refreshes its statistics");
    stats::allocated::read().expect("jemalloc reports what it has allocated")
}

#[test]
fn libtorch_tensors_are_allocated_by_jemalloc() {
    // Link course-core (which sets the allocator) into this test binary.
    let _ = course_core::workspace_root();
    let before = allocated_by_jemalloc();
    let tensor = tch::Tensor::zeros([64, 1024, 1024], (tch::Kind::Float, tch::Device::Cpu));
    let during = allocated_by_jemalloc();
    let bytes = 64 * 1024 * 1024 * 4;
    assert!(
        during >= before + bytes,
        "a {bytes}-byte tensor raised jemalloc's count by only {} bytes: libtorch is not \
         allocating through jemalloc",
        during.saturating_sub(before)
    );
    drop(tensor);
    assert!(
        allocated_by_jemalloc() + bytes <= during,
        "freeing the tensor did not give its memory back to jemalloc"
    );
}
