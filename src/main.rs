//! The `facelab` binary: the command line (and, with no subcommand, its help).

use clap::Parser;

fn main() -> std::process::ExitCode {
    // SAFETY: the first statement of main; no other thread has started.
    unsafe { facelab::thread_tuning::shorten_candle_worker_spin() };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = facelab::cli::Cli::parse();
    match facelab::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("facelab: {}", facelab::cli::error_text(&error));
            std::process::ExitCode::FAILURE
        }
    }
}
