//! Inventories of other tools (Ansible, Nornir, NetBox): each fixture under
//! tests/inventories/fixtures resolves to exactly the hosts of its hand-written fleetpoll
//! equivalent (`expected.yaml`), converts to fleetpoll YAML that loads back the same, is polled
//! against the simulator, and every mistake is reported at its file, line and field.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod equal;
mod errors;
mod errors_nornir_netbox;
mod poll;

use fleetpoll::inventory::formats::{self, Format, Source};
use fleetpoll::inventory::{Asking, Inventory};
use std::path::{Path, PathBuf};

/// A fixture path.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inventories/fixtures")
        .join(rel)
}

/// Load `src`, panicking with the error.
pub fn load_source(src: &Source) -> Inventory {
    formats::load(src, Asking::none()).unwrap_or_else(|e| panic!("{}: {e}", src.path.display()))
}

pub fn load(path: &Path) -> Inventory {
    load_source(&Source::new(path))
}

/// A NetBox dump with its settings file.
pub fn netbox(dump: &Path, settings: &Path) -> Source {
    Source {
        netbox_settings: Some(settings.to_path_buf()),
        ..Source::new(dump)
    }
}

/// The two inventories give the same hosts, setting by setting.
#[track_caller]
pub fn assert_same_hosts(got: &Inventory, want: &Inventory) {
    let names = |i: &Inventory| i.hosts.iter().map(|h| h.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "device names and order");
    for (g, w) in got.hosts.iter().zip(&want.hosts) {
        assert_eq!(
            formats::host_fields(g),
            formats::host_fields(w),
            "device {}",
            g.name
        );
    }
    assert_eq!(formats::first_difference(&got.hosts, &want.hosts), None);
}

/// The error of loading `src`.
#[track_caller]
pub fn load_err(src: &Source) -> fleetpoll::error::ConfigError {
    match formats::load(src, Asking::none()) {
        Ok(i) => panic!(
            "{} loaded ({} hosts), expected an error",
            src.path.display(),
            i.hosts.len()
        ),
        Err(e) => e,
    }
}

pub fn format_of(path: &Path) -> Format {
    Source::new(path).format()
}
