//! fleetpoll: read-only health polling of Cisco WAAS, ASA and IOS fleets over SSH.
//!
//! Data flows one way; the layers, in that order:
//! - `inventory`, `playbook`, `plan`: files → a validated `Plan`, one `PollJob` per device;
//! - `runner` → `session` (`budget`, `transport` → `channel` → `driver`): per job, raw outputs;
//! - `assess` (pure): raw outputs → records (`parse`) → findings (`health`);
//! - `outcome`: the per-device report those fill in; `report`, `snapshot`: CSV, JSONL, snapshots;
//!   `history`: the run history (SQLite) that makes findings new / ongoing / resolved.
//!
//! Beside them: `platform_id` (a leaf every layer uses), `sim` (the simulated fleet), `cli`.

// Library code does not unwrap, expect or panic on input (tests may); the few compiled-in
// data checks that may are marked where they stand.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod assess;
pub mod cli;
pub mod error;
pub mod health;
pub mod history;
pub mod inventory;
pub mod lock;
pub mod outcome;
pub mod parse;
pub mod plan;
pub mod platform_id;
pub mod playbook;
pub mod report;
pub mod runner;
pub mod session;
pub mod shard;
pub mod sim;
pub mod snapshot;
pub mod util;
pub mod yamlpos;

pub use platform_id::Platform;
