//! Where tensors live: the GPU when libtorch sees one, else the CPU.

use tch::{Device, Tensor};

/// CUDA device 0 when available, else the CPU. Set `COURSE_DEVICE=cpu` to force the CPU.
pub fn best_device() -> Device {
    if std::env::var("COURSE_DEVICE").is_ok_and(|d| d.eq_ignore_ascii_case("cpu")) {
        return Device::Cpu;
    }
    Device::cuda_if_available()
}

/// A short human description, e.g. `CPU (2 threads)` or `CUDA:0 (1 GPU)`.
pub fn describe(device: Device) -> String {
    match device {
        Device::Cuda(i) => format!("CUDA:{i} ({} GPU)", tch::Cuda::device_count()),
        _ => format!("CPU ({} threads)", tch::get_num_threads()),
    }
}

/// libtorch's random generator is global to the process. Code that seeds it and then draws
/// from it (weight initialisation, dropout) while other threads do the same, as parallel tests
/// do, gets someone else's numbers. Holding this lock keeps such a section to one thread.
pub fn exclusive_torch_rng() -> std::sync::MutexGuard<'static, ()> {
    static TORCH_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TORCH_RNG
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A tensor just made on the CPU, moved to `device`. When that is the CPU there is nothing to
/// do, and skipping the library call matters for small models, which make several such
/// tensors per training step.
pub fn from_cpu(tensor: Tensor, device: Device) -> Tensor {
    if device == Device::Cpu {
        tensor
    } else {
        tensor.to_device(device)
    }
}
