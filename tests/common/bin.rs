//! The `fleetpoll` binary of this build (`env!("CARGO_BIN_EXE_fleetpoll")` is set for every
//! integration test crate, so it works from here too).

use std::path::Path;
use std::process::{Command, Output};

/// The binary's path.
pub const PATH: &str = env!("CARGO_BIN_EXE_fleetpoll");

/// The binary, run from the repository with `RUST_LOG` unset (its stderr is its own).
pub fn fleetpoll() -> Command {
    let mut c = Command::new(PATH);
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG");
    c
}

/// Run the binary with `args` and wait for it.
pub fn run(args: &[&str]) -> Output {
    output(fleetpoll().args(args))
}

/// Run the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    output(fleetpoll().current_dir(dir).args(args))
}

/// Run `cmd` to its end.
pub fn output(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// Run `cmd` to its end off the async runtime, so that a simulated fleet in this process
/// keeps answering meanwhile.
pub async fn output_async(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || output(&mut cmd))
        .await
        .unwrap()
}

/// [`run`] off the async runtime (see [`output_async`]).
pub async fn run_async<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    let mut cmd = fleetpoll();
    cmd.args(args);
    output_async(cmd).await
}

/// The exit code, -1 when killed by a signal.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
