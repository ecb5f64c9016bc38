//! The memory allocator of every course program: jemalloc, for Rust *and* libtorch.
//!
//! libtorch allocates a fresh buffer for most intermediate tensors, and batches of padded reviews
//! change shape from one step to the next. glibc's `malloc` serves such a stream of large blocks
//! of ever-changing sizes from heaps that keep growing: fine-tuning MiniLM in unit 9 reached
//! 14 GB on the 1,000-review sample, and was killed for lack of memory on the full data. jemalloc
//! sorts blocks into size classes and reuses freed ones; the same run peaks at 3 GB.
//!
//! With the `unprefixed_malloc_on_supported_platforms` feature, jemalloc defines `malloc`,
//! `free`, `posix_memalign`, ... in the program itself, and the dynamic linker resolves
//! libtorch's calls to the program's definitions before glibc's, so tensors use it too (Linux
//! only; elsewhere the platform's allocator stays).

#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when the program starts (`MALLOC_CONF` in the environment overrides
/// them). By default jemalloc hands freed pages back to the system after 10 s and takes them
/// again on the next allocation: with libtorch's large tensors that cost the unit 9 fine-tuning
/// 147 million page faults and 60 % more time. A training program reaches its peak memory
/// within the first batches and stays there, so the pages are kept until the program ends.
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[export_name = "malloc_conf"]
static MALLOC_CONF: &[u8; 36] = b"dirty_decay_ms:-1,muzzy_decay_ms:-1\0";
