//! Where templates come from and how a command finds its own: an ntc-templates style `index`
//! (CliTable rows of template, hostname, platform and command, with `sh[[ow]]` abbreviations)
//! in a template folder, else the Cisco templates embedded in the binary (`templates/ntc/`,
//! see `build.rs`). Each template is compiled once per process and shared by every device.

use crate::Platform;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/ntc_templates.rs"));
}

/// The ntc-templates commit the embedded templates come from (`templates/ntc/SOURCE.md`).
pub const EMBEDDED_COMMIT: &str = "d0bc5a480fe935afb6d9f6806c795a0390aaec90";

/// The environment variable naming a template folder, as for ntc-templates itself.
pub const ENV_DIR: &str = "NTC_TEMPLATES_DIR";

/// One compiled template.
pub struct Compiled {
    /// Its file name (or the path given with `parser: textfsm:FILE`).
    pub name: String,
    pub template: textfsm_core::Template,
    /// Value names as written in the template, in order.
    pub header: Vec<String>,
    /// The `Key` values, as written.
    pub keys: Vec<String>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl Compiled {
    fn compile(name: &str, text: &str) -> Result<Compiled, String> {
        let template = textfsm_core::Template::parse_str(text)
            .map_err(|e| format!("template {name} does not compile: {e}"))?;
        let header = template.header().iter().map(|s| s.to_string()).collect();
        let keys = template
            .values()
            .iter()
            .filter(|v| v.has_option(textfsm_core::ValueOption::Key))
            .map(|v| v.name.clone())
            .collect();
        Ok(Compiled {
            name: name.to_string(),
            template,
            header,
            keys,
        })
    }
}

/// The templates one command runs: one, or several joined (an index row `a.textfsm:b.textfsm`).
#[derive(Debug, Clone)]
pub struct TemplateSet {
    pub parts: Vec<Arc<Compiled>>,
}

impl TemplateSet {
    /// The `:`-joined template names.
    pub fn name(&self) -> String {
        self.parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Every field of the joined table, lowercased, in order (first template first).
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.parts {
            for h in &p.header {
                let h = h.to_lowercase();
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
        out
    }
}

/// Where a library's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Dir(PathBuf),
}

/// An index and the templates it names, compiled on first use.
pub struct Library {
    pub origin: Origin,
    index: textfsm_core::Index,
    compiled: Mutex<HashMap<String, Arc<Compiled>>>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The platform names a device's commands are looked up under, in order: an IOS-XE device
/// also under `cisco_ios` (ntc-templates files IOS-XE's show commands there).
fn index_platforms(p: Platform) -> Vec<&'static str> {
    let mut v = vec![p.id()];
    if p.family() != p {
        v.push(p.family().id());
    }
    v
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a cache half-written: inserts are single calls.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Library {
    fn new(origin: Origin, index_text: &str) -> Result<Library, String> {
        let index = textfsm_core::Index::parse_str(index_text).map_err(|e| {
            format!(
                "the template index {} cannot be read: {e}",
                match &origin {
                    Origin::Embedded => "<built-in ntc-templates>/index".to_string(),
                    Origin::Dir(d) => d.join("index").display().to_string(),
                }
            )
        })?;
        Ok(Library {
            origin,
            index,
            compiled: Mutex::new(HashMap::new()),
        })
    }

    /// The Cisco templates embedded in the binary (their index is read once per process).
    pub fn embedded() -> Result<Arc<Library>, String> {
        static LIB: OnceLock<Result<Arc<Library>, String>> = OnceLock::new();
        LIB.get_or_init(|| {
            let index = embedded_file("index").ok_or("the built-in templates have no index")?;
            Library::new(Origin::Embedded, index).map(Arc::new)
        })
        .clone()
    }

    /// The templates of folder `dir` (its `index` and the files it names), one per process.
    pub fn open(dir: &Path) -> Result<Arc<Library>, String> {
        static LIBS: OnceLock<Mutex<HashMap<PathBuf, Arc<Library>>>> = OnceLock::new();
        let libs = LIBS.get_or_init(Default::default);
        if let Some(l) = lock(libs).get(dir) {
            return Ok(l.clone());
        }
        let path = dir.join("index");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "template folder {}: cannot read its index ({}): {e}",
                dir.display(),
                path.display()
            )
        })?;
        let lib = Arc::new(Library::new(Origin::Dir(dir.to_path_buf()), &text)?);
        lock(libs).insert(dir.to_path_buf(), lib.clone());
        Ok(lib)
    }

    /// The library a run uses: `--templates DIR`, else the playbook's `templates:` (relative
    /// to the playbook's folder), else `$NTC_TEMPLATES_DIR`, else the embedded templates.
    pub fn configured(playbook_dir: Option<&Path>) -> Result<Arc<Library>, String> {
        if let Some(d) = cli_dir() {
            return Library::open(d);
        }
        if let Some(d) = playbook_dir {
            return Library::open(d);
        }
        match std::env::var_os(ENV_DIR) {
            Some(d) if !d.is_empty() => Library::open(Path::new(&d)),
            _ => Library::embedded(),
        }
    }

    /// For messages: where the templates are.
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::Embedded => format!(
                "the built-in ntc-templates (Cisco, commit {})",
                &EMBEDDED_COMMIT[..7]
            ),
            Origin::Dir(d) => format!("template folder {}", d.display()),
        }
    }

    /// The template set the index gives for `command` on `platform`, compiled; `Ok(None)`
    /// when no index row matches. The first matching row wins, as in CliTable (the index
    /// lists longer commands first). `command` is compared single-spaced, without an output
    /// filter (`| include …`).
    pub fn lookup(&self, platform: Platform, command: &str) -> Result<Option<TemplateSet>, String> {
        let cmd = command.split('|').next().unwrap_or("");
        let cmd = cmd.split_whitespace().collect::<Vec<_>>().join(" ");
        for p in index_platforms(platform) {
            let attrs = HashMap::from([
                ("Command".to_string(), cmd.clone()),
                ("Platform".to_string(), p.to_string()),
            ]);
            if let Some(entry) = self.index.find_match(&attrs) {
                let parts = entry
                    .templates()
                    .iter()
                    .map(|t| self.template(t))
                    .collect::<Result<_, _>>()?;
                return Ok(Some(TemplateSet { parts }));
            }
        }
        Ok(None)
    }

    /// One template of this library by file name, compiled once.
    pub fn template(&self, name: &str) -> Result<Arc<Compiled>, String> {
        if let Some(c) = lock(&self.compiled).get(name) {
            return Ok(c.clone());
        }
        let text = match &self.origin {
            Origin::Embedded => embedded_file(name)
                .map(str::to_string)
                .ok_or_else(|| format!("{} has no template {name}", self.describe()))?,
            Origin::Dir(d) => std::fs::read_to_string(d.join(name))
                .map_err(|e| format!("{}: cannot read {name}: {e}", self.describe()))?,
        };
        let c = Arc::new(Compiled::compile(name, &text)?);
        lock(&self.compiled).insert(name.to_string(), c.clone());
        Ok(c)
    }

    /// Whether a template of this name exists here.
    pub fn has(&self, name: &str) -> bool {
        match &self.origin {
            Origin::Embedded => embedded_file(name).is_some(),
            Origin::Dir(d) => d.join(name).is_file(),
        }
    }
}

/// A template file given by path (`parser: textfsm:FILE`), compiled once per process.
pub fn file(path: &Path) -> Result<TemplateSet, String> {
    static FILES: OnceLock<Mutex<HashMap<PathBuf, Arc<Compiled>>>> = OnceLock::new();
    let files = FILES.get_or_init(Default::default);
    if let Some(c) = lock(files).get(path) {
        return Ok(TemplateSet {
            parts: vec![c.clone()],
        });
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read template {}: {e}", path.display()))?;
    let c = Arc::new(Compiled::compile(&path.display().to_string(), &text)?);
    lock(files).insert(path.to_path_buf(), c.clone());
    Ok(TemplateSet { parts: vec![c] })
}

fn embedded_file(name: &str) -> Option<&'static str> {
    embedded::FILES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| embedded::FILES[i].1)
}

/// Every embedded file name (templates and `index`), sorted.
pub fn embedded_names() -> impl Iterator<Item = &'static str> {
    embedded::FILES.iter().map(|(n, _)| *n)
}

static CLI_DIR: OnceLock<PathBuf> = OnceLock::new();

/// `--templates DIR` of this process: set once by the command line, before any playbook is
/// read; it outranks a playbook's `templates:` and `$NTC_TEMPLATES_DIR`.
pub fn set_cli_dir(dir: PathBuf) {
    let _ = CLI_DIR.set(dir);
}

fn cli_dir() -> Option<&'static Path> {
    CLI_DIR.get().map(PathBuf::as_path)
}
