//! Embeds the vendored ntc-templates (`templates/ntc/`: the Cisco TextFSM templates and their
//! index) into the binary as a table of (file name, text), generated as Rust source with one
//! `include_str!` per file, so fleetpoll parses any templated command without a template folder.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/ntc");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("templates/ntc is part of the source tree")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n == "index" || n.ends_with(".textfsm"))
        .collect();
    names.sort();
    let mut src = String::from("/// The vendored templates and `index`, by file name, sorted.\npub static FILES: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            src,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    src.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("ntc_templates.rs");
    std::fs::write(out, src).unwrap();
}
