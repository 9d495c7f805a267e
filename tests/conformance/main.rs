//! Conformance against real device captures: walks `../shared/fixtures` (relative to the crate,
//! or `$FLEETPOLL_SHARED_FIXTURES`), and for every `.raw` file whose command has a registered
//! parser, parses it and checks the values that matter against the expected parse shipped
//! beside it (`.yml` from ntc-templates, `.py` from genieparser: a Python dict literal, read by
//! [`pylit`]). Those expected parses use their own schemas, so each command family has a module
//! that knows how to compare: `crypto`, `system`, `inventory`, `pki`, `vpn`, `license`. A family's `check` returns `None` for a
//! command it does not know.
//!
//! The corpus is absent on a machine without `shared/`: the test then prints a note and passes.

#[path = "../common/mod.rs"]
mod common;
mod crypto;
mod inventory;
mod license;
mod pki;
mod system;
mod vpn;

use fleetpoll::parse::{lookup, Record};
use fleetpoll::Platform;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a family made of one raw file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Parsed, and every compared value matches.
    Pass,
    /// Our parse is wrong or failed: what differs.
    Fail(String),
    /// The source file itself is wrong (hand-edited capture, wrong expected parse, ...): why.
    Skip(String),
}

/// A family's check: (platform dir, command, raw text, expected parse) → outcome, or `None`
/// when the command is not the family's.
pub type CheckFn = fn(&str, &str, &str, Option<&Value>) -> Option<Outcome>;

/// Parse `raw` with the registered parser for (`platform`, `command`), turning a panic into an
/// error so that one bad file cannot abort the run.
pub fn run_parser(platform: &str, command: &str, raw: &str) -> Result<Record, String> {
    let p = Platform::from_str(platform)?;
    let spec = lookup(p, command).ok_or_else(|| format!("no parser for {platform} `{command}`"))?;
    let parse = spec.parse;
    let raw = raw.to_string();
    match std::panic::catch_unwind(move || parse(&raw)) {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(format!("parser `{}` failed: {e}", spec.name)),
        Err(_) => Err(format!("parser `{}` PANICKED", spec.name)),
    }
}

/// Where the shared corpus is, if it is there.
fn fixtures_dir() -> Option<PathBuf> {
    common::fixtures::shared()
}

/// `relative_path` → `command`, from MANIFEST.tsv (authoritative over the folder name).
fn load_manifest(dir: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(mut rdr) = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .flexible(true)
        .from_path(dir.join("MANIFEST.tsv"))
    else {
        println!("conformance: note: no readable MANIFEST.tsv, commands come from folder names");
        return out;
    };
    let headers = rdr.headers().cloned().unwrap_or_default();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(path_col), Some(cmd_col)) = (col("relative_path"), col("command")) else {
        println!("conformance: note: MANIFEST.tsv lacks relative_path/command columns");
        return out;
    };
    for rec in rdr.records().flatten() {
        if let (Some(p), Some(c)) = (rec.get(path_col), rec.get(cmd_col)) {
            out.insert(p.to_string(), c.to_string());
        }
    }
    out
}

fn load_expected(raw_path: &Path) -> Result<Option<Value>, String> {
    let yml = raw_path.with_extension("yml");
    if yml.is_file() {
        let text = std::fs::read_to_string(&yml).map_err(|e| format!("{}: {e}", yml.display()))?;
        return serde_yaml::from_str::<Value>(&text)
            .map(Some)
            .map_err(|e| format!("{}: bad YAML: {e}", yml.display()));
    }
    let py = raw_path.with_extension("py");
    if py.is_file() {
        let text = std::fs::read_to_string(&py).map_err(|e| format!("{}: {e}", py.display()))?;
        return pylit::parse_assignment(&text, "expected_output")
            .map(Some)
            .map_err(|e| format!("{}: {e}", py.display()));
    }
    Ok(None)
}

#[derive(Default)]
struct Tally {
    passed: usize,
    skipped: Vec<(String, String)>,
    failed: Vec<(String, String)>,
}

#[test]
fn conformance() {
    let Some(dir) = fixtures_dir() else {
        println!(
            "conformance: note: shared fixtures not found (../shared/fixtures or \
             $FLEETPOLL_SHARED_FIXTURES); nothing to check"
        );
        return;
    };
    let manifest = load_manifest(&dir);
    let mut raws: Vec<PathBuf> = Vec::new();
    for plat in ["cisco_ios", "cisco_xe", "cisco_asa", "cisco_waas"] {
        let Ok(cmds) = std::fs::read_dir(dir.join(plat)) else {
            continue;
        };
        for cmd in cmds.flatten() {
            let Ok(files) = std::fs::read_dir(cmd.path()) else {
                continue;
            };
            for f in files.flatten() {
                if f.path().extension().is_some_and(|e| e == "raw") {
                    raws.push(f.path());
                }
            }
        }
    }
    raws.sort();

    let mut families: BTreeMap<&'static str, Tally> = BTreeMap::new();
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    let mut unclaimed: Vec<String> = Vec::new();
    let mut broken_sources: Vec<(String, String)> = Vec::new();
    for raw_path in &raws {
        let rel = raw_path
            .strip_prefix(&dir)
            .unwrap_or(raw_path)
            .to_string_lossy()
            .replace('\\', "/");
        let mut parts = rel.split('/');
        let platform = parts.next().unwrap_or("").to_string();
        let folder = parts.next().unwrap_or("").to_string();
        let command = manifest
            .get(&rel)
            .cloned()
            .unwrap_or_else(|| folder.replace('_', " "));
        let Ok(p) = Platform::from_str(&platform) else {
            continue;
        };
        if lookup(p, &command).is_none() {
            *unsupported
                .entry(format!("{platform} `{command}`"))
                .or_default() += 1;
            continue;
        }
        let raw = match std::fs::read(raw_path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                broken_sources.push((rel.clone(), e.to_string()));
                continue;
            }
        };
        // An expected parse that cannot be read is a defect of the source: the file is still
        // offered to the families (to learn which one claims it) and then reported as skipped.
        let (expected, load_error) = match load_expected(raw_path) {
            Ok(e) => (e, None),
            Err(e) => (None, Some(e)),
        };
        let checks: [(&'static str, CheckFn); 6] = [
            ("crypto", crypto::check),
            ("system", system::check),
            ("inventory", inventory::check),
            ("pki", pki::check),
            ("vpn", vpn::check),
            ("license", license::check),
        ];
        let mut claimed = false;
        for (family, check) in checks {
            let Some(outcome) = check(&platform, &command, &raw, expected.as_ref()) else {
                continue;
            };
            claimed = true;
            let outcome = match &load_error {
                Some(e) => Outcome::Skip(format!("expected parse unreadable: {e}")),
                None => outcome,
            };
            let t = families.entry(family).or_default();
            match outcome {
                Outcome::Pass => t.passed += 1,
                Outcome::Skip(why) => t.skipped.push((rel.clone(), why)),
                Outcome::Fail(why) => t.failed.push((rel.clone(), why)),
            }
            break;
        }
        if !claimed {
            unclaimed.push(format!("{rel} ({platform} `{command}`)"));
            if let Some(e) = load_error {
                broken_sources.push((rel.clone(), e));
            }
        }
    }

    let (mut passed, mut skipped, mut failed) = (0, 0, 0);
    for (family, t) in &families {
        println!(
            "conformance[{family}]: {} passed, {} skipped, {} failed",
            t.passed,
            t.skipped.len(),
            t.failed.len()
        );
        for (f, why) in &t.skipped {
            println!("  skipped {f}: {why}");
        }
        for (f, why) in &t.failed {
            println!("  FAILED {f}: {why}");
        }
        passed += t.passed;
        skipped += t.skipped.len();
        failed += t.failed.len();
    }
    for (f, why) in &broken_sources {
        println!("  unreadable source {f}: {why}");
    }
    if !unclaimed.is_empty() {
        println!(
            "conformance: {} files have a registered parser but no family check:",
            unclaimed.len()
        );
        for u in &unclaimed {
            println!("  unchecked {u}");
        }
    }
    let unsupported_total: usize = unsupported.values().sum();
    println!(
        "conformance: {unsupported_total} files not checked: no registered parser for their command ({} commands)",
        unsupported.len()
    );
    for (cmd, n) in &unsupported {
        println!("  no parser: {cmd}: {n}");
    }
    println!("conformance: {passed} passed, {skipped} skipped, {failed} failed");
    assert_eq!(failed, 0, "{failed} conformance failures (see above)");
}

/// A reader for Python literals as genieparser writes its expected outputs
/// (`expected_output = {...}`), into `serde_json::Value`: dicts (keys stringified), lists,
/// tuples and sets (as arrays), strings (`'..'`, `".."`, triple-quoted, `r`/`u`/`b` prefixes,
/// escapes, implicit concatenation), ints, floats, `True`/`False`/`None`, comments, trailing
/// commas and line continuations.
pub mod pylit {
    use serde_json::{Map, Number, Value};

    /// The value assigned to `name` at the top level of `src`.
    pub fn parse_assignment(src: &str, name: &str) -> Result<Value, String> {
        let mut search = 0;
        while let Some(i) = src
            .get(search..)
            .and_then(|s| s.find(name))
            .map(|i| i + search)
        {
            let before_ok = i == 0 || src[..i].chars().last().is_some_and(char::is_whitespace);
            let after = &src[i + name.len()..];
            let rest = after.trim_start_matches([' ', '\t']);
            if before_ok && rest.starts_with('=') && !rest.starts_with("==") {
                let start = src.len() - rest.len() + 1;
                let mut p = Parser {
                    s: src.as_bytes(),
                    src,
                    pos: start,
                };
                let v = p.value()?;
                return Ok(v);
            }
            search = i + name.len();
        }
        Err(format!("no `{name} = ...` assignment"))
    }

    /// One Python literal expression.
    pub fn parse(src: &str) -> Result<Value, String> {
        let mut p = Parser {
            s: src.as_bytes(),
            src,
            pos: 0,
        };
        let v = p.value()?;
        p.ws();
        if p.pos < p.s.len() {
            return Err(p.err("trailing text after the literal"));
        }
        Ok(v)
    }

    struct Parser<'a> {
        s: &'a [u8],
        src: &'a str,
        pos: usize,
    }

    impl Parser<'_> {
        fn err(&self, what: &str) -> String {
            let line = self.src[..self.pos.min(self.src.len())]
                .matches('\n')
                .count()
                + 1;
            format!("python literal, line {line}: {what}")
        }

        fn peek(&self) -> Option<u8> {
            self.s.get(self.pos).copied()
        }

        /// Skip whitespace, newlines, comments and backslash continuations.
        fn ws(&mut self) {
            while let Some(c) = self.peek() {
                match c {
                    b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => self.pos += 1,
                    b'#' => {
                        while let Some(c) = self.peek() {
                            if c == b'\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    }
                    b'\\' if matches!(self.s.get(self.pos + 1), Some(b'\n') | Some(b'\r')) => {
                        self.pos += 2
                    }
                    _ => break,
                }
            }
        }

        fn value(&mut self) -> Result<Value, String> {
            self.ws();
            let Some(c) = self.peek() else {
                return Err(self.err("unexpected end of input"));
            };
            match c {
                b'{' => self.dict_or_set(),
                b'[' => {
                    self.pos += 1;
                    let (items, _) = self.seq(b']')?;
                    Ok(Value::Array(items))
                }
                b'(' => {
                    self.pos += 1;
                    let (mut items, trailing_comma) = self.seq(b')')?;
                    if items.len() == 1 && !trailing_comma {
                        Ok(items.remove(0))
                    } else {
                        Ok(Value::Array(items))
                    }
                }
                b'\'' | b'"' => self.strings(),
                b'0'..=b'9' | b'-' | b'+' | b'.' => self.number(),
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    if self.string_prefix_len().is_some() {
                        return self.strings();
                    }
                    let start = self.pos;
                    while self
                        .peek()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                    {
                        self.pos += 1;
                    }
                    match &self.src[start..self.pos] {
                        "True" => Ok(Value::Bool(true)),
                        "False" => Ok(Value::Bool(false)),
                        "None" => Ok(Value::Null),
                        other => Err(self.err(&format!("unsupported name `{other}`"))),
                    }
                }
                _ => Err(self.err(&format!("unexpected character `{}`", c as char))),
            }
        }

        /// Items up to `close`; whether the last item had a trailing comma.
        fn seq(&mut self, close: u8) -> Result<(Vec<Value>, bool), String> {
            let mut items = Vec::new();
            let mut trailing = false;
            loop {
                self.ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok((items, trailing));
                }
                items.push(self.value()?);
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        trailing = true;
                    }
                    Some(c) if c == close => {
                        self.pos += 1;
                        return Ok((items, false));
                    }
                    _ => return Err(self.err(&format!("expected `,` or `{}`", close as char))),
                }
            }
        }

        fn dict_or_set(&mut self) -> Result<Value, String> {
            self.pos += 1; // {
            let mut map = Map::new();
            let mut set: Option<Vec<Value>> = None;
            loop {
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(match set {
                        Some(items) => Value::Array(items),
                        None => Value::Object(map),
                    });
                }
                let key = self.value()?;
                self.ws();
                if set.is_none() && self.peek() == Some(b':') {
                    self.pos += 1;
                    let v = self.value()?;
                    map.insert(key_string(&key), v);
                } else if map.is_empty() {
                    set.get_or_insert_with(Vec::new).push(key);
                } else {
                    return Err(self.err("expected `:` in dict"));
                }
                self.ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {}
                    _ => return Err(self.err("expected `,` or `}`")),
                }
            }
        }

        /// Length of a string prefix (`r`, `u`, `b`, `rb`, `br`, ...) directly followed by a quote.
        fn string_prefix_len(&self) -> Option<usize> {
            let mut n = 0;
            while let Some(c) = self.s.get(self.pos + n) {
                match c.to_ascii_lowercase() {
                    b'r' | b'u' | b'b' if n < 2 => n += 1,
                    b'\'' | b'"' => return Some(n),
                    _ => return None,
                }
            }
            None
        }

        /// One string literal, then any adjacent ones (implicit concatenation).
        fn strings(&mut self) -> Result<Value, String> {
            let mut out = self.one_string()?;
            loop {
                let save = self.pos;
                self.ws();
                let starts = matches!(self.peek(), Some(b'\'') | Some(b'"'))
                    || (self.peek().is_some_and(|c| c.is_ascii_alphabetic())
                        && self.string_prefix_len().is_some());
                if !starts {
                    self.pos = save;
                    return Ok(Value::String(out));
                }
                out.push_str(&self.one_string()?);
            }
        }

        fn one_string(&mut self) -> Result<String, String> {
            let plen = self.string_prefix_len().unwrap_or(0);
            let raw = self.src[self.pos..self.pos + plen]
                .to_ascii_lowercase()
                .contains('r');
            self.pos += plen;
            let Some(q) = self.peek() else {
                return Err(self.err("unterminated string"));
            };
            let triple =
                self.s.get(self.pos + 1) == Some(&q) && self.s.get(self.pos + 2) == Some(&q);
            self.pos += if triple { 3 } else { 1 };
            let mut out = String::new();
            loop {
                let rest = &self.src[self.pos..];
                let Some(c) = rest.chars().next() else {
                    return Err(self.err("unterminated string"));
                };
                if c as u32 == q as u32 {
                    if !triple {
                        self.pos += 1;
                        return Ok(out);
                    }
                    if rest.as_bytes().get(1) == Some(&q) && rest.as_bytes().get(2) == Some(&q) {
                        self.pos += 3;
                        return Ok(out);
                    }
                }
                if c == '\n' && !triple {
                    return Err(self.err("newline in a single-quoted string"));
                }
                if c == '\\' {
                    let Some(n) = rest[1..].chars().next() else {
                        return Err(self.err("unterminated string"));
                    };
                    if raw {
                        out.push('\\');
                        out.push(n);
                        self.pos += 1 + n.len_utf8();
                        continue;
                    }
                    self.pos += 1 + n.len_utf8();
                    match n {
                        '\n' => {}
                        '\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        '\\' => out.push('\\'),
                        '\'' => out.push('\''),
                        '"' => out.push('"'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'a' => out.push('\x07'),
                        'b' => out.push('\x08'),
                        'f' => out.push('\x0c'),
                        'v' => out.push('\x0b'),
                        'x' => out.push(self.hex_escape(2)?),
                        'u' => out.push(self.hex_escape(4)?),
                        'U' => out.push(self.hex_escape(8)?),
                        '0'..='7' => {
                            let mut v = n.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                        }
                        other => {
                            out.push('\\');
                            out.push(other);
                        }
                    }
                    continue;
                }
                out.push(c);
                self.pos += c.len_utf8();
            }
        }

        fn hex_escape(&mut self, n: usize) -> Result<char, String> {
            let digits = self
                .src
                .get(self.pos..self.pos + n)
                .ok_or_else(|| self.err("short escape"))?;
            let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("bad hex escape"))?;
            self.pos += n;
            char::from_u32(v).ok_or_else(|| self.err("escape is not a character"))
        }

        fn number(&mut self) -> Result<Value, String> {
            let start = self.pos;
            if matches!(self.peek(), Some(b'-') | Some(b'+')) {
                self.pos += 1;
            }
            while let Some(c) = self.peek() {
                let prev = self.s.get(self.pos.wrapping_sub(1)).copied();
                let ok = c.is_ascii_alphanumeric()
                    || c == b'_'
                    || c == b'.'
                    || ((c == b'-' || c == b'+') && matches!(prev, Some(b'e') | Some(b'E')));
                if !ok {
                    break;
                }
                self.pos += 1;
            }
            let text: String = self.src[start..self.pos]
                .chars()
                .filter(|c| *c != '_')
                .collect();
            let (neg, body) = match text.strip_prefix('-') {
                Some(b) => (true, b),
                None => (false, text.strip_prefix('+').unwrap_or(&text)),
            };
            let radix = match body.get(..2).map(|p| p.to_ascii_lowercase()) {
                Some(p) if p == "0x" => Some(16),
                Some(p) if p == "0o" => Some(8),
                Some(p) if p == "0b" => Some(2),
                _ => None,
            };
            if let Some(r) = radix {
                let v = i64::from_str_radix(&body[2..], r).map_err(|_| self.err("bad integer"))?;
                return Ok(Value::from(if neg { -v } else { v }));
            }
            if let Ok(v) = text.parse::<i64>() {
                return Ok(Value::from(v));
            }
            if let Ok(v) = text.parse::<u64>() {
                return Ok(Value::from(v));
            }
            let f: f64 = text
                .parse()
                .map_err(|_| self.err(&format!("bad number `{text}`")))?;
            Number::from_f64(f)
                .map(Value::Number)
                .ok_or_else(|| self.err("number is not finite"))
        }
    }

    fn key_string(k: &Value) -> String {
        match k {
            Value::String(s) => s.clone(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Null => "None".into(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod pylit_tests {
    use super::pylit::{parse, parse_assignment};
    use serde_json::json;

    #[test]
    fn dicts_lists_scalars() {
        let v = parse(
            "{'a': 1, \"b\": [1.5, -2, True, False, None,], 0: ('x', 'y'), 'c': (3), 'd': (), 'e': {1, 2},}",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": 1, "b": [1.5, -2, true, false, null], "0": ["x", "y"], "c": 3, "d": [], "e": [1, 2]})
        );
    }

    #[test]
    fn strings() {
        assert_eq!(
            parse(r#"'it\'s' " and" "\t\x41\u00e9\n""#).unwrap(),
            json!("it's and\tAé\n")
        );
        assert_eq!(parse(r"r'\d+' '\\'").unwrap(), json!("\\d+\\"));
        assert_eq!(parse("'''a\n'b'\n'''").unwrap(), json!("a\n'b'\n"));
        assert_eq!(
            parse("('abc '\n  # comment\n 'def')").unwrap(),
            json!("abc def")
        );
        assert_eq!(parse("u'x' b'y'").unwrap(), json!("xy"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse("1_000").unwrap(), json!(1000));
        assert_eq!(parse("0x1F").unwrap(), json!(31));
        assert_eq!(parse("1e3").unwrap(), json!(1000.0));
        assert_eq!(parse("-0.5").unwrap(), json!(-0.5));
        assert_eq!(
            parse("18446744073709551615").unwrap(),
            json!(18446744073709551615u64)
        );
    }

    #[test]
    fn assignment_and_errors() {
        let src = "# header\nexpected_output = {\n    'k': 'v',  # note\n}\nother = 1\n";
        assert_eq!(
            parse_assignment(src, "expected_output").unwrap(),
            json!({"k": "v"})
        );
        assert!(parse_assignment("x = 1", "expected_output").is_err());
        assert!(parse("{'a' 1}").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("foo").is_err());
        assert!(parse("[1, 2").is_err());
    }
}
