//! Asking for a secret on the controlling terminal (`/dev/tty`, as ssh and Ansible do), without
//! echo. Without a terminal (cron, systemd, `setsid`) every prompt is refused.

use crate::inventory::{CannotAsk, Prompter, Secret};
use nix::sys::termios::{self, FlushArg, LocalFlags, SetArg, SpecialCharacterIndices, Termios};
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::io::AsRawFd;

/// Why the terminal could not give an answer; never holds what was typed.
#[derive(Debug, thiserror::Error)]
pub enum TtyError {
    #[error("no terminal: /dev/tty: {0}")]
    Open(std::io::Error),
    #[error("no terminal: /dev/tty: {0}")]
    Attributes(nix::Error),
    #[error("cannot turn off echo on /dev/tty: {0}")]
    EchoOff(nix::Error),
    #[error("cannot write to /dev/tty: {0}")]
    Write(std::io::Error),
    #[error("cannot read /dev/tty: {0}")]
    Read(std::io::Error),
    #[error("the terminal closed before an answer")]
    Closed,
    #[error("cancelled (Ctrl-C)")]
    CtrlC,
    #[error("cancelled (Ctrl-D)")]
    CtrlD,
    #[error("the answer is not UTF-8")]
    NotUtf8,
}

/// Prompts on `/dev/tty`; the terminal is opened once, at the first prompt.
#[derive(Default)]
pub struct TtyPrompter {
    tty: Option<File>,
}

/// Puts the terminal's settings back however the read ends.
struct Restore<'a> {
    tty: &'a File,
    saved: Termios,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.tty.as_raw_fd(), SetArg::TCSANOW, &self.saved);
    }
}

impl TtyPrompter {
    fn open(&mut self) -> Result<&File, TtyError> {
        match &mut self.tty {
            Some(f) => Ok(f),
            slot => {
                let f = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open("/dev/tty")
                    .map_err(TtyError::Open)?;
                Ok(slot.insert(f))
            }
        }
    }

    fn ask_tty(&mut self, prompt: &str) -> Result<Secret, TtyError> {
        let mut tty = self.open()?;
        let fd = tty.as_raw_fd();
        let saved = termios::tcgetattr(fd).map_err(TtyError::Attributes)?;
        // Byte by byte, without echo, and with Ctrl-C read as a key rather than a signal: a
        // signal would end the process with echo still off.
        let mut raw = saved.clone();
        raw.local_flags
            .remove(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG | LocalFlags::IEXTEN);
        raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
        raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
        // Typed ahead before the question is not its answer.
        let _ = termios::tcflush(fd, FlushArg::TCIFLUSH);
        let restore = Restore { tty, saved };
        termios::tcsetattr(fd, SetArg::TCSANOW, &raw).map_err(TtyError::EchoOff)?;
        tty.write_all(prompt.as_bytes())
            .and_then(|_| tty.flush())
            .map_err(TtyError::Write)?;
        let answer = read_answer(&mut tty);
        drop(restore);
        let _ = tty.write_all(b"\r\n");
        answer.map(Secret::new)
    }
}

impl Prompter for TtyPrompter {
    fn ask(&mut self, prompt: &str) -> Result<Option<Secret>, CannotAsk> {
        Ok(Some(self.ask_tty(prompt)?))
    }
}

/// One answer from a terminal in raw mode: Enter ends it; Backspace/DEL erases a character,
/// Ctrl-U the line; Ctrl-C, or Ctrl-D on an empty line, cancels. Other control characters are
/// kept, so the one-line check refuses them instead of them vanishing silently.
fn read_answer(tty: &mut impl Read) -> Result<String, TtyError> {
    let mut bytes: Vec<u8> = Vec::new();
    let mut b = [0u8; 1];
    loop {
        match tty.read(&mut b) {
            Ok(0) => return Err(TtyError::Closed),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(TtyError::Read(e)),
        }
        match b[0] {
            b'\r' | b'\n' => break,
            0x03 => return Err(TtyError::CtrlC),
            0x04 if bytes.is_empty() => return Err(TtyError::CtrlD),
            0x15 => bytes.clear(),
            0x7f | 0x08 => {
                // One character, not one byte, of UTF-8.
                while let Some(last) = bytes.pop() {
                    if last & 0xC0 != 0x80 {
                        break;
                    }
                }
            }
            c => bytes.push(c),
        }
    }
    String::from_utf8(bytes).map_err(|_| TtyError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::read_answer;

    fn answer(typed: &[u8]) -> Result<String, String> {
        read_answer(&mut &typed[..]).map_err(|e| e.to_string())
    }

    #[test]
    fn editing_keys_and_cancels() {
        assert_eq!(answer(b"s3cret\r"), Ok("s3cret".into()));
        assert_eq!(answer(b"s3cret\n"), Ok("s3cret".into()));
        assert_eq!(answer(b"s3cx\x7fret\r"), Ok("s3cret".into()));
        assert_eq!(answer("pä\x7f\x7fpw\r".as_bytes()), Ok("pw".into()));
        assert_eq!(answer(b"junk\x15pw\r"), Ok("pw".into()));
        assert_eq!(
            answer(b"pw\x1b[A\r"),
            Ok("pw\x1b[A".into()),
            "kept, refused later"
        );
        assert_eq!(answer(b"pw\x03"), Err("cancelled (Ctrl-C)".into()));
        assert_eq!(answer(b"\x04"), Err("cancelled (Ctrl-D)".into()));
        assert_eq!(
            answer(b"pw"),
            Err("the terminal closed before an answer".into())
        );
    }
}
