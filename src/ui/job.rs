//! A piece of work on its own thread whose result the window picks up when it is ready.

use std::sync::mpsc::{Receiver, channel};

/// Work running on a worker thread; [`Job::poll`] gives its result once, without waiting.
pub struct Job<T> {
    result: Receiver<T>,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a new thread named `name`; `wake` is called when it is done.
    pub fn start(
        name: &str,
        work: impl FnOnce() -> T + Send + 'static,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, result) = channel();
        let spawned = std::thread::Builder::new()
            .name(format!("facelab-{name}"))
            .spawn(move || {
                let _ = sender.send(work());
                wake();
            });
        if let Err(error) = spawned {
            log::error!("cannot start the {name} thread: {error}");
        }
        Self { result }
    }

    /// The result, once the work is done (`None` before, and forever if the thread died).
    pub fn poll(&self) -> Option<T> {
        self.result.try_recv().ok()
    }
}
