//! The streaming terminal sanitizer under [`super::channel`]: bytes in, completed lines and
//! the current unterminated line out, ANSI escapes and pager erasure removed, in one pass
//! (a run of plain bytes is copied at once).

/// Longest line that is still examined as a possible prompt / pager / password prompt.
const MAX_PROMPT_LINE: usize = 256;
/// A line longer than this without a newline is flushed as if it had wrapped.
const MAX_LINE: usize = 64 * 1024;
/// How much recent output an error message carries.
const TAIL_BYTES: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    None,
    /// ESC seen, sequence type not yet known.
    Start,
    /// ESC followed by intermediate bytes (`ESC ( B`, `ESC # 8`): ends at a final byte.
    Intermediate,
    Csi,
    Osc,
    /// ESC inside an OSC string (the first byte of its ST terminator).
    OscEnd,
}

/// A streaming terminal sanitizer: strips ANSI escape sequences and control characters,
/// normalizes CRLF, applies backspace and bare-CR line erasure (how pagers clean up after
/// themselves), and caps how much output it keeps.
#[derive(Debug)]
pub struct Screen {
    esc: Esc,
    pending_cr: bool,
    out: Vec<u8>,
    cur: Vec<u8>,
    cap: usize,
    truncated: bool,
    tail: std::collections::VecDeque<u8>,
}

impl Screen {
    pub fn new(cap: usize) -> Self {
        Screen {
            esc: Esc::None,
            pending_cr: false,
            out: Vec::new(),
            cur: Vec::new(),
            cap,
            truncated: false,
            tail: std::collections::VecDeque::with_capacity(TAIL_BYTES + 1),
        }
    }

    pub fn feed(&mut self, mut bytes: &[u8]) {
        while let Some(&first) = bytes.first() {
            // Outside an escape and with no CR pending, a run of printable bytes (most of any
            // output) goes onto the line at once; the state machine sees the rest.
            if self.esc == Esc::None && !self.pending_cr && plain(first) {
                let room = MAX_LINE.saturating_sub(self.cur.len()).max(1);
                let take = &bytes[..bytes.len().min(room)];
                let n = take.iter().position(|&b| !plain(b)).unwrap_or(take.len());
                let (run, rest) = bytes.split_at(n);
                self.cur.extend_from_slice(run);
                self.remember_all(run);
                if self.cur.len() >= MAX_LINE {
                    self.newline();
                }
                bytes = rest;
                continue;
            }
            self.byte(first);
            bytes = &bytes[1..];
        }
    }

    fn byte(&mut self, b: u8) {
        match self.esc {
            Esc::Start => {
                self.esc = match b {
                    b'[' => Esc::Csi,
                    b']' => Esc::Osc,
                    0x20..=0x2f => Esc::Intermediate,
                    _ => Esc::None,
                };
                return;
            }
            Esc::Intermediate => {
                if !(0x20..=0x2f).contains(&b) {
                    self.esc = Esc::None;
                }
                return;
            }
            Esc::Csi => {
                if (0x40..=0x7e).contains(&b) {
                    self.esc = Esc::None;
                }
                return;
            }
            Esc::Osc => {
                if b == 0x07 {
                    self.esc = Esc::None;
                } else if b == 0x1b {
                    self.esc = Esc::OscEnd;
                }
                return;
            }
            Esc::OscEnd => {
                self.esc = Esc::None;
                return;
            }
            Esc::None => {}
        }
        if self.pending_cr {
            self.pending_cr = false;
            if b == b'\n' {
                self.newline();
                return;
            }
            // A bare CR returns the cursor: what follows overwrites the line, so drop it.
            self.cur.clear();
        }
        match b {
            0x1b => self.esc = Esc::Start,
            b'\r' => self.pending_cr = true,
            b'\n' => self.newline(),
            // Backspace moves back over what a pager printed.
            0x08 => {
                self.cur.pop();
            }
            b if plain(b) => self.push(b),
            // DEL and the other control bytes print nothing.
            _ => {}
        }
    }

    fn push(&mut self, b: u8) {
        self.cur.push(b);
        self.remember(b);
        if self.cur.len() >= MAX_LINE {
            self.newline();
        }
    }

    fn remember_all(&mut self, run: &[u8]) {
        let run = &run[run.len().saturating_sub(TAIL_BYTES)..];
        let over = (self.tail.len() + run.len()).saturating_sub(TAIL_BYTES);
        self.tail.drain(..over);
        self.tail.extend(run.iter().copied());
    }

    fn remember(&mut self, b: u8) {
        if self.tail.len() == TAIL_BYTES {
            self.tail.pop_front();
        }
        self.tail.push_back(b);
    }

    fn newline(&mut self) {
        while self.cur.last().is_some_and(|c| *c == b' ' || *c == b'\t') {
            self.cur.pop();
        }
        if self.out.len() + self.cur.len() < self.cap {
            self.out.extend_from_slice(&self.cur);
            self.out.push(b'\n');
        } else {
            self.truncated = true;
        }
        self.remember(b'\n');
        self.cur.clear();
    }

    /// The current unterminated line, if short enough to be a prompt.
    pub fn current_line(&self) -> Option<&str> {
        if self.cur.len() > MAX_PROMPT_LINE {
            return None;
        }
        std::str::from_utf8(&self.cur).ok()
    }

    pub fn clear_current(&mut self) {
        self.cur.clear();
    }

    /// Completed lines so far (lossy UTF-8) and whether any were dropped by the cap; resets.
    pub fn take_output(&mut self) -> (String, bool) {
        let text = String::from_utf8_lossy(&self.out).into_owned();
        let truncated = self.truncated;
        self.out.clear();
        self.truncated = false;
        (text, truncated)
    }

    /// The last few hundred characters received, for error messages.
    pub fn tail(&self) -> String {
        let v: Vec<u8> = self.tail.iter().copied().collect();
        String::from_utf8_lossy(&v).into_owned()
    }
}

/// A byte that only adds itself to the current line (see `Screen::byte`).
fn plain(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || b >= 0x80 || b == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// The state after feeding `bytes` one at a time through the state machine alone.
    fn bytewise(bytes: &[u8], cap: usize) -> Screen {
        let mut s = Screen::new(cap);
        for &b in bytes {
            s.byte(b);
        }
        s
    }

    fn same(a: &Screen, b: &Screen) -> bool {
        (a.esc, a.pending_cr, &a.out, &a.cur, a.truncated, &a.tail)
            == (b.esc, b.pending_cr, &b.out, &b.cur, b.truncated, &b.tail)
    }

    #[test]
    fn runs_of_plain_bytes_give_exactly_what_the_byte_machine_gives() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5c4ee);
        let specials = b"\x1b[]\r\n\x08\x7f\t\x07\x01 -- More -- \xc3\xa9";
        for case in 0..400 {
            let len = if case % 50 == 0 {
                140_000
            } else {
                rng.gen_range(0..3000)
            };
            let bytes: Vec<u8> = (0..len)
                .map(|_| match rng.gen_range(0..10) {
                    0..=2 => specials[rng.gen_range(0..specials.len())],
                    3 => rng.gen(),
                    _ => rng.gen_range(b'a'..=b'z'),
                })
                .collect();
            let cap = [64, 4096, 1 << 20][case % 3];
            let want = bytewise(&bytes, cap);
            let mut got = Screen::new(cap);
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let n = rng.gen_range(1..=rest.len().min(5000));
                got.feed(&rest[..n]);
                rest = &rest[n..];
            }
            assert!(same(&got, &want), "case {case}: {got:?}\nvs {want:?}");
        }
    }

    #[test]
    fn a_line_longer_than_max_line_is_split_where_the_byte_machine_splits_it() {
        let mut bytes = b"a\nyy".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', MAX_LINE * 2 + 8));
        for chunk in [1000, 7, bytes.len()] {
            let mut got = Screen::new(1 << 20);
            bytes.chunks(chunk).for_each(|c| got.feed(c));
            assert!(same(&got, &bytewise(&bytes, 1 << 20)), "chunks of {chunk}");
        }
        let mut got = Screen::new(1 << 20);
        got.feed(&bytes);
        assert_eq!(got.out.len(), 2 + 2 * (MAX_LINE + 1));
        assert_eq!(got.cur.len(), 10);
        assert_eq!(got.tail.len(), TAIL_BYTES);
    }
}
