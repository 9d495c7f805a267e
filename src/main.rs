//! fleetpoll binary: CLI glue only. Parse arguments, run the subcommand on one tokio runtime,
//! map its outcome to the exit status (0 healthy, 1 warnings, 2 critical / not polled,
//! 3 the run could not be done).

fn main() {
    std::process::exit(fleetpoll::cli::main());
}
