//! `kubectl events` (`kubectl/pkg/cmd/events/events.go`, `event_printer.go`): the namespace's
//! events (or every namespace's with `-A`, or one object's with `--for TYPE/NAME`), filtered by
//! `--types`, sorted by when each was last seen (`SortableEvents` through Go's unstable
//! `sort.Sort`), in the EventPrinter's table — LAST SEEN, TYPE, REASON, OBJECT (`Kind/name`, the
//! kind as the API spells it), MESSAGE — or in a `-o` format. `-w` prints what is there in the
//! API's list order (the watch's initial events, unsorted), then each new or updated event.

use super::output::Format;
use super::parse_flags;
use crate::engine::api::{Event, Kind, Object, ObjectMeta, Time};
use crate::kubectl::duration::translate_timestamp_since;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::printers::tabwriter::{new_table_writer, TabWriter};
use crate::kubectl::printers::{json, yaml};
use crate::kubectl::resources::{self, ListOptions};
use crate::kubectl::watch::{Watch, WatchSpec};
use crate::kubectl::Env;
use serde::Serialize;
use serde_json::{json, Value};

/// Flags `kubectl events` accepts (its own, then `PrintFlags`' for `-o`).
pub const FLAGS: &[FlagSpec] = &[
    flag("watch", Some('w'), FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("for", None, FlagKind::String),
    flag("types", None, FlagKind::StringSlice),
    flag("no-headers", None, FlagKind::Bool),
    flag("chunk-size", None, FlagKind::Int),
    flag("output", Some('o'), FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("template", None, FlagKind::String),
];

/// Which events a `kubectl events` shows besides the namespace: `--for`'s kind and name (the
/// `involvedObject.kind` / `involvedObject.name` field selector) and `--types`.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// `--for`: the involved object's kind (as the API spells it) and name.
    pub involved: Option<(String, String)>,
    /// `--types`, as given (compared case-insensitively); empty: every type.
    pub types: Vec<String>,
}

impl EventFilter {
    /// Whether an event passes the field selector and `filteredEventType`.
    pub fn matches(&self, e: &Event) -> bool {
        if let Some((kind, name)) = &self.involved {
            if e.involved_object.kind != *kind || e.involved_object.name != *name {
                return false;
            }
        }
        self.types.is_empty() || self.types.iter().any(|t| t.eq_ignore_ascii_case(&e.type_))
    }
}

/// `decodeResourceTypeName`: `--for`'s `resource/name` through the REST mapper (plural,
/// singular, short name or kind; no `.group` suffix, which `ResourceFor` does not parse).
fn decode_for(s: &str) -> CmdResult<(Kind, String)> {
    if !s.contains('/') {
        return Err(CmdError::plain("--for must be in resource/name form"));
    }
    let seg: Vec<&str> = s.split('/').collect();
    if seg.len() != 2 {
        return Err(CmdError::plain("arguments in resource/name form may not have more than one slash"));
    }
    let kind = if seg[0].contains('.') { None } else { resources::resolve_kind(seg[0]) };
    // checkErr prints a NoResourceMatchError this way.
    let kind = kind.ok_or_else(|| resources::unknown_type(seg[0]))?;
    Ok((kind, seg[1].to_string()))
}

/// `kubectl events`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    // The command takes no arguments and cobra does not check: extra words are ignored.
    let p = parse_flags(env, "events", args, FLAGS)?;
    let all_namespaces = p.bool("all-namespaces");
    let mut filter = EventFilter::default();
    // ToOptions: --for first, then the printer; Validate checks --types after both.
    if let Some(f) = p.string("for").filter(|f| !f.is_empty()) {
        let (kind, name) = decode_for(f)?;
        // Run adds the field selector only for a non-empty name (`pod/` lists everything).
        if !name.is_empty() {
            filter.involved = Some((kind.info().kind_name.to_string(), name));
        }
    }
    let format = match super::output::parse_change_output(env, &p)? {
        Some(f) => f,
        None => Format::Table,
    };
    filter.types = p.strings("types");
    if !filter.types.iter().all(|t| t.eq_ignore_ascii_case("Normal") || t.eq_ignore_ascii_case("Warning")) {
        return Err(CmdError::plain("valid --types are Normal or Warning"));
    }
    let opts = ListOptions { namespace: if all_namespaces { None } else { Some(env.namespace.clone()) }, ..Default::default() };
    if p.bool("watch") {
        let spec = WatchSpec {
            kind: Kind::Event,
            names: Vec::new(),
            namespace: opts.namespace,
            label_selector: None,
            field_selector: None,
            popts: crate::kubectl::printers::PrintOptions {
                no_headers: p.bool("no-headers"),
                with_namespace: all_namespaces,
                ..Default::default()
            },
            format,
            watch_only: false,
            output_watch_events: false,
        };
        let (mut w, initial) = Watch::start_events(env.cluster, spec, filter)?;
        env.print(&initial);
        if env.stream_watch {
            env.watch = Some(w);
        } else {
            let more = w.run_until_settled(env.cluster);
            env.print(&more);
        }
        return Ok(());
    }
    let listed = resources::list(env.cluster, Kind::Event, &opts)?;
    let events: Vec<&Event> = listed.iter().filter_map(|o| o.as_event()).filter(|e| filter.matches(e)).collect();
    if events.is_empty() {
        let msg = if all_namespaces { "No events found.".to_string() } else { format!("No events found in {} namespace.", env.namespace) };
        env.eprintln(&msg);
        return Ok(());
    }
    let keys: Vec<i64> = events.iter().map(|e| sort_time(e)).collect();
    let sorted: Vec<&Event> = crate::util::gosort::sort_indices_by_key(&keys).into_iter().map(|i| events[i]).collect();
    let out = match format {
        Format::Table => {
            let mut w = new_table_writer();
            let mut printer = EventPrinter { no_headers: p.bool("no-headers"), all_namespaces, headers_printed: false };
            printer.print(&mut w, &sorted, env.cluster.now);
            w.flush()
        }
        f => match print_event_list(&f, &sorted) {
            Ok(s) => s,
            Err((partial, e)) => {
                env.print(&partial);
                return Err(e);
            }
        },
    };
    env.print(&out);
    Ok(())
}

/// `eventTime` (the sort key), in whole seconds as kubectl decodes it: the series' last
/// observation, else `lastTimestamp`, else `eventTime` (a zero time sorts first).
fn sort_time(e: &Event) -> i64 {
    match e.last_timestamp.or(e.event_time) {
        Some(t) => t.secs() as i64,
        None => i64::MIN,
    }
}

/// `EventPrinter`: the header before the first event it prints (unless `--no-headers`), then one
/// row per event.
#[derive(Clone, Debug, Default)]
pub struct EventPrinter {
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: a leading NAMESPACE column.
    pub all_namespaces: bool,
    /// Whether the header was printed already.
    pub headers_printed: bool,
}

impl EventPrinter {
    /// `PrintObj`: writes the header (once) and the events' rows to `w`.
    pub fn print(&mut self, w: &mut TabWriter, events: &[&Event], now: Time) {
        if !self.no_headers && !self.headers_printed {
            if self.all_namespaces {
                w.write("NAMESPACE\t");
            }
            w.write("LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n");
            self.headers_printed = true;
        }
        for e in events {
            if self.all_namespaces {
                w.write(&e.metadata.namespace);
                w.write("\t");
            }
            let o = &e.involved_object;
            let row = format!(
                "{}\t{}\t{}\t{}/{}\t{}\n",
                interval(e, now),
                escape_cell(&e.type_),
                escape_cell(&e.reason),
                escape_cell(&o.kind),
                escape_cell(&o.name),
                escape_cell(e.message.trim())
            );
            w.write(&row);
        }
    }
}

/// `escapeCell`: a value is cut at its first line break (`\f`, `\n`, `\r`), marked with `...`.
fn escape_cell(s: &str) -> String {
    match s.find(['\x0c', '\n', '\r']) {
        Some(i) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// `getInterval`: when first seen (`eventTime`, else `firstTimestamp`), or for a repeated event
/// `LAST (xCOUNT over FIRST)`.
fn interval(e: &Event, now: Time) -> String {
    let first = match e.event_time {
        Some(t) => translate_timestamp_since(Some(t), now),
        None => translate_timestamp_since(e.first_timestamp, now),
    };
    if e.count > 1 {
        format!("{} (x{} over {first})", translate_timestamp_since(e.last_timestamp, now), e.count)
    } else {
        first
    }
}

/// An Event as the typed client hands it to the printers, `kind` and `apiVersion` set by
/// kubectl (`SetGroupVersionKind`) and first, as in Go's struct.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TypedEvent<'a> {
    kind: &'static str,
    api_version: &'static str,
    #[serde(flatten)]
    event: &'a Event,
}

/// The `EventList` kubectl builds: no list metadata, which Go still writes as `{}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TypedEventList<'a> {
    kind: &'static str,
    api_version: &'static str,
    metadata: EmptyListMeta,
    items: Vec<TypedEvent<'a>>,
}

#[derive(Serialize)]
struct EmptyListMeta {}

fn typed(e: &Event) -> TypedEvent<'_> {
    TypedEvent { kind: "Event", api_version: "v1", event: e }
}

fn event_value(e: &Event) -> Value {
    Object::Event(without_managed_fields(e)).to_value()
}

/// The printers leave managedFields out (`--show-managed-fields` is off by default).
fn without_managed_fields(e: &Event) -> Event {
    let mut e = e.clone();
    e.metadata = ObjectMeta { managed_fields: None, ..e.metadata };
    e
}

/// The `EventList` in a `-o` format: JSON in the typed struct's field order, YAML with sorted
/// keys (`sigs.k8s.io/yaml` goes through a map), `-o name` one `event/NAME` line per item.
fn print_event_list(format: &Format, events: &[&Event]) -> Result<String, (String, CmdError)> {
    let value = || {
        json!({
            "apiVersion": "v1",
            "items": events.iter().map(|e| event_value(e)).collect::<Vec<_>>(),
            "kind": "EventList",
            "metadata": {},
        })
    };
    let items: Vec<Event> = events.iter().map(|e| without_managed_fields(e)).collect();
    let typed_list = || TypedEventList { kind: "EventList", api_version: "v1", metadata: EmptyListMeta {}, items: items.iter().map(typed).collect() };
    Ok(match format {
        Format::Json => json::to_json_in_field_order(&typed_list()),
        Format::Yaml => yaml::to_yaml(&value()),
        Format::JsonPath(t) => t.execute(&value()),
        // json.Marshal of the typed list: compact, in the struct's field order.
        Format::GoTemplate(t) => t.print(&value(), &json::marshal(&typed_list()))?,
        _ => events.iter().map(|e| format!("event/{}\n", e.metadata.name)).collect(),
    })
}

/// One watched event in a `-o` format (`PrintObj(e.Object)`): YAML documents separated by
/// `---` after the first (`printed` counts them), JSON objects one after another.
pub fn print_watched_event(format: &Format, e: &Event, printed: usize) -> String {
    match format {
        Format::Json => json::to_json_in_field_order(&typed(&without_managed_fields(e))),
        Format::Yaml => {
            let doc = yaml::to_yaml(&event_value(e));
            if printed > 0 {
                format!("---\n{doc}")
            } else {
                doc
            }
        }
        Format::JsonPath(t) => t.execute(&event_value(e)),
        // An error ends nothing in a watch: what the template printed stays.
        Format::GoTemplate(t) => {
            let raw = json::marshal(&typed(&without_managed_fields(e)));
            t.print(&event_value(e), &raw).unwrap_or_else(|(partial, _)| partial)
        }
        _ => format!("event/{}\n", e.metadata.name),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    /// An event `name` in `ns` about `kind/obj`: `(type, reason)`, `(first, last, count)`.
    fn event(name: &str, ns: &str, kind: &str, obj: &str, (type_, reason): (&str, &str), (first, last, count): (Time, Time, i32)) -> Object {
        Object::Event(Event {
            metadata: ObjectMeta { name: name.into(), namespace: ns.into(), ..Default::default() },
            involved_object: ObjectReference { kind: kind.into(), name: obj.into(), namespace: ns.into(), ..Default::default() },
            reason: reason.into(),
            message: format!("{reason} {obj} "),
            source: EventSource { component: "kubelet".into(), host: "node-1".into() },
            first_timestamp: Some(first),
            last_timestamp: Some(last),
            count,
            type_: type_.into(),
            ..Default::default()
        })
    }

    fn setup() -> crate::engine::sim::Cluster {
        let mut c = cluster();
        let t = c.now;
        // Listed by name; sorted by last timestamp.
        put(&mut c, event("a.1", "default", "StatefulSet", "web", ("Normal", "SuccessfulCreate"), (t.plus_secs(5), t.plus_secs(5), 1)));
        put(&mut c, event("b.1", "default", "Pod", "web-0", ("Warning", "BackOff"), (t, t.plus_secs(50), 4)));
        put(&mut c, event("c.1", "default", "Pod", "web-0", ("Normal", "Scheduled"), (t.plus_secs(2), t.plus_secs(2), 1)));
        put(&mut c, event("d.1", "other", "Pod", "db-0", ("Normal", "Pulled"), (t.plus_secs(1), t.plus_secs(1), 1)));
        c.now = t.plus_secs(60);
        c
    }

    #[test]
    fn table_sorted_by_last_seen() {
        let mut c = setup();
        let o = kubectl(&mut c, "kubectl events");
        // events.go Run + event_printer.go: OBJECT is Kind/name as the API spells the kind.
        assert_eq!(
            o.stdout,
            "LAST SEEN           TYPE      REASON             OBJECT            MESSAGE\n\
             58s                 Normal    Scheduled          Pod/web-0         Scheduled web-0\n\
             55s                 Normal    SuccessfulCreate   StatefulSet/web   SuccessfulCreate web\n\
             10s (x4 over 60s)   Warning   BackOff            Pod/web-0         BackOff web-0\n"
        );
        assert_eq!((o.stderr.as_str(), o.exit_code), ("", 0));
        let o = kubectl(&mut c, "kubectl events -A --no-headers --types=normal");
        assert_eq!(
            o.stdout,
            "other     59s   Normal   Pulled             Pod/db-0          Pulled db-0\n\
             default   58s   Normal   Scheduled          Pod/web-0         Scheduled web-0\n\
             default   55s   Normal   SuccessfulCreate   StatefulSet/web   SuccessfulCreate web\n"
        );
        let o = kubectl(&mut c, "kubectl events -A --types Warning");
        assert_eq!(
            o.stdout,
            "NAMESPACE   LAST SEEN           TYPE      REASON    OBJECT      MESSAGE\n\
             default     10s (x4 over 60s)   Warning   BackOff   Pod/web-0   BackOff web-0\n"
        );
    }

    #[test]
    fn for_resolves_the_resource_and_filters() {
        let mut c = setup();
        for f in ["pod/web-0", "pods/web-0", "po/web-0", "Pod/web-0"] {
            let o = kubectl(&mut c, &format!("kubectl events --for {f}"));
            assert_eq!(o.stdout.lines().count(), 3, "{f}: {}", o.stdout);
        }
        let o = kubectl(&mut c, "kubectl events --for=sts/web -o name");
        assert_eq!(o.stdout, "event/a.1\n");
        let o = kubectl(&mut c, "kubectl events --for sts/nope");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.exit_code), ("", "No events found in default namespace.\n", 0));
        let o = kubectl(&mut c, "kubectl events -n empty");
        assert_eq!(o.stderr, "No events found in empty namespace.\n");
        let o = kubectl(&mut c, "kubectl events -A --for pod/nope");
        assert_eq!(o.stderr, "No events found.\n");
    }

    #[test]
    fn errors() {
        let mut c = setup();
        let cases = [
            ("kubectl events --for web-0", "error: --for must be in resource/name form\n"),
            ("kubectl events --for pod/web/0", "error: arguments in resource/name form may not have more than one slash\n"),
            ("kubectl events --for podz/web-0", "error: the server doesn't have a resource type \"podz\"\n"),
            ("kubectl events --types=Error", "error: valid --types are Normal or Warning\n"),
            (
                "kubectl events -o wide --types=Error",
                "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: \
                 go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n",
            ),
            ("kubectl events --nope", "error: unknown flag: --nope\nSee 'kubectl events --help' for usage.\n"),
        ];
        for (line, err) in cases {
            let o = kubectl(&mut c, line);
            assert_eq!((o.stderr.as_str(), o.exit_code), (err, 1), "{line}");
        }
    }

    #[test]
    fn structured_outputs() {
        let mut c = setup();
        let o = kubectl(&mut c, "kubectl events --for sts/web -o json");
        // JSONPrinter over the typed EventList: struct field order, kind before apiVersion.
        assert!(
            o.stdout.starts_with(
                "{\n    \"kind\": \"EventList\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {},\n    \"items\": [\n        {\n            \"kind\": \"Event\",\n            \"apiVersion\": \"v1\",\n            \"metadata\": {\n                \"name\": \"a.1\",\n"
            ),
            "{}",
            o.stdout
        );
        assert!(o.stdout.contains("\"eventTime\": null,\n            \"reportingComponent\": \"\",\n"), "{}", o.stdout);
        let o = kubectl(&mut c, "kubectl events --for sts/web -o yaml");
        assert!(o.stdout.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  count: 1\n"), "{}", o.stdout);
        assert!(o.stdout.ends_with("kind: EventList\nmetadata: {}\n"), "{}", o.stdout);
        let o = kubectl(&mut c, "kubectl events -o jsonpath={.items[*].reason}");
        assert_eq!(o.stdout, "Scheduled SuccessfulCreate BackOff");
    }

    #[test]
    fn watch_lists_unsorted_then_streams_new_events() {
        let mut c = setup();
        let (o, w) = crate::kubectl::start_watch(&mut c, "kubectl events -w --types=Normal", &crate::kubectl::Context::default());
        // runWatch: the watch's initial ADDED events in list order (by name), no sorting.
        assert_eq!(
            o.stdout,
            "LAST SEEN   TYPE     REASON             OBJECT            MESSAGE\n\
             55s         Normal   SuccessfulCreate   StatefulSet/web   SuccessfulCreate web\n\
             58s         Normal   Scheduled          Pod/web-0         Scheduled web-0\n"
        );
        let mut w = w.expect("a watch");
        let now = c.now;
        c.store.create(event("e.1", "default", "Pod", "web-1", ("Normal", "Pulling"), (now, now, 1)), now);
        c.store.create(event("f.1", "default", "Pod", "web-1", ("Warning", "Failed"), (now, now, 1)), now);
        let changes = c.store.take_changes();
        assert_eq!(w.poll(&c, &changes), "0s          Normal   Pulling            Pod/web-1         Pulling web-1\n");
        let o = kubectl(&mut c, "kubectl events -w --for pod/nope");
        assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", ""));
    }
}
