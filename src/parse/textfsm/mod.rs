//! The TextFSM path: any command an ntc-templates template reads, for the commands no built-in
//! parser knows. Its record is a table of rows (field names lowercased, as ntc-templates'
//! tests write them); `library` finds and compiles the templates, `table` runs them.

pub mod library;
pub mod table;

pub use library::{Library, TemplateSet};
pub use table::{Row, TextfsmTable};

/// The parser name a TextFSM command reports in JSONL and `fleetpoll check`.
pub const PARSER_NAME: &str = "textfsm";

/// Why [`rows`] gave no rows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowsError {
    #[error("{0}")]
    NoTemplate(String),
    /// The template folder or a template could not be read or compiled.
    #[error("{0}")]
    Library(String),
    /// A template's `Error` action stopped the parse.
    #[error("{0}")]
    Parse(String),
}

/// The table of `text` whose rows are what ntc-templates' `parse_output(platform, command,
/// data)` gives: `fleetpoll parse --textfsm` prints its `rows` (fields in template order),
/// and the conformance suite checks them.
pub fn rows(
    lib: &Library,
    platform: crate::Platform,
    command: &str,
    text: &str,
) -> Result<TextfsmTable, RowsError> {
    let set = lib
        .lookup(platform, command)
        .map_err(RowsError::Library)?
        .ok_or_else(|| {
            RowsError::NoTemplate(format!(
                "{} has no template for `{command}` on {platform}",
                lib.describe()
            ))
        })?;
    set.parse(text)
        .map_err(|e| RowsError::Parse(format!("{}: {e}", set.name())))
}
