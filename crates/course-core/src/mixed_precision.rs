//! Mixed precision on the CPU: the matrix products in bfloat16, everything else in float32.
//!
//! bfloat16 is float32 with the last 16 bits of the mantissa cut off: the same 8-bit exponent
//! (the same range, so no loss scaling is needed), about 3 significant digits instead of 7.
//! Inside [`with_bf16`], libtorch's *autocast* casts the inputs of the products (`linear`,
//! `matmul`, `bmm`, convolutions, `scaled_dot_product_attention`, ...) to bfloat16 and leaves
//! the rest (softmax, layer norm, the loss) in float32. The weights stay float32: the optimiser
//! updates them there, and the gradients come back through the casts in float32. A CPU whose
//! vector unit multiplies bfloat16 pairs natively (AVX-512 BF16, AMX) does twice the products
//! per cycle; one without it converts them one by one and is slower than float32, so the
//! default ([`bf16_by_default`]) asks the processor first.
//!
//! tch 0.17's own `tch::autocast` switches CUDA's autocast only; the CPU's is switched here
//! through libtorch's C++ functions (the two declared in [`libtorch`]).

use serde::{Deserialize, Serialize};
use tch::Device;

/// Whether the forward passes compute their products in bfloat16 (`--bf16`; `bf16` in a run's
/// `config.json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Bf16 {
    /// float32 throughout (runs saved before this setting)
    #[default]
    Off,
    /// bfloat16 products on a CPU that multiplies them natively, else float32
    WhereNative,
    /// bfloat16 products wherever the model runs
    On,
}

impl Bf16 {
    /// Whether the products run in bfloat16 on `device` on this machine.
    pub fn here(self, device: Device) -> bool {
        match self {
            Bf16::Off => false,
            Bf16::On => true,
            Bf16::WhereNative => bf16_by_default(device, cpu_flags()),
        }
    }

    /// A line for the start of a run: which arithmetic, and why.
    pub fn describe(self, device: Device) -> &'static str {
        match (self, self.here(device)) {
            (Bf16::WhereNative, true) => {
                "Products in bfloat16: this CPU multiplies them natively (--bf16 off for float32)"
            }
            (Bf16::WhereNative, false) => {
                "Products in float32: bfloat16 would not be faster here (--bf16 on to try it)"
            }
            (Bf16::On, _) => "Products in bfloat16 (--bf16 on)",
            (Bf16::Off, _) => "Products in float32",
        }
    }
}

/// Whether training on `device` computes its products in bfloat16 when nobody says: on a CPU
/// whose flags (`/proc/cpuinfo`'s `flags` line) include native bfloat16 products. CUDA and MPS
/// stay float32 here: autocast there is another mechanism, not measured for this course.
pub fn bf16_by_default(device: Device, cpu_flags: &str) -> bool {
    device == Device::Cpu && has_bf16_products(cpu_flags)
}

/// Whether the flags name a bfloat16 dot-product instruction: AVX-512 BF16 (AMD Zen 4, Intel
/// Cooper Lake and Sapphire Rapids) or AMX BF16 (Intel Sapphire Rapids and later).
pub fn has_bf16_products(cpu_flags: &str) -> bool {
    cpu_flags
        .split_whitespace()
        .any(|flag| flag == "avx512_bf16" || flag == "amx_bf16")
}

/// This processor's feature flags: the `flags` line of `/proc/cpuinfo` on Linux, empty
/// elsewhere (macOS and others: no bfloat16 by default). Read once.
pub fn cpu_flags() -> &'static str {
    static FLAGS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FLAGS.get_or_init(|| {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("flags"))
            .and_then(|rest| rest.split_once(':'))
            .map(|(_, flags)| flags.trim().to_string())
            .unwrap_or_default()
    })
}

/// Runs `f` with the CPU's autocast on (bfloat16) when `enabled`, else just runs it. The
/// products inside come out in bfloat16: turn a result back with `.to_kind(Kind::Float)` where
/// float32 matters. Call it around one forward pass, not around a whole run: the bfloat16
/// copies of the weights are cached inside and thrown away on the way out, so the next pass
/// sees the weights the optimiser has just changed.
pub fn with_bf16<T>(enabled: bool, f: impl FnOnce() -> T) -> T {
    if !enabled {
        return f();
    }
    let was_on = libtorch::cpu_autocast_enabled();
    libtorch::set_cpu_autocast(true);
    libtorch::enter();
    // Switched back even if `f` panics, so a caught panic leaves no autocast behind.
    let _restore = Restore(was_on);
    f()
}

struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        if libtorch::leave() == 0 {
            libtorch::clear_cache();
        }
        libtorch::set_cpu_autocast(self.0);
    }
}

/// libtorch's autocast switches (`ATen/autocast_mode.h`, libtorch 2.4). tch's C wrapper has the
/// nesting and the cache but not the per-device switch, so that one is called by its C++ name.
/// `c10::DeviceType` is an `int8_t` enum (CPU = 0) and `at::ScalarType` an `int8_t` enum too.
mod libtorch {
    const CPU: i8 = 0;

    extern "C" {
        #[link_name = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb"]
        fn set_autocast_enabled(device: i8, enabled: bool);
        #[link_name = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE"]
        fn is_autocast_enabled(device: i8) -> bool;
    }

    pub fn set_cpu_autocast(enabled: bool) {
        // SAFETY: a plain setter of a thread-local flag in libtorch, linked through torch-sys.
        unsafe { set_autocast_enabled(CPU, enabled) }
    }

    pub fn cpu_autocast_enabled() -> bool {
        // SAFETY: a plain getter of the same flag.
        unsafe { is_autocast_enabled(CPU) }
    }

    pub fn enter() {
        // SAFETY: tch's C wrapper around `at::autocast::increment_nesting`.
        unsafe {
            torch_sys::at_autocast_increment_nesting();
        }
    }

    /// The nesting depth left after this exit.
    pub fn leave() -> i32 {
        // SAFETY: tch's C wrapper around `at::autocast::decrement_nesting`.
        unsafe { torch_sys::at_autocast_decrement_nesting() }
    }

    pub fn clear_cache() {
        // SAFETY: tch's C wrapper around `at::autocast::clear_cache`.
        unsafe { torch_sys::at_autocast_clear_cache() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Kind, Tensor};

    #[test]
    fn bf16_is_the_default_only_on_a_cpu_with_bf16_products() {
        let zen4 = "fpu sse2 avx2 fma avx512f avx512_bf16 avx512_vnni";
        let sapphire_rapids = "avx2 avx512f amx_bf16 amx_tile amx_int8";
        let older_xeon = "avx2 fma avx512f avx512_vnni";
        assert!(bf16_by_default(Device::Cpu, zen4));
        assert!(bf16_by_default(Device::Cpu, sapphire_rapids));
        assert!(!bf16_by_default(Device::Cpu, older_xeon));
        assert!(!bf16_by_default(Device::Cpu, ""), "no flags (macOS)");
        // A flag is a whole word: "avx512_bf16x" is not it.
        assert!(!bf16_by_default(Device::Cpu, "avx512_bf16x"));
        assert!(!bf16_by_default(Device::Cuda(0), zen4));
        assert!(!bf16_by_default(Device::Mps, zen4));
    }

    #[test]
    fn on_and_off_override_the_processor() {
        assert!(Bf16::On.here(Device::Cpu));
        assert!(!Bf16::Off.here(Device::Cpu));
        assert!(!Bf16::WhereNative.here(Device::Cuda(0)));
        let native = has_bf16_products(cpu_flags());
        assert_eq!(Bf16::WhereNative.here(Device::Cpu), native);
        assert_eq!(
            Bf16::WhereNative
                .describe(Device::Cpu)
                .contains("bfloat16:"),
            native
        );
    }

    #[test]
    fn the_setting_reads_as_config_json_writes_it() {
        let text = serde_json::to_string(&Bf16::WhereNative).unwrap();
        assert_eq!(text, "\"where-native\"");
        assert_eq!(
            serde_json::from_str::<Bf16>(&text).unwrap(),
            Bf16::WhereNative
        );
    }

    #[test]
    fn products_inside_are_bfloat16_and_outside_float32() {
        let a = Tensor::randn([4, 8], (Kind::Float, Device::Cpu));
        let b = Tensor::randn([8, 3], (Kind::Float, Device::Cpu));
        assert_eq!(with_bf16(true, || a.matmul(&b)).kind(), Kind::BFloat16);
        assert_eq!(with_bf16(false, || a.matmul(&b)).kind(), Kind::Float);
        assert_eq!(
            a.matmul(&b).kind(),
            Kind::Float,
            "switched off on the way out"
        );
        // Nested: the inner exit leaves the outer region on.
        let inner_then_outer = with_bf16(true, || {
            with_bf16(true, || ());
            a.matmul(&b).kind()
        });
        assert_eq!(inner_then_outer, Kind::BFloat16);
        // Off again even after a panic inside.
        let caught = std::panic::catch_unwind(|| with_bf16(true, || panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(a.matmul(&b).kind(), Kind::Float);
    }

    #[test]
    fn gradients_reach_the_float32_weights_and_match_float32() {
        let w = Tensor::randn([8, 3], (Kind::Float, Device::Cpu)).set_requires_grad(true);
        let x = Tensor::randn([16, 8], (Kind::Float, Device::Cpu));
        let loss = |bf16| {
            with_bf16(bf16, || x.matmul(&w))
                .to_kind(Kind::Float)
                .sum(None)
        };
        loss(false).backward();
        let exact = w.grad().copy();
        let _ = w.grad().zero_();
        loss(true).backward();
        let mixed = w.grad();
        assert_eq!(mixed.kind(), Kind::Float);
        let relative = (&mixed - &exact).norm().double_value(&[]) / exact.norm().double_value(&[]);
        assert!(relative < 1e-2, "bfloat16 gradient off by {relative}");
    }

    #[test]
    fn the_weights_changed_between_passes_are_seen() {
        // The cache of bfloat16 copies must not outlive a pass.
        let w = Tensor::ones([2, 2], (Kind::Float, Device::Cpu)).set_requires_grad(true);
        let x = Tensor::ones([1, 2], (Kind::Float, Device::Cpu));
        let first = with_bf16(true, || x.matmul(&w)).double_value(&[0, 0]);
        tch::no_grad(|| {
            let _ = w.shallow_clone().fill_(3.0);
        });
        let second = with_bf16(true, || x.matmul(&w)).double_value(&[0, 0]);
        assert_eq!((first, second), (2.0, 6.0));
    }
}
