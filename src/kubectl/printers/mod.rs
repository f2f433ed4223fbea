//! Output printers: kubectl's human-readable tables (printers.go handlers plus the table
//! printer), `-o yaml|json|name|jsonpath|custom-columns`.

pub mod apps;
pub mod core;
pub mod custom_columns;
pub mod generic;
pub mod gotemplate;
pub mod json;
pub mod jsonpath;
pub mod pod;
pub mod quantity;
pub mod storage;
pub mod table;
pub mod tabwriter;
pub mod yaml;
mod yaml_scalar;

pub use table::{format_labels, print_table, PrintOptions, RowContext};
