//! Ctrl-C (SIGINT) and SIGTERM while a model trains: the trainer finishes the step it is in,
//! saves a checkpoint, says how to continue, and stops. A second signal, or one that comes while
//! nothing trains (reading data, predicting), stops the program at once, as usual.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// Set by the first signal during training.
static REQUESTED: AtomicBool = AtomicBool::new(false);
/// True except while [`StopRequests`] lives: a signal then ends the program at once.
static NOT_TRAINING: AtomicBool = AtomicBool::new(true);

fn install_handlers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        for &signal in signal_hook::consts::TERM_SIGNALS {
            // In this order: a signal first checks whether to end at once, then sets the flag.
            let exit_code = 128 + signal;
            let _ =
                signal_hook::flag::register_conditional_shutdown(signal, exit_code, &NOT_TRAINING);
            let _ = signal_hook::flag::register_conditional_shutdown(signal, exit_code, &REQUESTED);
            let _ = signal_hook::flag::register(signal, &REQUESTED);
        }
    });
}

/// While it lives, a signal asks the trainer to stop at the next step instead of ending the
/// program.
pub struct StopRequests(());

impl StopRequests {
    /// From now until the value is dropped, Ctrl-C and SIGTERM ask to stop instead of ending.
    pub fn listen() -> StopRequests {
        install_handlers();
        REQUESTED.store(false, Ordering::SeqCst);
        NOT_TRAINING.store(false, Ordering::SeqCst);
        StopRequests(())
    }

    /// Whether a signal asked to stop.
    pub fn stop_requested(&self) -> bool {
        REQUESTED.load(Ordering::SeqCst)
    }
}

/// Whether a signal asked the last training to stop (it then saved a checkpoint and returned
/// an error): a program that trains several models in a row stops there too.
pub fn stop_was_requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

impl Drop for StopRequests {
    fn drop(&mut self) {
        NOT_TRAINING.store(true, Ordering::SeqCst);
    }
}
