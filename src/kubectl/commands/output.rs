//! Shared output handling for commands that print objects: `-o`, `--template` and
//! `--allow-missing-template-keys` parsing (`genericclioptions.PrintFlags`,
//! `KubeTemplatePrintFlags`) and the non-table printers applied to a set of objects (`get.go`
//! `printGeneric`).

use super::manifests::DryRun;
use crate::engine::api::{Kind, Object};
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::Parsed;
use crate::kubectl::printers::{custom_columns, gotemplate, json, jsonpath, yaml};
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
    /// `-o go-template=…`, `--template …`.
    GoTemplate(Box<GoTemplate>),
}

/// A Go-template printer (`printers.GoTemplatePrinter`).
#[derive(Clone, Debug, PartialEq)]
pub struct GoTemplate {
    /// The template as given (quoted in errors).
    raw: String,
    template: gotemplate::Template,
    /// `--allow-missing-template-keys` (default true): `missingkey=default`, else `=error`.
    allow_missing_keys: bool,
}

impl GoTemplate {
    /// `GoTemplatePrinter.PrintObj` of the decoded object; `raw_json` is what `json.Marshal`
    /// gave for it. On failure the template's partial output and the printer's debugging dump
    /// go to stdout, and the error is `error executing template "…": …`.
    pub fn print(&self, value: &Value, raw_json: &str) -> Result<String, (String, CmdError)> {
        self.template.execute(value, self.allow_missing_keys).map_err(|e| {
            let dump = format!(
                "{}Error executing template: {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\traw data was:\n\t\t{raw_json}\n\tobject given to template engine was:\n\t\t{}\n\n",
                e.partial,
                e.message,
                self.raw,
                gotemplate::go_sprint(value),
            );
            (dump, CmdError::plain(format!("error executing template {}: {}", gotemplate::go_quote(&self.raw), e.message)))
        })
    }
}

/// `KubeTemplatePrintFlags.ToPrinter`: the JSONPath formats, then the Go-template ones
/// (`GoTemplatePrintFlags`: `go-template`, `go-template-file`, `template`, `templatefile`),
/// each taking its template from `FORMAT=TEMPLATE` or, when given, `--template`. `None` when
/// the output format is neither.
fn template_format(env: &Env, output: &str, template_arg: &str, allow_missing_keys: bool) -> CmdResult<Option<Format>> {
    if template_arg.is_empty() && output.is_empty() {
        return Ok(None);
    }
    const JSONPATH: [&str; 3] = ["jsonpath", "jsonpath-file", "jsonpath-as-json"];
    const GO: [&str; 4] = ["go-template", "go-template-file", "template", "templatefile"];
    for (formats, go) in [(&JSONPATH[..], false), (&GO[..], true)] {
        let (format, mut value) = if template_arg.is_empty() {
            match formats.iter().find_map(|f| output.strip_prefix(f).and_then(|r| r.strip_prefix('=')).map(|v| (*f, v))) {
                Some((f, v)) => (f, v.to_string()),
                None => (output, String::new()),
            }
        } else {
            (output, template_arg.to_string())
        };
        if !formats.contains(&format) {
            continue;
        }
        if value.is_empty() {
            return Err(CmdError::plain("template format specified but no template given"));
        }
        if format.ends_with("file") {
            let read = env.files.as_ref().map(|r| r.read(&value));
            match read {
                Some(Ok(text)) => value = text,
                _ => {
                    return Err(CmdError::plain(format!(
                        "error reading --template {value}, open {value}: no such file or directory"
                    )))
                }
            }
        }
        return Ok(Some(if go {
            let template = gotemplate::parse(&value).map_err(|e| CmdError::plain(format!("error parsing template {value}, {e}")))?;
            Format::GoTemplate(Box::new(GoTemplate { raw: value, template, allow_missing_keys }))
        } else {
            Format::JsonPath(jsonpath::parse(&value).map_err(CmdError::Plain)?)
        }));
    }
    Ok(None)
}

/// The output format of a command's printer flags (`-o`, `--template`,
/// `--allow-missing-template-keys`); `allowed_tables` is false for commands without a table
/// printer. A `--template` without `-o` means `go-template` (`PrintFlags.ToPrinter`).
pub fn parse_output(env: &Env, p: &Parsed, allowed_tables: bool) -> CmdResult<Format> {
    let mut output = p.string("output").unwrap_or("");
    let template_arg = p.string("template").unwrap_or("");
    if !template_arg.is_empty() && output.is_empty() {
        output = "go-template";
    }
    match template_format(env, output, template_arg, p.bool_or("allow-missing-template-keys", true))? {
        Some(f) => Ok(f),
        None => parse_format(Some(output), allowed_tables),
    }
}

/// The formats kubectl get lists in its error.
const ALLOWED: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// Parses `-o` alone (no template flags); `allowed_tables` is false for commands without a
/// table printer.
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
pub fn parse_change_output(env: &Env, p: &Parsed) -> CmdResult<Option<Format>> {
    if p.string("output").unwrap_or("").is_empty() && p.string("template").unwrap_or("").is_empty() {
        return Ok(None);
    }
    parse_output(env, p, false).map(Some)
}

/// What such a command prints for one object (`PrintFlags.ToPrinter` after
/// `PrintFlagsWithDryRunStrategy`): `statefulset.apps/web scaled (dry run)` by default, the bare
/// name for `-o name`, or `printed` in the format asked for.
pub fn print_change(env: &mut Env, format: Option<&Format>, printed: &Object, op: &str, dry: DryRun) -> CmdResult {
    match format {
        Some(f) if !matches!(f, Format::Table | Format::Wide) => write_generic(env, f, &[printed], true, false)?,
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
/// was implied, a List otherwise. A template's execution error loses the partial output (see
/// [`write_generic`]).
pub fn print_generic(format: &Format, objs: &[&Object], single: bool, no_headers: bool) -> CmdResult<String> {
    render(format, objs, single, no_headers).map_err(|(_, e)| e)
}

/// [`print_generic`] onto stdout; a template that fails still prints what it wrote and the
/// printer's debugging dump before the error.
pub fn write_generic(env: &mut Env, format: &Format, objs: &[&Object], single: bool, no_headers: bool) -> CmdResult {
    match render(format, objs, single, no_headers) {
        Ok(s) => {
            env.print(&s);
            Ok(())
        }
        Err((out, e)) => {
            env.print(&out);
            Err(e)
        }
    }
}

fn render(format: &Format, objs: &[&Object], single: bool, no_headers: bool) -> Result<String, (String, CmdError)> {
    let value = || if single && objs.len() == 1 { objs[0].to_value() } else { list_value(objs) };
    Ok(match format {
        // json.Marshal of an unstructured object: its encoder's compact, sorted JSON line.
        Format::GoTemplate(t) => {
            let v = value();
            t.print(&v, &json::encode(&v))?
        }
        Format::Yaml => yaml::to_yaml(&value()),
        Format::Json => json::to_json(&value()),
        Format::Name => objs.iter().map(|o| format!("{}\n", name_of(o))).collect(),
        Format::JsonPath(t) => t.execute(&value()),
        Format::CustomColumns(cols) => {
            let vals: Vec<Value> = objs.iter().map(|o| o.to_value()).collect();
            if vals.is_empty() {
                String::new()
            } else {
                custom_columns::print(cols, &vals, no_headers).map_err(|e| (String::new(), CmdError::Plain(e)))?
            }
        }
        Format::Table | Format::Wide => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    fn setup() -> crate::engine::sim::Cluster {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 2)));
        let now = c.now;
        put(&mut c, Object::Pod(running_pod("web-0", "web", now)));
        put(&mut c, Object::Pod(running_pod("web-1", "web", now)));
        c
    }

    #[test]
    fn tutorial_template_commands() {
        let mut c = setup();
        // basic-stateful-set.md: `kubectl get pod "web-$p" --template '{{range $i, $c := …}}…'`.
        let o = kubectl(&mut c, "get pod web-0 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("registry.k8s.io/nginx-slim:0.24", ""));
        let o = kubectl(&mut c, "get pod web-0 -o go-template='{{.metadata.name}}/{{.kind}}'");
        assert_eq!(o.stdout, "web-0/Pod");
        // Several objects are a v1 List.
        let o = kubectl(&mut c, r#"get pods -o go-template='{{.kind}}:{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}'"#);
        assert_eq!(o.stdout, "List:web-0\nweb-1\n");
        for form in ["-o template='{{.spec.replicas}}'", "-o=go-template --template={{.spec.replicas}}", "--template={{.spec.replicas}}"] {
            assert_eq!(kubectl(&mut c, &format!("get sts web {form}")).stdout, "2", "{form}");
        }
        // A change command's -o takes it too.
        let o = kubectl(&mut c, "scale sts web --replicas=3 --dry-run=client --template '{{.metadata.name}}'");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("web", ""));
    }

    #[test]
    fn template_errors() {
        let mut c = setup();
        let o = kubectl(&mut c, "get pod web-0 -o go-template='{{.status.podIP'");
        assert_eq!(o.stderr, "error: error parsing template {{.status.podIP, template: output:1: unclosed action\n");
        let o = kubectl(&mut c, "get pod web-0 -o go-template");
        assert_eq!(o.stderr, "error: template format specified but no template given\n");
        let o = kubectl(&mut c, "get pod web-0 -o go-template-file=t.tmpl");
        assert_eq!(o.stderr, "error: error reading --template t.tmpl, open t.tmpl: no such file or directory\n");
        // A missing key prints <no value> unless --allow-missing-template-keys=false.
        let o = kubectl(&mut c, "get pod web-0 -o go-template='{{.status.nope}}'");
        assert_eq!((o.stdout.as_str(), o.exit_code), ("<no value>", 0));
        let o = kubectl(&mut c, "get pod web-0 -o go-template='{{.kind}} {{.status.nope}}' --allow-missing-template-keys=false");
        assert_eq!(
            o.stderr,
            "error: error executing template \"{{.kind}} {{.status.nope}}\": template: output:1:19: executing \"output\" at <.status.nope>: map has no entry for key \"nope\"\n"
        );
        assert!(o.stdout.starts_with("Pod Error executing template: template: output:1:19: executing \"output\" at <.status.nope>: map has no entry for key \"nope\". Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{.kind}} {{.status.nope}}\n\traw data was:\n\t\t{\"apiVersion\":\"v1\",\"kind\":\"Pod\","), "{}", o.stdout);
        assert!(o.stdout.contains("}\n\n\tobject given to template engine was:\n\t\tmap[apiVersion:v1 kind:Pod metadata:map["), "{}", o.stdout);
        assert!(o.stdout.ends_with("]]\n\n"), "{}", o.stdout);
    }

    #[test]
    fn base64decode_reads_secret_data() {
        let mut c = setup();
        apply(&mut c, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  username: aHVudGVy\n");
        let o = kubectl(&mut c, "get secret creds -o go-template='{{.data.username | base64decode}}'");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("hunter", ""));
    }
}
