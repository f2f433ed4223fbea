//! The playground's components. Each takes data and `on<verb>` callbacks; none holds app state.

pub mod console;
pub mod diagram;
pub mod dialogs;
pub mod editor;
pub mod header;
pub mod inspector;
pub mod lessons;
pub mod pod_grid;
pub mod timebar;
pub mod why_panel;
