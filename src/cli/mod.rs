//! Command-line interface: clap definitions and one module per subcommand. Data goes to
//! stdout or files; diagnostics go to stderr.

/// `eprintln!` that never panics: after SIGHUP the terminal may be gone, and a failed
/// diagnostic must not turn a run whose outputs are written into a crash.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// `println!` that never panics (stdout closed by the reader).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

mod check;
mod demo;
mod diff;
mod history;
mod inventory_cmd;
mod merge;
mod parse_cmd;
mod playbook_cmd;
mod poll;
mod report;
pub mod shard;
mod signals;
pub mod siminv;
mod simulate;
mod snapshot;
mod trend;
mod tty;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Exit statuses (Nagios-style).
pub use crate::outcome::exit;

#[derive(Parser, Debug)]
#[command(
    name = "fleetpoll",
    version,
    about = "Read-only health polling of Cisco WAAS, ASA and IOS fleets over SSH",
    long_about = "fleetpoll logs in to every device of an inventory over SSH, concurrently, runs the \
read-only show commands of a playbook, parses them into typed records and writes a fleet-wide \
health CSV.\n\nIt never sends configuration, clear, debug or reload commands: playbooks are \
checked before anything connects.",
    after_help = "Examples:\n  fleetpoll demo                                   # sweep a simulated fleet, no setup\n  fleetpoll check -i inventory/example.yaml        # the built-in health playbook, from any folder\n  fleetpoll playbook show health > my-health.yaml  # start your own playbook from it\n  fleetpoll poll -i inv.yaml -p my-health.yaml -o health.csv --limit 'group:dc1,&platform:cisco_asa,!tag:lab'\n  fleetpoll poll -i inv.yaml --jsonl health.jsonl --html report.html   # the page people look at\n  fleetpoll report --from health.jsonl --html report.html             # the page, after the fact\n  fleetpoll parse --platform cisco_asa --command 'show crypto isakmp sa' out.txt\n  fleetpoll poll -i inv.yaml -f findings.csv --history history.sqlite   # new / ongoing / resolved findings\n  fleetpoll history findings --open -H history.sqlite\n  fleetpoll poll -i inv.yaml --nagios              # a Nagios / Icinga check: one status line\n\nExit status: 0 healthy, 1 warnings, 2 critical findings or devices not polled, 3 the run could not be done."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub cmd: Cmd,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// Print nothing but errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More logging (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log line format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// TextFSM template folder (ntc-templates layout: `index` and templates) for commands no
    /// built-in parser reads; outranks a playbook's `templates:` and $NTC_TEMPLATES_DIR
    /// [default: the Cisco ntc-templates built into fleetpoll].
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<std::path::PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Poll the devices of an inventory and write the health CSV.
    Poll(poll::PollArgs),
    /// Start a simulated fleet in-process, sweep it and write DIR/health.csv and
    /// DIR/report.html.
    Demo(demo::DemoArgs),
    /// Run a simulated fleet on loopback until Ctrl-C and write the inventory that reaches it.
    Simulate(simulate::SimulateArgs),
    /// Validate an inventory and a playbook and print what would run.
    Check(check::CheckArgs),
    /// Parse one command's saved output and print the typed record as JSON.
    Parse(parse_cmd::ParseArgs),
    /// Capture raw and parsed state of every device into a snapshot folder.
    Snapshot(snapshot::SnapshotArgs),
    /// Compare two snapshots and report what got worse.
    Diff(diff::DiffArgs),
    /// Draw the HTML page of a sweep from its health.jsonl.
    Report(report::ReportArgs),
    /// List the playbooks built into fleetpoll, or print one to start your own from.
    Playbook(playbook_cmd::PlaybookArgs),
    /// Show an inventory's resolved devices, or convert an Ansible, Nornir or NetBox one to
    /// fleetpoll YAML.
    Inventory(inventory_cmd::InventoryArgs),
    /// Read the run history of `poll --history`: runs, a device's timeline, findings; prune.
    History(history::HistoryArgs),
    /// Merge the shard-K-of-N/ folders of a sharded poll into what one unsharded run writes.
    Merge(merge::MergeArgs),
}

/// Run the CLI and return the exit status.
pub fn main() -> i32 {
    let mut cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit::OK
                }
                _ => exit::UNUSABLE,
            };
            // A check command whose arguments are wrong still answers as a check (Nagios
            // shows stdout, and "(null)" when there is none).
            if code == exit::UNUSABLE && std::env::args_os().any(|a| a == "--nagios") {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or("invalid arguments");
                let reason = first.strip_prefix("error: ").unwrap_or(first);
                out!("{}", crate::report::nagios::unknown_line(reason));
            }
            let _ = e.print();
            return code;
        }
    };
    // A check command prints nothing but errors on stderr unless asked for more (-v): a
    // monitoring system may show stderr with the status line.
    if matches!(&cli.cmd, Cmd::Poll(a) if a.nagios) && cli.global.verbose == 0 {
        cli.global.quiet = true;
    }
    if let Some(d) = cli.global.templates.clone() {
        crate::parse::textfsm::library::set_cli_dir(d);
    }
    let progress = init_logging(&cli.global);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::UNUSABLE;
        }
    };
    let ui = Ui {
        quiet: cli.global.quiet,
        progress,
    };
    rt.block_on(async move {
        match cli.cmd {
            Cmd::Poll(a) => poll::run(a, &ui).await,
            Cmd::Demo(a) => demo::run(a, &ui).await,
            Cmd::Simulate(a) => simulate::run(a, &ui).await,
            Cmd::Check(a) => check::run(a, &ui).await,
            Cmd::Parse(a) => parse_cmd::run(a),
            Cmd::Snapshot(a) => snapshot::run(a, &ui).await,
            Cmd::Diff(a) => diff::run(a, &ui),
            Cmd::Report(a) => report::run(a, &ui),
            Cmd::Playbook(a) => playbook_cmd::run(a),
            Cmd::Inventory(a) => inventory_cmd::run(a, &ui),
            Cmd::History(a) => history::run(a),
            Cmd::Merge(a) => merge::run(a, &ui),
        }
    })
}

/// How to talk to the person at the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub quiet: bool,
    /// An animated progress bar is allowed (stderr is a terminal and not quiet).
    pub progress: bool,
}

impl Ui {
    /// A diagnostic line on stderr (suppressed by -q).
    pub fn note(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            tracing_indicatif::suspend_tracing_indicatif(|| say!("{msg}"));
        }
    }
}

/// Logging to stderr; returns whether progress bars may be drawn.
fn init_logging(g: &Global) -> bool {
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::EnvFilter;
    let tty = std::io::stderr().is_terminal();
    let level = if g.quiet {
        "error"
    } else {
        match g.verbose {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},russh=warn")));
    let progress = tty && !g.quiet;
    // The level filter applies to log lines only: the progress bar hangs off an info span
    // that must exist even when only warnings are logged.
    let registry = tracing_subscriber::registry();
    if progress {
        let layer = tracing_indicatif::IndicatifLayer::new();
        let writer = layer.get_stderr_writer();
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_target(false)
            .with_filter(filter);
        let bars = layer.with_filter(tracing_subscriber::filter::filter_fn(|m| {
            m.is_span() && m.name() == "sweep"
        }));
        let _ = registry.with(fmt).with(bars).try_init();
    } else if g.log_format == LogFormat::Json {
        let fmt = tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .with_filter(filter);
        let _ = registry.with(fmt).try_init();
    } else {
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_target(false)
            .with_filter(filter);
        let _ = registry.with(fmt).try_init();
    }
    progress
}

/// `-i` and how to read it, for every command that takes an inventory.
#[derive(Args, Debug, Clone)]
pub struct InventorySource {
    /// Inventory: fleetpoll YAML (defaults, groups, devices); an Ansible inventory (INI or
    /// YAML file, or a folder, with group_vars/ and host_vars/ beside it); a Nornir
    /// SimpleInventory (its folder or hosts.yaml); or a NetBox devices dump (JSON or CSV).
    /// Told apart by content.
    #[arg(short, long, value_name = "PATH")]
    pub inventory: PathBuf,
    /// Read -i as this format instead of telling it by its content.
    #[arg(long, value_name = "FORMAT", value_parser = ["fleetpoll", "ansible", "nornir", "netbox"])]
    pub inventory_format: Option<String>,
    /// NetBox only: a YAML file with `platforms:` (slug: fleetpoll platform), `statuses:`
    /// (polled NetBox statuses, default [active]), `defaults:` (fleetpoll settings for every
    /// device: credentials) and `groups:` (settings per role slug).
    #[arg(long, value_name = "FILE")]
    pub netbox_settings: Option<PathBuf>,
}

impl InventorySource {
    pub fn source(&self) -> crate::inventory::formats::Source {
        crate::inventory::formats::Source {
            path: self.inventory.clone(),
            format: self
                .inventory_format
                .as_deref()
                .and_then(|f| f.parse().ok()),
            netbox_settings: self.netbox_settings.clone(),
        }
    }
}

/// Arguments shared by commands that take an inventory and a playbook.
#[derive(Args, Debug, Clone)]
pub struct PlanArgs {
    #[command(flatten)]
    pub inventory: InventorySource,
    /// Playbook YAML (commands per platform) [default: ./playbooks/health.yaml when present,
    /// else the built-in health playbook].
    #[arg(short, long, value_name = "FILE")]
    pub playbook: Option<PathBuf>,
    /// Only these devices, Ansible-style: 'a,b' either, '&b' also, '!b' not (see --help).
    #[arg(short, long, value_name = "EXPR", long_help = LIMIT_HELP)]
    pub limit: Option<String>,
    #[command(flatten)]
    pub ask: AskArgs,
}

/// Credentials asked once per run on the terminal (/dev/tty, no echo), like Ansible's -k / -K.
#[derive(Args, Debug, Clone, Default)]
pub struct AskArgs {
    /// Ask once for an SSH password and use it for every device whose inventory (device, its
    /// groups, defaults) sets none; jump hosts keep their own credentials. Asked on /dev/tty
    /// without echo, like `{prompt: true}`; with no terminal (cron) the run refuses, exit 3.
    #[arg(short = 'k', long)]
    pub ask_pass: bool,
    /// Ask once for an enable secret and use it for every device whose inventory sets none.
    #[arg(short = 'K', long)]
    pub ask_become_pass: bool,
}

impl AskArgs {
    /// Prompts (`{prompt: true}` and the flags) read from the terminal.
    pub fn on_terminal(&self) -> crate::inventory::Asking {
        self.with(Box::new(tty::TtyPrompter::default()))
    }

    pub fn with(&self, prompter: Box<dyn crate::inventory::Prompter>) -> crate::inventory::Asking {
        crate::inventory::Asking {
            prompter,
            ask_pass: self.ask_pass,
            ask_become_pass: self.ask_become_pass,
        }
    }
}

/// What can only be checked with local programs, after the plan and before anything connects:
/// the effective OpenSSH configuration of every `transport: openssh` device (`ssh -G`).
pub async fn preflight(
    plan: &crate::plan::Plan,
) -> Result<(), crate::session::transport::system_ssh::effective::Refused> {
    crate::session::transport::system_ssh::effective::check(
        plan.hosts.iter().map(|h| &**h),
        &plan.inventory_path,
    )
    .await
}

impl PlanArgs {
    /// The plan these arguments name, `default` standing in for a missing `-p`.
    pub fn build(
        &self,
        default: &'static crate::playbook::builtin::Builtin,
        ui: &Ui,
        asking: crate::inventory::Asking,
    ) -> Result<crate::plan::Plan, crate::error::ConfigError> {
        build_plan(
            &self.inventory.source(),
            self.playbook.as_deref(),
            self.limit.as_deref(),
            default,
            ui,
            asking,
        )
    }
}

/// `--limit`'s long help, shared by every command that takes one.
/// `--ramp` of `poll` and `snapshot`.
pub const RAMP_HELP: &str = "Spread the first wave of logins (the first --concurrency devices) \
over this long instead of opening them all at once (e.g. 500ms; 0 for all at once). A login is a \
burst of work for the poller (key exchange, host-key signature) and a request to the AAA server; \
a hundred at the same instant queue behind each other, and the next waves inherit the queue. \
Later devices start as slots free up [default: 2ms per device of the first wave, at most 5s].";

pub const LIMIT_HELP: &str = "\
Only these devices, written as for Ansible's --limit: comma-separated terms, each a device \
name, a glob (rtr-*), group:NAME, platform:NAME, site:NAME or tag:NAME.
  TERM   adds the devices it matches (no plain term at all: start from every device)
  &TERM  keeps only the devices that also match it
  !TERM  removes the devices it matches
The union of the plain terms first, then each & term, then each ! term, in any written order.
A group, site or tag the inventory does not have, or a device name (no glob characters) that \
names no device, is an error (exit 3), as is a limit that selects no device; a glob that \
matches nothing is a warning. Quote the expression: ! and & mean something to the shell.
Examples:
  --limit 'rtr-*,fw-1'                              the rtr-* devices and fw-1
  --limit 'site:dc1,&platform:cisco_xe,!group:lab'  IOS-XE devices of site dc1 not in group lab
  --limit '!tag:decommissioned'                     every device but those";

/// The plan of `inventory` with `-p playbook`, or else `default` (a copy in
/// `./playbooks/`, or the built-in one, which is said on stderr).
pub fn build_plan(
    inventory: &crate::inventory::formats::Source,
    playbook: Option<&std::path::Path>,
    limit: Option<&str>,
    default: &'static crate::playbook::builtin::Builtin,
    ui: &Ui,
    asking: crate::inventory::Asking,
) -> Result<crate::plan::Plan, crate::error::ConfigError> {
    let source = crate::playbook::builtin::Source::choose(playbook, default);
    let plan = crate::plan::build_with(inventory, &source, limit, asking)?;
    if let crate::playbook::builtin::Source::Builtin(b) = source {
        ui.note(format!(
            "using the built-in {0} playbook; `fleetpoll playbook show {0}` prints it",
            b.name
        ));
    }
    Ok(plan)
}

/// Print a configuration error and return exit status 3.
pub fn unusable(e: impl std::fmt::Display) -> i32 {
    say!("error: {e}");
    exit::UNUSABLE
}
