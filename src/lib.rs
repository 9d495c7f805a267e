//! fleetpoll: read-only health polling of Cisco WAAS, ASA and IOS fleets over SSH.
//!
//! Data flows one way: inventory + playbook → validated `Plan` → runner → per-device session
//! → raw outputs → parsers (pure) → health rules (pure) → reports (CSV, JSONL, snapshots).

pub mod cli;
pub mod error;
pub mod health;
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
pub mod sim;
pub mod snapshot;
pub mod util;
pub mod yamlpos;

pub use platform_id::Platform;
