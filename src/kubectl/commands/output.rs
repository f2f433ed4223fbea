//! Shared output handling for commands that print objects: `-o` parsing
//! (`genericclioptions.PrintFlags`) and the non-table printers applied to a set of objects
//! (`get.go` `printGeneric`).

use super::manifests::DryRun;
use crate::engine::api::{Kind, Object};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::Parsed;
use crate::kubectl::printers::{custom_columns, json, jsonpath, yaml};
use crate::kubectl::Env;
use serde_json::{json, Value};

/// An output format.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    /// Human-readable table.
    Table,
    /// `-o wide`.
    Wide,
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o name`.
    Name,
    /// `-o jsonpath=…`.
    JsonPath(jsonpath::Template),
    /// `-o custom-columns=…`.
    CustomColumns(Vec<custom_columns::CustomColumn>),
}

/// The formats kubectl get lists in its error.
const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// Parses `-o`; `allowed_tables` is false for commands without a table printer.
pub fn parse_format(o: Option<&str>, allowed_tables: bool) -> CmdResult<Format> {
    let o = o.unwrap_or("");
    Ok(match o {
        "" if allowed_tables => Format::Table,
        "wide" if allowed_tables => Format::Wide,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "name" => Format::Name,
        _ if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let t = o.split_once('=').map(|(_, t)| t).unwrap_or("");
            Format::JsonPath(jsonpath::parse(t).map_err(CmdError::Plain)?)
        }
        _ if o.starts_with("custom-columns=") => {
            Format::CustomColumns(custom_columns::parse_spec(&o["custom-columns=".len()..]).map_err(CmdError::Plain)?)
        }
        _ => {
            let allowed = if allowed_tables {
                ALLOWED.to_string()
            } else {
                "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml".to_string()
            };
            return Err(CmdError::plain(format!(
                "unable to match a printer suitable for the output format {o:?}, allowed formats are: {allowed}"
            )));
        }
    })
}

/// `-o` of a command that changes objects (scale, label, set image, rollout …): `None` when
/// unset, which means NamePrinter's `statefulset.apps/web scaled` line.
pub fn parse_change_output(p: &Parsed) -> CmdResult<Option<Format>> {
    match p.string("output") {
        Some(o) if !o.is_empty() => Ok(Some(parse_format(Some(o), false)?)),
        _ => Ok(None),
    }
}

/// What such a command prints for one object (`PrintFlags.ToPrinter` after
/// `PrintFlagsWithDryRunStrategy`): `statefulset.apps/web scaled (dry run)` by default, the bare
/// name for `-o name`, or `printed` in the format asked for.
pub fn print_change(env: &mut Env, format: Option<&Format>, printed: &Object, op: &str, dry: DryRun) -> CmdResult {
    match format {
        Some(f) if !matches!(f, Format::Table | Format::Wide) => {
            let s = print_generic(f, &[printed], true, false)?;
            env.print(&s);
        }
        _ => env.println(&format!("{} {op}{}", name_of(printed), dry.suffix())),
    }
    Ok(())
}

/// NamePrinter: `statefulset.apps/web`.
pub fn name_of(obj: &Object) -> String {
    format!("{}/{}", obj.kind().name_prefix(), obj.meta().name)
}

/// NamePrinter for a kind and name.
pub fn name_for(kind: Kind, name: &str) -> String {
    format!("{}/{}", kind.name_prefix(), name)
}

/// kubectl's list wrapper for several objects: `kind: List` with `metadata.resourceVersion: ""`.
pub fn list_value(objs: &[&Object]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": objs.iter().map(|o| o.to_value()).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// Prints objects in a non-table format (`printGeneric`): one object bare when a single item
/// was implied, a List otherwise.
pub fn print_generic(format: &Format, objs: &[&Object], single: bool, no_headers: bool) -> CmdResult<String> {
    let value = || if single && objs.len() == 1 { objs[0].to_value() } else { list_value(objs) };
    Ok(match format {
        Format::Yaml => yaml::to_yaml(&value()),
        Format::Json => json::to_json(&value()),
        Format::Name => objs.iter().map(|o| format!("{}\n", name_of(o))).collect(),
        Format::JsonPath(t) => t.execute(&value()),
        Format::CustomColumns(cols) => {
            let vals: Vec<Value> = objs.iter().map(|o| o.to_value()).collect();
            if vals.is_empty() {
                String::new()
            } else {
                custom_columns::print(cols, &vals, no_headers).map_err(CmdError::Plain)?
            }
        }
        Format::Table | Format::Wide => String::new(),
    })
}
