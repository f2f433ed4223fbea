//! `kubectl get -w` / `--watch-only` (`kubectl/pkg/cmd/get/get.go` `watch`) and `kubectl events
//! -w` (`events.go` `runWatch`): the current table first, then one row per change to a matching
//! object, through the same table writer so rows keep the first table's column widths
//! (liggitt/tabwriter `RememberWidths`), never repeating the header.
//!
//! A [`Watch`] is fed the store's [`WatchEvent`]s: the browser polls it after each step and
//! streams the lines; `kubectl::run` drives the clock itself until the cluster settles.

use super::commands::events::{print_watched_event, EventFilter, EventPrinter};
use super::commands::output::{print_generic, Format};
use super::errors::{CmdError, CmdResult};
use super::printers::tabwriter::{new_table_writer, TabWriter};
use super::printers::{print_table, PrintOptions, RowContext};
use super::resources::{list, ListOptions};
use super::selector::{field_value, parse_field_selector, parse_label_selector, FieldTerm, Selector};
use crate::engine::api::{Event, Kind, Object};
use crate::engine::sim::Cluster;
use crate::engine::store::{WatchEvent, WatchEventType};
use serde_json::json;

/// How long (virtual time) `kubectl get -w` in a script or the CLI watches at most.
pub const WATCH_LIMIT_MS: u64 = 30 * 60 * 1000;
/// How many steps it takes at most.
pub const WATCH_STEP_LIMIT: usize = 200_000;

/// A running watch on one resource type.
#[derive(Clone, Debug)]
pub struct Watch {
    kind: Kind,
    namespace: Option<String>,
    names: Vec<String>,
    labels: Selector,
    fields: Vec<FieldTerm>,
    popts: PrintOptions,
    format: Format,
    writer: TabWriter,
    header_printed: bool,
    printed: usize,
    /// `kubectl events -w`: its filter and the EventPrinter instead of the kind's table.
    events: Option<(EventFilter, EventPrinter)>,
    /// `--output-watch-events`: each object wrapped in its watch event.
    output_watch_events: bool,
}

/// What the user asked to watch.
pub struct WatchSpec {
    /// The resource type.
    pub kind: Kind,
    /// Object names (empty: the whole collection).
    pub names: Vec<String>,
    /// Namespace (None: all namespaces).
    pub namespace: Option<String>,
    /// `-l`.
    pub label_selector: Option<String>,
    /// `--field-selector`.
    pub field_selector: Option<String>,
    /// Table options.
    pub popts: PrintOptions,
    /// Output format.
    pub format: Format,
    /// `--watch-only`: no initial listing.
    pub watch_only: bool,
    /// `--output-watch-events`: an EVENT column (ADDED, MODIFIED, DELETED) before the table's, or
    /// `{type, object}` documents for `-o json|yaml`.
    pub output_watch_events: bool,
}

impl Watch {
    /// Starts a watch: returns it with the initial listing (empty for `--watch-only`).
    pub fn start(cluster: &Cluster, spec: WatchSpec) -> CmdResult<(Watch, String)> {
        let labels = match &spec.label_selector {
            Some(s) => parse_label_selector(s).map_err(CmdError::Plain)?,
            None => Selector::default(),
        };
        let fields = match &spec.field_selector {
            Some(s) => parse_field_selector(s).map_err(|e| CmdError::Api(crate::engine::error::ApiError::BadRequest(e)))?,
            None => Vec::new(),
        };
        let opts = ListOptions {
            namespace: spec.namespace.clone(),
            label_selector: spec.label_selector.clone(),
            field_selector: spec.field_selector.clone(),
        };
        let mut initial: Vec<std::rc::Rc<Object>> = list(cluster, spec.kind, &opts)?;
        if !spec.names.is_empty() {
            initial.retain(|o| spec.names.contains(&o.meta().name));
            for n in &spec.names {
                if !initial.iter().any(|o| o.meta().name == *n) {
                    return Err(CmdError::Api(crate::engine::error::ApiError::not_found(spec.kind, n)));
                }
            }
        }
        let namespace = if spec.kind.info().namespaced { spec.namespace } else { None };
        let mut w = Watch {
            kind: spec.kind,
            namespace,
            names: spec.names,
            labels,
            fields,
            popts: spec.popts,
            format: spec.format,
            writer: new_table_writer(),
            header_printed: false,
            printed: 0,
            events: None,
            output_watch_events: spec.output_watch_events,
        };
        let out = if spec.watch_only {
            String::new()
        } else {
            let refs: Vec<&Object> = initial.iter().map(|o| o.as_ref()).collect();
            w.print(cluster, &refs, WatchEventType::Added)
        };
        Ok((w, out))
    }

    /// Starts `kubectl events -w` (`runWatch`): the watch's initial ADDED events (every matching
    /// event, in list order, unsorted), then every added or updated one; deletions print nothing.
    pub fn start_events(cluster: &Cluster, spec: WatchSpec, filter: EventFilter) -> CmdResult<(Watch, String)> {
        let printer = EventPrinter { no_headers: spec.popts.no_headers, all_namespaces: spec.popts.with_namespace, headers_printed: false };
        let opts = ListOptions { namespace: spec.namespace.clone(), ..Default::default() };
        let initial: Vec<std::rc::Rc<Object>> = list(cluster, Kind::Event, &opts)?;
        let mut w = Watch {
            kind: Kind::Event,
            namespace: spec.namespace,
            names: Vec::new(),
            labels: Selector::default(),
            fields: Vec::new(),
            popts: spec.popts,
            format: spec.format,
            writer: new_table_writer(),
            header_printed: false,
            printed: 0,
            events: Some((filter, printer)),
            output_watch_events: false,
        };
        let refs: Vec<&Object> = initial.iter().map(|o| o.as_ref()).filter(|o| w.matches(o)).collect();
        let out = w.print(cluster, &refs, WatchEventType::Added);
        Ok((w, out))
    }

    fn matches(&self, obj: &Object) -> bool {
        let m = obj.meta();
        if obj.kind() != self.kind {
            return false;
        }
        if let Some((filter, _)) = &self.events {
            if !obj.as_event().is_some_and(|e| filter.matches(e)) {
                return false;
            }
        }
        if let Some(ns) = &self.namespace {
            if m.namespace != *ns {
                return false;
            }
        }
        if !self.names.is_empty() && !self.names.contains(&m.name) {
            return false;
        }
        self.labels.matches(&m.labels)
            && self.fields.iter().all(|t| field_value(obj, &t.field).is_some_and(|v| (v == t.value) == t.equals))
    }

    fn print(&mut self, cluster: &Cluster, objs: &[&Object], event: WatchEventType) -> String {
        if objs.is_empty() {
            return String::new();
        }
        if let Some((_, printer)) = &mut self.events {
            let events: Vec<&Event> = objs.iter().filter_map(|o| o.as_event()).collect();
            if self.format == Format::Table {
                printer.print(&mut self.writer, &events, cluster.now);
                return self.writer.flush();
            }
            let mut out = String::new();
            for e in events {
                out.push_str(&print_watched_event(&self.format, e, self.printed));
                self.printed += 1;
            }
            return out;
        }
        match &self.format {
            Format::Table | Format::Wide if self.output_watch_events => {
                // tableprinter.go: the EVENT column is added in front of the decorated table.
                let mut popts = self.popts.clone();
                popts.no_headers |= self.header_printed;
                let ctx = RowContext { now: cluster.now, cluster };
                let mut table = new_table_writer();
                print_table(&mut table, self.kind, objs, &popts, &ctx);
                let mut lines = table.take_raw();
                lines.pop();
                for (i, line) in lines.split('\n').enumerate() {
                    let first = if i == 0 && !popts.no_headers { "EVENT" } else { format_event_type(event) };
                    self.writer.write(first);
                    self.writer.write("\t");
                    self.writer.write(line);
                    self.writer.write("\n");
                }
                self.header_printed = true;
                self.writer.flush()
            }
            Format::Table | Format::Wide => {
                let mut popts = self.popts.clone();
                popts.no_headers |= self.header_printed;
                let ctx = RowContext { now: cluster.now, cluster };
                print_table(&mut self.writer, self.kind, objs, &popts, &ctx);
                self.header_printed = true;
                self.writer.flush()
            }
            Format::Yaml | Format::Json if self.output_watch_events => {
                let mut out = String::new();
                for o in objs {
                    // metav1.WatchEvent: JSON in its field order (type, object), YAML sorted.
                    let doc = json!({"type": event_type_name(event), "object": o.to_value()});
                    if self.format == Format::Json {
                        out.push_str(&print_watch_event_json(event, &doc["object"]));
                    } else {
                        if self.printed > 0 {
                            out.push_str("---\n");
                        }
                        out.push_str(&crate::kubectl::printers::yaml::to_yaml(&doc));
                    }
                    self.printed += 1;
                }
                out
            }
            Format::Yaml => {
                let mut out = String::new();
                for o in objs {
                    if self.printed > 0 {
                        out.push_str("---\n");
                    }
                    out.push_str(&print_generic(&self.format, &[o], true, false).unwrap_or_default());
                    self.printed += 1;
                }
                out
            }
            f => {
                let mut out = String::new();
                for o in objs {
                    out.push_str(&print_generic(f, &[o], true, true).unwrap_or_default());
                }
                out
            }
        }
    }

    /// The lines for a batch of store changes: one row per change to a matching object (an
    /// object that stops matching the selector still gets its last row, as the API server sends
    /// it a DELETED event).
    pub fn poll(&mut self, cluster: &Cluster, changes: &[WatchEvent]) -> String {
        let mut out = String::new();
        for ev in changes {
            if self.events.is_some() {
                // runWatch: events are deleted after an hour; that is not printed.
                if ev.type_ != WatchEventType::Deleted && self.matches(&ev.object) {
                    out.push_str(&self.print(cluster, &[ev.object.as_ref()], ev.type_));
                }
                continue;
            }
            let now_matches = self.matches(&ev.object);
            let was = ev.old.as_ref().is_some_and(|o| self.matches(o));
            if now_matches || was {
                // An object leaving the selection is a DELETED event to this watch, one
                // entering it an ADDED one.
                let event = match (was, now_matches) {
                    (true, false) => WatchEventType::Deleted,
                    (false, true) if ev.type_ == WatchEventType::Modified => WatchEventType::Added,
                    _ => ev.type_,
                };
                let s = self.print(cluster, &[ev.object.as_ref()], event);
                out.push_str(&s);
            }
        }
        out
    }

    /// Drives the clock until the cluster settles (bounded), returning everything printed: what
    /// `kubectl get -w` shows until the user would press Ctrl-C.
    pub fn run_until_settled(&mut self, cluster: &mut Cluster) -> String {
        let mut out = String::new();
        let pending = cluster.flush();
        out.push_str(&self.poll(cluster, &pending));
        let until = cluster.now.plus_ms(WATCH_LIMIT_MS);
        let mut steps = 0;
        while !cluster.is_settled() && steps < WATCH_STEP_LIMIT && cluster.next_due().is_some_and(|t| t <= until) {
            let r = cluster.step();
            out.push_str(&self.poll(cluster, &r.changes));
            steps += 1;
        }
        out
    }
}

/// The event type as the API writes it.
fn event_type_name(t: WatchEventType) -> &'static str {
    match t {
        WatchEventType::Added => "ADDED",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED",
    }
}

/// tableprinter.go `formatEventType`: padded to MODIFIED's width.
fn format_event_type(t: WatchEventType) -> &'static str {
    match t {
        WatchEventType::Added => "ADDED   ",
        WatchEventType::Modified => "MODIFIED",
        WatchEventType::Deleted => "DELETED ",
    }
}

/// JSONPrinter on a `metav1.WatchEvent`: `type` then `object` (struct order), the object's own
/// keys sorted as for any unstructured object.
fn print_watch_event_json(t: WatchEventType, object: &serde_json::Value) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        #[serde(rename = "type")]
        type_: &'static str,
        object: &'a serde_json::Value,
    }
    // to_json sorts keys; the object's are sorted first, then the wrapper keeps its order.
    let sorted: serde_json::Value = serde_json::from_str(&crate::kubectl::printers::json::to_json(object)).unwrap_or_default();
    crate::kubectl::printers::json::to_json_in_field_order(&Doc { type_: event_type_name(t), object: &sorted })
}

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::*;
    use crate::kubectl::{run, start_watch, Context};

    const WEB: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: nginx\n  serviceName: nginx\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: registry.k8s.io/nginx-slim:0.24\n";

    #[test]
    fn get_w_prints_rows_with_the_first_tables_widths() {
        let mut c = cluster();
        let ctx = Context { stdin: Some(WEB.into()), ..Context::default() };
        run(&mut c, "kubectl apply -f -", &ctx);
        let o = kubectl(&mut c, "kubectl get pods -w");
        eprintln!("{}", o.stdout);
        let lines: Vec<&str> = o.stdout.lines().collect();
        // get.go watch: one header, then one row per change, never a second header.
        assert_eq!(lines.iter().filter(|l| l.starts_with("NAME")).count(), 1, "{}", o.stdout);
        assert!(lines.last().unwrap().starts_with("web-1   1/1     Running"), "{}", o.stdout);
        assert!(c.is_settled());
    }

    #[test]
    fn streaming_api_polls_changes() {
        let mut c = cluster();
        let (o, w) = start_watch(&mut c, "kubectl get sts --watch-only", &Context::default());
        assert_eq!((o.stdout.as_str(), o.exit_code), ("", 0));
        let mut w = w.expect("a watch");
        run(&mut c, "kubectl apply -f -", &Context { stdin: Some(WEB.into()), ..Context::default() });
        let mut out = String::new();
        for _ in 0..50 {
            let r = c.step();
            out.push_str(&w.poll(&c, &r.changes));
        }
        assert!(out.starts_with("NAME   READY   AGE\nweb    0/2     0s\n"), "{out}");
        let (o, w) = start_watch(&mut c, "kubectl get sts --watch-only --output-watch-events", &Context::default());
        assert_eq!(o.stdout, "");
        let mut w = w.expect("a watch");
        run(&mut c, "kubectl scale sts web --replicas=3", &Context::default());
        let r = c.step();
        // tableprinter.go: EVENT (formatEventType pads to MODIFIED's width) before the columns.
        assert!(w.poll(&c, &r.changes).starts_with("EVENT      NAME   READY   AGE\nMODIFIED   web    "));
        let o = kubectl(&mut c, "kubectl get sts --output-watch-events");
        assert_eq!(
            o.stderr,
            "error: --output-watch-events option can only be used with --watch or --watch-only\nSee 'kubectl get -h' for help and examples\n"
        );
        let (o, w) = start_watch(&mut c, "kubectl get pods,sts -w", &Context::default());
        assert_eq!((o.stderr.as_str(), w.is_none()), ("error: you may only specify a single resource type\n", true));
    }
}
