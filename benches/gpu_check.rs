//! `make gpu-check`'s first half: that libtorch sees the GPU and computes on it, and that every
//! architecture of the course gives the same logits on the GPU as on the CPU, on the same
//! weights and the same batch (within `models::RELATIVE_TOLERANCE`). Prints a table with the
//! wall times of both passes; exits non-zero on any failure. The second half of `make
//! gpu-check` is every unit's quick leaderboard row with `--device cuda`.
//!
//! `cargo run -p course-benches --bin gpu-check [-- cuda:N]`

use course_benches::models::{cases, compare_forward, RELATIVE_TOLERANCE};
use course_core::device::DeviceChoice;
use std::process::ExitCode;

fn main() -> ExitCode {
    let choice: DeviceChoice = match std::env::args().nth(1).unwrap_or("cuda".into()).parse() {
        Ok(choice) => choice,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "libtorch sees {} CUDA GPU(s); cuDNN {}",
        tch::Cuda::device_count(),
        if tch::Cuda::cudnn_is_available() {
            "available"
        } else {
            "not available"
        }
    );
    let device = match choice.on_this_machine() {
        Ok(chosen) => chosen,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    println!("Device: {device}; a first computation on it gave the right sum\n");
    println!(
        "| architecture | length | CPU forward (ms) | {} forward (ms) | largest difference | allowed | |",
        choice
    );
    println!("|---|---|---|---|---|---|---|");
    let mut failures = 0;
    for (build, length) in cases(&[256]) {
        tch::manual_seed(1);
        let Some(outcome) = compare_forward(&*build, length, device.device) else {
            println!("| minilm | 256 | | | | | skipped: models/all-minilm-l6-v2 is missing (make models) |");
            continue;
        };
        match outcome {
            Ok(c) => {
                let verdict = if c.agrees() { "ok" } else { "DIFFERS" };
                failures += usize::from(!c.agrees());
                println!(
                    "| {} | {} | {:.1} | {:.1} | {:.2e} | {:.2e} | {verdict} |",
                    c.name,
                    c.length.map_or("-".into(), |l| l.to_string()),
                    c.cpu_ms,
                    c.device_ms,
                    c.largest_difference,
                    RELATIVE_TOLERANCE * c.scale
                );
            }
            Err(error) => {
                failures += 1;
                println!("| {length:?} | | | | | | FAILED: {error:#} |");
            }
        }
    }
    if failures > 0 {
        eprintln!("\n{failures} architecture(s) failed on {choice}");
        return ExitCode::FAILURE;
    }
    println!("\nEvery architecture gives the CPU's logits on {choice}.");
    ExitCode::SUCCESS
}
