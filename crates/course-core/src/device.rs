//! Where tensors live: `--device auto|cpu|cuda|cuda:N|mps`.
//!
//! `auto` takes the first CUDA GPU when libtorch sees one, else the CPU. Apple's GPU (`mps`) is
//! used only when asked: the course's figures and tests are from the CPU, and nothing here has
//! measured MPS to be right and faster for a unit. Each decision is a function of what the
//! machine has ([`DevicesHere`]), so that a test can give any machine; the probes that read the
//! real machine are the few lines of [`DevicesHere::probe`] and [`cuda_runs`].

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use tch::{Device, Kind, Tensor};

/// Where to train, as `--device` and `config.json` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// A CUDA GPU when there is one, else the CPU.
    #[default]
    Auto,
    Cpu,
    /// CUDA GPU number N (`cuda` is `cuda:0`).
    Cuda(usize),
    /// Apple's GPU (Metal Performance Shaders).
    Mps,
}

impl FromStr for DeviceChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<DeviceChoice, String> {
        let text = text.trim().to_ascii_lowercase();
        let unknown = || {
            format!("unknown device '{text}': give auto, cpu, cuda, cuda:N (N = 0, 1, ...) or mps")
        };
        Ok(match text.as_str() {
            "auto" => DeviceChoice::Auto,
            "cpu" => DeviceChoice::Cpu,
            "cuda" => DeviceChoice::Cuda(0),
            "mps" => DeviceChoice::Mps,
            _ => match text.strip_prefix("cuda:") {
                Some(index) => DeviceChoice::Cuda(index.parse().map_err(|_| unknown())?),
                None => return Err(unknown()),
            },
        })
    }
}

impl fmt::Display for DeviceChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceChoice::Auto => write!(f, "auto"),
            DeviceChoice::Cpu => write!(f, "cpu"),
            DeviceChoice::Cuda(index) => write!(f, "cuda:{index}"),
            DeviceChoice::Mps => write!(f, "mps"),
        }
    }
}

// As text in config.json ("cuda" from runs saved before cuda:N reads as cuda:0).
impl Serialize for DeviceChoice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeviceChoice {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// What libtorch can use on this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevicesHere {
    pub cuda_gpus: usize,
    /// Apple's GPU, through a libtorch built with MPS (macOS 12.3 or newer on Apple silicon).
    pub mps: bool,
    /// `COURSE_DEVICE=cpu` is set: `auto` means the CPU.
    pub cpu_forced: bool,
}

impl DevicesHere {
    /// The probe: libtorch's own answers.
    pub fn probe() -> DevicesHere {
        DevicesHere {
            cuda_gpus: tch::Cuda::device_count().max(0) as usize,
            mps: tch::utils::has_mps(),
            cpu_forced: std::env::var("COURSE_DEVICE").is_ok_and(|d| d.eq_ignore_ascii_case("cpu")),
        }
    }
}

/// A device and why it is the one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenDevice {
    pub device: Device,
    pub why: String,
}

impl fmt::Display for ChosenDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", describe(self.device), self.why)
    }
}

impl DeviceChoice {
    /// The device this choice means on a machine that has `here`, and why; for a device that
    /// is not there, an error that says so and what to do instead.
    pub fn resolve(self, here: &DevicesHere) -> Result<ChosenDevice> {
        let chosen = |device, why: &str| ChosenDevice {
            device,
            why: why.to_string(),
        };
        Ok(match self {
            DeviceChoice::Auto if here.cpu_forced => chosen(Device::Cpu, "COURSE_DEVICE=cpu"),
            DeviceChoice::Auto if here.cuda_gpus > 0 => chosen(
                Device::Cuda(0),
                "--device auto takes the first CUDA GPU libtorch sees",
            ),
            DeviceChoice::Auto if here.mps => chosen(
                Device::Cpu,
                "--device auto: no CUDA GPU; Apple's GPU is used only when asked, with --device mps",
            ),
            DeviceChoice::Auto => chosen(Device::Cpu, "--device auto: libtorch sees no CUDA GPU"),
            DeviceChoice::Cpu => chosen(Device::Cpu, "--device cpu"),
            DeviceChoice::Cuda(_) if here.cuda_gpus == 0 => bail!(
                "--device {self}: libtorch sees no CUDA device on this machine (no NVIDIA GPU, no \
                 driver, or a torch without CUDA in .venv). Train on the CPU with --device cpu \
                 (or --device auto, which takes a GPU only when there is one)"
            ),
            DeviceChoice::Cuda(index) if index >= here.cuda_gpus => bail!(
                "--device {self}: libtorch sees {} CUDA GPU{}, cuda:0{}; give one of those",
                here.cuda_gpus,
                if here.cuda_gpus == 1 { "" } else { "s" },
                match here.cuda_gpus {
                    1 => String::new(),
                    n => format!(" to cuda:{}", n - 1),
                }
            ),
            DeviceChoice::Cuda(index) => chosen(Device::Cuda(index), &format!("--device {self}")),
            DeviceChoice::Mps if !here.mps => bail!(
                "--device mps: libtorch has no MPS device here (Apple's GPU needs a Mac with \
                 Apple silicon, macOS 12.3 or newer and the macOS torch wheel). Train on the CPU \
                 with --device cpu"
            ),
            DeviceChoice::Mps => chosen(Device::Mps, "--device mps: Apple's GPU, as asked"),
        })
    }

    /// [`DeviceChoice::resolve`] on this machine, and for a CUDA GPU a first small computation
    /// on it: checked before any work, so a device that is not there, or a GPU that this
    /// libtorch has no kernels for, is one clear error, not a libtorch trace deep inside a run.
    pub fn on_this_machine(self) -> Result<ChosenDevice> {
        let chosen = self.resolve(&DevicesHere::probe())?;
        if let Device::Cuda(index) = chosen.device {
            if let Err(error) = cuda_runs(index) {
                bail!(cuda_failure(index, &error, gpu_capability(index)));
            }
        }
        Ok(chosen)
    }

    /// The device without the checks (they ran when the run started): what the Trainer uses.
    pub fn device(self) -> Device {
        match self {
            DeviceChoice::Auto => best_device(),
            DeviceChoice::Cpu => Device::Cpu,
            DeviceChoice::Cuda(index) => Device::Cuda(index),
            DeviceChoice::Mps => Device::Mps,
        }
    }
}

/// What `--device auto` means here: CUDA device 0 when available, else the CPU
/// (`COURSE_DEVICE=cpu` forces the CPU).
pub fn best_device() -> Device {
    // `auto` is never refused: the CPU is always there.
    DeviceChoice::Auto
        .resolve(&DevicesHere::probe())
        .map_or(Device::Cpu, |chosen| chosen.device)
}

/// A short human description, e.g. `CPU (2 threads)`, `CUDA:0 (of 1 GPU)`, `MPS (Apple GPU)`.
pub fn describe(device: Device) -> String {
    match device {
        Device::Cuda(i) => format!("CUDA:{i} (of {} GPU)", tch::Cuda::device_count()),
        Device::Mps => "MPS (Apple GPU)".to_string(),
        Device::Vulkan => "Vulkan".to_string(),
        Device::Cpu => format!("CPU ({} threads)", tch::get_num_threads()),
    }
}

/// The compute capabilities (major, minor) torch 2.4.0's CUDA 12.1 wheel has kernels for:
/// sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90, with no PTX to compile for newer GPUs. A kernel
/// built for X.Y also runs on X.Z with Z >= Y, so the wheel drives 5.0 to 9.x.
pub const WHEEL_CUDA_CAPABILITIES: [(u32, u32); 7] =
    [(5, 0), (6, 0), (7, 0), (7, 5), (8, 0), (8, 6), (9, 0)];

/// Whether the wheel has kernels for a GPU of compute capability `(major, minor)`.
pub fn wheel_drives(capability: (u32, u32)) -> bool {
    let (major, minor) = capability;
    WHEEL_CUDA_CAPABILITIES
        .iter()
        .any(|&(built_major, built_minor)| built_major == major && built_minor <= minor)
}

/// The error for a CUDA GPU on which a first computation failed.
pub fn cuda_failure(index: usize, error: &str, capability: Option<(u32, u32)>) -> String {
    let first_line = error.lines().next().unwrap_or(error);
    let gpu = match capability {
        Some(cap) if !wheel_drives(cap) => format!(
            "this GPU has compute capability {}.{}, and torch 2.4.0's CUDA 12.1 wheel has kernels \
             for 5.0 to 9.x only (Maxwell to Hopper: GTX 900 series to H100; not Blackwell, \
             RTX 50 series or B100/B200, which are 10.0 and up)",
            cap.0, cap.1
        ),
        Some(cap) => format!(
            "this GPU has compute capability {}.{}, which the wheel drives",
            cap.0, cap.1
        ),
        None => "its compute capability is unknown (nvidia-smi did not say)".to_string(),
    };
    format!(
        "--device cuda:{index}: a first computation on the GPU failed: {first_line}. {gpu}. \
         Train on the CPU with --device cpu (docs/setup.md, 'NVIDIA GPUs', says which GPUs work)"
    )
}

/// The probe: a small sum on GPU `index`, read back on the CPU (CUDA reports a missing kernel
/// when the work runs, so the result is waited for).
pub fn cuda_runs(index: usize) -> Result<(), String> {
    let on_gpu = || -> Result<f64, tch::TchError> {
        let x = Tensor::f_ones([4], (Kind::Float, Device::Cuda(index)))?;
        x.f_mul_scalar(2.0)?
            .f_sum(Kind::Float)?
            .f_to_device(Device::Cpu)?
            .f_double_value(&[])
    };
    match on_gpu() {
        Ok(8.0) => Ok(()),
        Ok(sum) => Err(format!("2 * ones(4) summed to {sum}, not 8")),
        Err(error) => Err(error.to_string()),
    }
}

/// The GPU's compute capability, from `nvidia-smi` (absent on older drivers: `None`).
fn gpu_capability(index: usize) -> Option<(u32, u32)> {
    let output = std::process::Command::new("nvidia-smi")
        .args([
            "--query-gpu=compute_cap",
            "--format=csv,noheader",
            &format!("--id={index}"),
        ])
        .output()
        .ok()?;
    parse_capability(&String::from_utf8_lossy(&output.stdout))
}

/// `"8.6\n"` -> `(8, 6)`.
pub fn parse_capability(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
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

#[cfg(test)]
mod tests {
    use super::*;

    const CPU_ONLY: DevicesHere = DevicesHere {
        cuda_gpus: 0,
        mps: false,
        cpu_forced: false,
    };
    const TWO_GPUS: DevicesHere = DevicesHere {
        cuda_gpus: 2,
        ..CPU_ONLY
    };
    const A_MAC: DevicesHere = DevicesHere {
        mps: true,
        ..CPU_ONLY
    };

    fn device(choice: &str, here: &DevicesHere) -> Device {
        choice
            .parse::<DeviceChoice>()
            .unwrap()
            .resolve(here)
            .unwrap()
            .device
    }

    fn refusal(choice: &str, here: &DevicesHere) -> String {
        let choice: DeviceChoice = choice.parse().unwrap();
        choice.resolve(here).unwrap_err().to_string()
    }

    #[test]
    fn device_names_read_and_write_as_the_flag_says_them() {
        for (text, choice) in [
            ("auto", DeviceChoice::Auto),
            ("CPU", DeviceChoice::Cpu),
            ("cuda", DeviceChoice::Cuda(0)),
            ("cuda:1", DeviceChoice::Cuda(1)),
            ("mps", DeviceChoice::Mps),
        ] {
            assert_eq!(text.parse::<DeviceChoice>().unwrap(), choice);
        }
        assert_eq!(DeviceChoice::Cuda(1).to_string(), "cuda:1");
        for wrong in ["gpu", "cuda:", "cuda:-1", "cuda:x", "metal"] {
            let error = wrong.parse::<DeviceChoice>().unwrap_err();
            assert!(error.contains("cuda:N") && error.contains("mps"), "{error}");
        }
        // config.json: a string, and runs saved before cuda:N ("cuda") still read.
        let saved = serde_json::to_string(&DeviceChoice::Cuda(2)).unwrap();
        assert_eq!(saved, "\"cuda:2\"");
        let old: DeviceChoice = serde_json::from_str("\"cuda\"").unwrap();
        assert_eq!(old, DeviceChoice::Cuda(0));
        assert!(serde_json::from_str::<DeviceChoice>("\"tpu\"").is_err());
    }

    #[test]
    fn auto_takes_a_cuda_gpu_else_the_cpu_and_never_mps_unasked() {
        assert_eq!(device("auto", &TWO_GPUS), Device::Cuda(0));
        assert_eq!(device("auto", &CPU_ONLY), Device::Cpu);
        assert_eq!(device("auto", &A_MAC), Device::Cpu);
        let why = DeviceChoice::Auto.resolve(&A_MAC).unwrap().why;
        assert!(
            why.contains("--device mps"),
            "a Mac learner is told how: {why}"
        );
        let forced = DevicesHere {
            cpu_forced: true,
            ..TWO_GPUS
        };
        assert_eq!(device("auto", &forced), Device::Cpu);
        // Asked by name, a device is used even where auto would not take it.
        assert_eq!(device("cuda:1", &TWO_GPUS), Device::Cuda(1));
        assert_eq!(device("mps", &A_MAC), Device::Mps);
        assert_eq!(device("cpu", &TWO_GPUS), Device::Cpu);
    }

    #[test]
    fn a_device_that_is_not_there_is_an_error_that_says_what_to_do() {
        let error = refusal("cuda", &CPU_ONLY);
        assert!(
            error.contains("sees no CUDA device") && error.contains("--device cpu"),
            "{error}"
        );
        let error = refusal("cuda:2", &TWO_GPUS);
        assert!(
            error.contains("sees 2 CUDA GPUs, cuda:0 to cuda:1"),
            "{error}"
        );
        let one = DevicesHere {
            cuda_gpus: 1,
            ..CPU_ONLY
        };
        assert!(refusal("cuda:1", &one).contains("sees 1 CUDA GPU, cuda:0;"));
        let error = refusal("mps", &TWO_GPUS);
        assert!(
            error.contains("no MPS device") && error.contains("--device cpu"),
            "{error}"
        );
    }

    #[test]
    fn the_wheel_drives_maxwell_to_hopper_and_says_so_for_newer_gpus() {
        for driven in [
            (5, 0),
            (6, 1),
            (7, 0),
            (7, 5),
            (8, 0),
            (8, 6),
            (8, 9),
            (9, 0),
        ] {
            assert!(wheel_drives(driven), "{driven:?}");
        }
        for not_driven in [(3, 7), (10, 0), (12, 0)] {
            assert!(!wheel_drives(not_driven), "{not_driven:?}");
        }
        let error = cuda_failure(
            0,
            "CUDA error: no kernel image is available\nframe #0",
            Some((12, 0)),
        );
        assert!(
            error.contains("12.0") && error.contains("5.0 to 9.x"),
            "{error}"
        );
        assert!(
            error.contains("--device cpu") && !error.contains("frame #0"),
            "{error}"
        );
        assert_eq!(parse_capability("8.6\n"), Some((8, 6)));
        assert_eq!(parse_capability("[N/A]"), None);
    }

    #[test]
    fn this_machine_resolves_the_cpu() {
        let chosen = DeviceChoice::Cpu.on_this_machine().unwrap();
        assert_eq!(chosen.device, Device::Cpu);
        assert!(chosen.to_string().starts_with("CPU ("), "{chosen}");
    }
}
