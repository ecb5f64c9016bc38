//! One helper for the build scripts of every crate that links libtorch.
//!
//! `torch-sys` finds libtorch while building, but the binaries it produces still have to find
//! `libtorch_cpu.so` and friends when they *run*. Rather than asking learners to export
//! `LD_LIBRARY_PATH`, each crate's `build.rs` calls [`configure`], which:
//!
//! * bakes the libtorch folder into the binary as an rpath, so `cargo run`, `cargo test` and a
//!   binary started by hand all find it;
//! * keeps `libtorch_cuda.so` linked when the libtorch has one. Without this the linker drops it
//!   as "unused" and `Device::cuda_if_available()` silently answers CPU on a GPU machine
//!   (tch-rs issues 907 and 980).
//!
//! The crate calling it must depend on `torch-sys` directly: cargo only hands the
//! `DEP_TCH_LIBTORCH_LIB` variable to build scripts of direct dependents.

use std::env;
use std::path::Path;

/// Emits the linker arguments described in the crate documentation.
pub fn configure() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    let Ok(lib_dir) = env::var("DEP_TCH_LIBTORCH_LIB") else {
        println!(
            "cargo:warning=DEP_TCH_LIBTORCH_LIB is not set: add `torch-sys` to this crate's \
             [dependencies] so its build script learns where libtorch is"
        );
        return;
    };
    // Binaries, tests, examples and benches of the calling crate all get the rpath.
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib_dir}");
    if Path::new(&lib_dir).join("libtorch_cuda.so").exists() {
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed");
        println!("cargo:rustc-link-arg=-ltorch_cuda");
    }
}
