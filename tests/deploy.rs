//! The deployment files: the Kubernetes manifests parse and say what the README promises (an
//! Indexed Job of N pods each polling `--shard $(JOB_COMPLETION_INDEX)/N` into the shared
//! volume, credentials as Secret files the inventory references with `{file:}`,
//! activeDeadlineSeconds above `--deadline`, the merge after it), every fleetpoll command line
//! in them parses with this build's CLI, and the systemd units run what exists. `kubeconform`
//! and `kubectl kustomize` check them further when installed.

use serde_yaml::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn load(name: &str) -> Value {
    let p = dir().join("kubernetes").join(name);
    serde_yaml::from_str(&std::fs::read_to_string(&p).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn get<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| match k.parse::<usize>() {
        Ok(i) => &v[i],
        Err(_) => &v[k],
    })
}

fn args(container: &Value) -> Vec<String> {
    container["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn value_after<'a>(args: &'a [String], flag: &str) -> &'a str {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} in {args:?}"));
    &args[i + 1]
}

/// `fleetpoll <args> --help`-free check: the arguments parse (clap's try_parse via the binary
/// would need the files; `check`-style parsing is enough): run the binary with `--help`
/// appended to the subcommand and the arguments, which clap parses before printing help.
fn parses(args: &[String]) {
    let mut a: Vec<String> = args
        .iter()
        .map(|s| s.replace("$(JOB_COMPLETION_INDEX)", "0"))
        .collect();
    a.push("--help".into());
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_fleetpoll"))
        .args(&a)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{a:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn duration_secs(s: &str) -> u64 {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap());
    let n: u64 = n.parse().unwrap();
    n * match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        u => panic!("unit {u}"),
    }
}

#[test]
fn the_poll_cronjob_is_an_indexed_job_of_n_shards() {
    let cj = load("cronjob-poll.yaml");
    assert_eq!(cj["kind"], "CronJob");
    assert_eq!(cj["apiVersion"], "batch/v1");
    assert_eq!(get(&cj, "spec.concurrencyPolicy"), "Forbid");
    let job = get(&cj, "spec.jobTemplate.spec");
    assert_eq!(job["completionMode"], "Indexed");
    let n = job["completions"].as_u64().unwrap();
    assert_eq!(job["parallelism"].as_u64(), Some(n));
    let pod = get(job, "template.spec");
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(
        get(pod, "securityContext.runAsNonRoot").as_bool(),
        Some(true)
    );
    let c = get(pod, "containers.0");
    let a = args(c);
    assert_eq!(a.iter().filter(|x| *x == "poll").count(), 1);
    assert_eq!(
        value_after(&a, "--shard"),
        format!("$(JOB_COMPLETION_INDEX)/{n}")
    );
    assert!(a.contains(&"--no-fail-on-health".to_string()));
    let out = value_after(&a, "--out-dir");
    // The deadline bounds the sweep; the Job's deadline leaves room after it.
    let deadline = duration_secs(value_after(&a, "--deadline"));
    let grace = duration_secs(value_after(&a, "--grace"));
    let active = job["activeDeadlineSeconds"].as_u64().unwrap();
    assert!(
        active > deadline + grace,
        "activeDeadlineSeconds {active} vs --deadline {deadline}s + grace"
    );
    // Exit 3 fails the Job; nothing else about the exit is a failure (--no-fail-on-health).
    let rule = get(job, "podFailurePolicy.rules.0");
    assert_eq!(rule["action"], "FailJob");
    assert_eq!(get(rule, "onExitCodes.values.0"), 3);
    assert_eq!(get(rule, "onExitCodes.containerName"), &c["name"]);
    // The run id comes from the Job's name.
    let env = get(c, "env.0");
    assert_eq!(env["name"], "FLEETPOLL_RUN_ID");
    assert!(get(env, "valueFrom.fieldRef.fieldPath")
        .as_str()
        .unwrap()
        .contains("job-name"));
    // Volumes: the config, the Secret as files, the shared volume holding --out-dir.
    let mounts = c["volumeMounts"].as_sequence().unwrap();
    let mount = |vol: &str| {
        mounts
            .iter()
            .find(|m| m["name"] == vol)
            .unwrap_or_else(|| panic!("mount {vol}"))["mountPath"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let volumes = pod["volumes"].as_sequence().unwrap();
    let volume = |vol: &str| volumes.iter().find(|v| v["name"] == vol).unwrap().clone();
    assert_eq!(
        get(&volume("credentials"), "secret.secretName"),
        "fleetpoll-credentials"
    );
    assert_eq!(get(&volume("config"), "configMap.name"), "fleetpoll-config");
    assert_eq!(
        get(&volume("runs"), "persistentVolumeClaim.claimName"),
        "fleetpoll-runs"
    );
    assert!(
        out.starts_with(&mount("runs")),
        "{out} on the shared volume"
    );
    let cfg = mount("config");
    assert_eq!(value_after(&a, "-i"), format!("{cfg}/inventory.yaml"));
    assert_eq!(value_after(&a, "-p"), format!("{cfg}/health.yaml"));
    // The inventory in the ConfigMap references the Secret's files.
    let cm = load("configmap.yaml");
    let inv = cm["data"]["inventory.yaml"].as_str().unwrap();
    let secrets = mount("credentials");
    assert!(
        inv.contains(&format!("password: {{file: {secrets}/password}}")),
        "{inv}"
    );
    assert!(
        inv.contains(&format!("enable_secret: {{file: {secrets}/enable_secret}}")),
        "{inv}"
    );
    let inv: Value = serde_yaml::from_str(inv).unwrap();
    assert!(inv["devices"].as_sequence().is_some_and(|d| !d.is_empty()));
    let pb = cm["data"]["health.yaml"].as_str().unwrap();
    let pb = fleetpoll::playbook::parse_text(Path::new("configmap health.yaml"), pb).unwrap();
    assert!(!pb.commands.is_empty());
    let secret = load("secret.example.yaml");
    for key in ["password", "enable_secret"] {
        assert!(
            secret["stringData"].get(key).is_some(),
            "the Secret has {key}"
        );
    }
    parses(&a);
}

#[test]
fn the_merge_runs_after_the_sweeps_deadline_on_the_same_files() {
    let poll = load("cronjob-poll.yaml");
    let merge = load("cronjob-merge.yaml");
    let job = get(&poll, "spec.jobTemplate.spec");
    let pa = args(get(job, "template.spec.containers.0"));
    let ma = args(get(
        &merge,
        "spec.jobTemplate.spec.template.spec.containers.0",
    ));
    assert!(ma.contains(&"merge".to_string()));
    let out_dir = value_after(&pa, "--out-dir");
    let i = ma.iter().position(|a| a == "merge").unwrap();
    assert_eq!(ma[i + 1], out_dir, "the merge reads the shards' folder");
    assert_eq!(value_after(&ma, "-i"), value_after(&pa, "-i"));
    assert_eq!(value_after(&ma, "-p"), value_after(&pa, "-p"));
    // Both hourly; the merge's minute is after the sweep's whole Job deadline.
    let minute = |cj: &Value| -> u64 {
        let s = get(cj, "spec.schedule").as_str().unwrap();
        let f: Vec<&str> = s.split_whitespace().collect();
        assert_eq!(&f[1..], ["*", "*", "*", "*"], "hourly: {s}");
        f[0].parse().unwrap()
    };
    let active = job["activeDeadlineSeconds"].as_u64().unwrap();
    assert!(
        minute(&merge) * 60 >= minute(&poll) * 60 + active,
        "merge at :{} before the sweep's end",
        minute(&merge)
    );
    assert!(minute(&merge) < 60);
    parses(&ma);
    let k: Value = load("kustomization.yaml");
    let res: Vec<&str> = k["resources"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for f in [
        "configmap.yaml",
        "pvc.yaml",
        "cronjob-poll.yaml",
        "cronjob-merge.yaml",
    ] {
        assert!(res.contains(&f), "{f} in the kustomization");
    }
    assert_eq!(
        get(&load("pvc.yaml"), "spec.accessModes.0"),
        "ReadWriteMany"
    );
}

#[test]
fn kubeconform_and_kustomize_accept_the_manifests_when_installed() {
    let k8s = dir().join("kubernetes");
    let ok =
        |cmd: &mut std::process::Command| -> Option<std::process::Output> { cmd.output().ok() };
    if let Some(o) = ok(std::process::Command::new("kubeconform")
        .args([
            "-strict",
            "-summary",
            "-ignore-filename-pattern",
            "kustomization.yaml",
        ])
        .arg(&k8s))
    {
        assert!(
            o.status.success(),
            "kubeconform: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    } else {
        eprintln!("kubeconform not installed: schema check skipped");
    }
    // `kubectl kustomize` needs no cluster (`apply --dry-run=client` asks the API server for
    // its schema, so it cannot run here).
    if let Some(o) = ok(std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&k8s))
    {
        assert!(
            o.status.success(),
            "kubectl kustomize: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let docs: Vec<Value> = serde_yaml::Deserializer::from_slice(&o.stdout)
            .map(|d| serde::Deserialize::deserialize(d).unwrap())
            .collect();
        let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "CronJob").count(),
            2,
            "{kinds:?}"
        );
    } else {
        eprintln!("kubectl not installed: kustomize check skipped");
    }
}

#[test]
fn the_systemd_units_run_a_fleetpoll_command_that_parses() {
    let service = std::fs::read_to_string(dir().join("systemd/fleetpoll.service")).unwrap();
    let timer = std::fs::read_to_string(dir().join("systemd/fleetpoll.timer")).unwrap();
    assert!(timer.contains("OnCalendar="), "{timer}");
    assert!(timer.contains("Persistent=true"));
    assert!(service.contains("Type=oneshot"));
    assert!(service.contains("SuccessExitStatus=1 2"));
    let exec: String = service
        .split("ExecStart=")
        .nth(1)
        .unwrap()
        .lines()
        .map(|l| l.trim_end_matches('\\').trim().to_string())
        .take_while(|l| !l.contains('='))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<String> = exec.split_whitespace().skip(1).map(String::from).collect();
    assert!(words.contains(&"poll".to_string()), "{words:?}");
    assert!(words.contains(&"--deadline".to_string()));
    assert!(words.contains(&"--lock".to_string()));
    let deadline = duration_secs(value_after(&words, "--deadline"));
    let timeout_line = service
        .lines()
        .find(|l| l.starts_with("TimeoutStartSec="))
        .unwrap();
    let timeout = duration_secs(&timeout_line["TimeoutStartSec=".len()..].replace("min", "m"));
    assert!(
        timeout > deadline,
        "TimeoutStartSec {timeout}s above --deadline {deadline}s"
    );
    parses(&words);
}
