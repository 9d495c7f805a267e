//! `--shard K/N`, `--shards N` (K from JOB_COMPLETION_INDEX), `--shard-by` and `--run-id`
//! for `poll` and `snapshot`: which part of the inventory this process sweeps, and for `poll`
//! the `shard-K-of-N/` folder and manifest it leaves for `fleetpoll merge`.

use crate::plan::Plan;
use crate::runner::DeviceReport;
use crate::shard::manifest::{self, DeviceRows, Manifest};
use crate::shard::{Shard, ShardBy, ShardError};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug, Clone, Default)]
pub struct ShardArgs {
    /// Sweep only shard K of N (K from 0 to N-1): the devices whose name (or --shard-by
    /// field) hashes to K. The N shards of one inventory are disjoint and cover it whatever
    /// N; adding a device moves no other one.
    #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with = "shards")]
    pub shard: Option<Shard>,
    /// One of N shards, its index K read from JOB_COMPLETION_INDEX (set by a Kubernetes
    /// Indexed Job in each pod), so every pod runs the same arguments.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100000))]
    pub shards: Option<u32>,
    /// Shard by this inventory field instead of the device name, so the devices sharing it
    /// stay on one shard (a regional worker owns its sites): name, site, host, platform,
    /// group (the device's first group), transport. A device without the field is sharded by
    /// its name.
    #[arg(long, value_name = "FIELD", value_parser = ShardBy::parse, default_value = "name")]
    pub shard_by: ShardBy,
    /// A name for this run written in each shard's manifest (e.g. the Kubernetes Job name),
    /// so the merge tells this run's shards from folders a previous run left.
    #[arg(long, value_name = "ID", env = "FLEETPOLL_RUN_ID")]
    pub run_id: Option<String>,
}

fn parse_shard(s: &str) -> Result<Shard, ShardError> {
    Shard::parse(s)
}

impl ShardArgs {
    /// The shard this process is, if sharded.
    pub fn resolve(&self) -> Result<Option<Shard>, ShardError> {
        match (self.shard, self.shards) {
            (Some(s), _) => Ok(Some(s)),
            (None, Some(n)) => {
                let v = std::env::var(crate::shard::INDEX_ENV).ok();
                Shard::from_index_env(n, v.as_deref()).map(Some)
            }
            (None, None) => Ok(None),
        }
    }
}

/// A sharded `poll` under way: its folder, the whole selection's hash, when it started.
pub struct ShardRun {
    pub shard: Shard,
    pub by: ShardBy,
    pub run_id: Option<String>,
    pub folder: PathBuf,
    pub inventory_hash: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub jsonl: bool,
    pub include_raw: bool,
}

impl ShardRun {
    /// Cut `plan` to `shard`, create `out_dir/shard-K-of-N/` and remove the manifest a
    /// previous run left there (a shard killed from now on leaves none).
    pub fn start(
        plan: Plan,
        shard: Shard,
        args: &ShardArgs,
        out_dir: &Path,
        (jsonl, include_raw): (bool, bool),
    ) -> anyhow::Result<(Plan, ShardRun)> {
        let inventory_hash = crate::shard::inventory_hash(&plan.hosts);
        let plan = crate::shard::select(plan, shard, args.shard_by);
        let folder = out_dir.join(shard.folder());
        std::fs::create_dir_all(&folder)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", folder.display()))?;
        manifest::clear(&folder).map_err(|e| {
            anyhow::anyhow!("cannot remove {}: {e}", manifest::path(&folder).display())
        })?;
        Ok((
            plan,
            ShardRun {
                shard,
                by: args.shard_by,
                run_id: args.run_id.clone(),
                folder,
                inventory_hash,
                started_at: chrono::Utc::now(),
                jsonl,
                include_raw,
            },
        ))
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.folder.join(name)
    }

    /// Write the manifest, last: the outputs beside it are complete.
    pub fn finish(
        &self,
        plan: &Plan,
        reports: &[DeviceReport],
        exit_status: i32,
    ) -> anyhow::Result<()> {
        let ingest = self.file(crate::shard::ingest::FILE);
        crate::shard::ingest::write(&ingest, reports)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", ingest.display()))?;
        let m = Manifest {
            format: manifest::FORMAT,
            fleetpoll_version: env!("CARGO_PKG_VERSION").to_string(),
            run_id: self.run_id.clone(),
            shard: self.shard,
            shard_by: self.by,
            inventory_hash: self.inventory_hash.clone(),
            playbook_sha256: plan.playbook.sha256.clone(),
            columns: plan.columns.iter().map(|c| c.to_string()).collect(),
            started_at: self.started_at,
            finished_at: chrono::Utc::now(),
            exit_status,
            jsonl: self.jsonl,
            include_raw: self.include_raw,
            ingest: true,
            devices: rows_per_device(plan, reports),
        };
        manifest::write(&self.folder, &m).map_err(|e| {
            anyhow::anyhow!(
                "cannot write {}: {e}",
                manifest::path(&self.folder).display()
            )
        })
    }
}

/// How many rows each planned device has in `reports` (in plan order, as the runner gives
/// them): one, or one per security context (`name/context`).
fn rows_per_device(plan: &Plan, reports: &[DeviceReport]) -> Vec<DeviceRows> {
    let mut it = reports.iter().peekable();
    plan.jobs
        .iter()
        .map(|j| {
            let name = &j.host.name;
            let ctx_prefix = format!("{name}/");
            let mut rows = 0;
            while it
                .next_if(|r| {
                    r.device == *name || (r.context.is_some() && r.device.starts_with(&ctx_prefix))
                })
                .is_some()
            {
                rows += 1;
            }
            DeviceRows {
                name: name.clone(),
                rows,
            }
        })
        .collect()
}
