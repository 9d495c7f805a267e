//! A headless Chromium driven over WebDriver, for the HTML report tests: `chromedriver`
//! started on a free loopback port, one session, and the few commands the tests use
//! (navigate, run a script, screenshot, the console log, window size).
//!
//! The client is plain HTTP/1.1 over a `TcpStream`, one request per connection: a WebDriver
//! crate (fantoccini) would bring hyper, url/ICU and ~50 more crates to compile for these
//! seven JSON requests to loopback.
//!
//! Without `chromium` and `chromedriver`, [`Browser::start`] prints "skipped: no chromium"
//! and returns `None`, unless `FLEETPOLL_REQUIRE_BROWSER=1` (CI), where it panics.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// One browser at a time in a test process: the machine has two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const CHROMIUM: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const CHROMEDRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

fn find(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.is_file())
}

pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    /// The browser's own process, ended if the session could not close it.
    browser_pid: Option<u32>,
    _profile: tempfile::TempDir,
    _turn: MutexGuard<'static, ()>,
}

/// A WebDriver answer that is an error, or a transport failure.
#[derive(Debug)]
pub struct WdError(pub String);

impl Browser {
    /// A fresh headless browser, `None` when Chromium is not installed (see the module doc).
    pub fn start() -> Option<Browser> {
        let (Some(chromium), Some(driver)) = (find(CHROMIUM), find(CHROMEDRIVER)) else {
            if std::env::var("FLEETPOLL_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!(
                    "FLEETPOLL_REQUIRE_BROWSER=1 but chromium or chromedriver is missing \
                     (apt-get install chromium chromium-driver)"
                );
            }
            eprintln!("skipped: no chromium (install chromium and chromium-driver to run the browser tests)");
            return None;
        };
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let mut child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", driver.display()));
        // Ready when it says so (an event, not a sleep).
        let out = child.stdout.take().expect("chromedriver stdout");
        let mut lines = BufReader::new(out).lines();
        loop {
            match lines.next() {
                Some(Ok(l)) if l.contains("started successfully") => break,
                Some(Ok(_)) => continue,
                other => panic!("chromedriver stopped before it was ready: {other:?}"),
            }
        }
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let profile = tempfile::tempdir().expect("a profile folder");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.path().display()),
                    "--window-size=1400,1000",
                ],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let mut b = Browser {
            driver: child,
            port,
            session: String::new(),
            browser_pid: None,
            _profile: profile,
            _turn: turn,
        };
        let v = b
            .call("POST", "/session", Some(&caps))
            .expect("a WebDriver session");
        b.session = v["sessionId"].as_str().expect("sessionId").to_string();
        b.browser_pid = v["capabilities"]["goog:processID"]
            .as_u64()
            .and_then(|p| u32::try_from(p).ok());
        Some(b)
    }

    /// One WebDriver command; `Ok(value)` of its answer.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, WdError> {
        let mut s =
            TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| WdError(e.to_string()))?;
        // A hung browser fails the test instead of hanging it; no result depends on this.
        let _ = s.set_read_timeout(Some(Duration::from_secs(300)));
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes())
            .map_err(|e| WdError(e.to_string()))?;
        // chromedriver keeps the connection open: read the header, then Content-Length bytes.
        let mut r = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).map_err(|e| WdError(e.to_string()))? == 0 {
                return Err(WdError(format!(
                    "{method} {path}: connection closed in the header"
                )));
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let lower = head.to_ascii_lowercase();
        let len = lower
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let payload = match len {
            Some(n) => {
                let mut b = vec![0; n];
                r.read_exact(&mut b).map_err(|e| WdError(e.to_string()))?;
                b
            }
            None => {
                let mut b = Vec::new();
                r.read_to_end(&mut b).map_err(|e| WdError(e.to_string()))?;
                if lower.contains("transfer-encoding: chunked") {
                    dechunk(&b)
                } else {
                    b
                }
            }
        };
        let v: Value = serde_json::from_slice(&payload)
            .map_err(|e| WdError(format!("{e}: {}", String::from_utf8_lossy(&payload))))?;
        let status = head.split_whitespace().nth(1).unwrap_or("");
        if status != "200" {
            return Err(WdError(format!(
                "{method} {path}: HTTP {status}: {}",
                v["value"]
            )));
        }
        Ok(v["value"].clone())
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Open `url` and wait for its load event (WebDriver's default page-load strategy).
    pub fn goto(&self, url: &str) {
        self.call(
            "POST",
            &self.session_path("/url"),
            Some(&json!({"url": url})),
        )
        .unwrap_or_else(|e| panic!("navigate to {url}: {e:?}"));
    }

    /// Open a file.
    pub fn open(&self, path: &Path) {
        let abs = std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.goto(&format!("file://{}", abs.display()));
    }

    /// Run `script` (a function body; `arguments[i]` are `args`) and return its value.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.session_path("/execute/sync"),
            Some(&json!({"script": script, "args": args})),
        )
        .unwrap_or_else(|e| panic!("script failed: {e:?}\n{script}"))
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        let v = self
            .call("GET", &self.session_path("/screenshot"), None)
            .expect("screenshot");
        base64_decode(v.as_str().expect("base64 PNG"))
    }

    /// A PNG of the whole page: the window is made as tall as the document first.
    pub fn full_page_screenshot(&self, width: u32) -> Vec<u8> {
        self.window(width, 1000);
        let h = self.exec("return document.documentElement.scrollHeight;", json!([]));
        let h = h.as_u64().unwrap_or(1000).clamp(600, 16000) as u32;
        self.window(width, h);
        self.screenshot()
    }

    /// Set the window's outer size.
    pub fn window(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.session_path("/window/rect"),
            Some(&json!({"width": width, "height": height})),
        )
        .expect("window size");
    }

    /// The console messages since the last call: (level, message).
    pub fn console(&self) -> Vec<(String, String)> {
        let v = self
            .call(
                "POST",
                &self.session_path("/se/log"),
                Some(&json!({"type": "browser"})),
            )
            .expect("browser log");
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let closed =
            !self.session.is_empty() && self.call("DELETE", &self.session_path(""), None).is_ok();
        if let (false, Some(pid)) = (closed, self.browser_pid) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..nl]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = nl + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
    out
}

pub fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// The target folder (`CARGO_TARGET_DIR` or `./target`), for files a person looks at.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}
