//! Where tensors live: the GPU when libtorch sees one, else the CPU.

use tch::Device;

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
