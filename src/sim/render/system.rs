//! Simulated outputs for the system command family. PLACEHOLDER: being written.
use crate::sim::scenario::RenderCtx;

pub fn render(_ctx: &RenderCtx<'_>, _command: &str) -> Option<String> {
    None
}
