//! The human-readable table printer (`k8s.io/cli-runtime/pkg/printers/tableprinter.go`
//! `printTable`, `decorateTable`): column headers upper-cased, wide-only columns (priority 1),
//! the NAMESPACE column for `-A`, `kind/name` names, `-L` label columns and `--show-labels`.

use super::tabwriter::TabWriter;
use super::{apps, core, generic, pod, storage};
use crate::engine::api::{Kind, Object, StringMap, Time};
use crate::engine::sim::Cluster;

/// A column definition (`metav1.TableColumnDefinition`): name and priority (0 = always shown,
/// 1 = only with `-o wide`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Column name as upstream spells it (`Nominated Node`); printed upper-cased.
    pub name: &'static str,
    /// 0 for standard columns, 1 for wide-only.
    pub priority: u8,
}

/// A standard column.
pub const fn col(name: &'static str) -> Column {
    Column { name, priority: 0 }
}

/// A wide-only column.
pub const fn wide(name: &'static str) -> Column {
    Column { name, priority: 1 }
}

/// Table printing options (`printers.PrintOptions`).
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// `-o wide`.
    pub wide: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: a leading NAMESPACE column.
    pub with_namespace: bool,
    /// Names printed as `kind/name`.
    pub with_kind: bool,
    /// `--show-labels`.
    pub show_labels: bool,
    /// `-L key,…`.
    pub column_labels: Vec<String>,
}

/// What everything a row printer needs: the virtual clock and read access to the cluster.
pub struct RowContext<'a> {
    /// Virtual now (ages).
    pub now: Time,
    /// The cluster, for printers that look at other objects.
    pub cluster: &'a Cluster,
}

/// Column definitions for a kind (upstream `AddHandlers` in printers.go).
pub fn columns(kind: Kind) -> Vec<Column> {
    match kind {
        Kind::Pod => pod::COLUMNS.to_vec(),
        Kind::StatefulSet => apps::STATEFUL_SET_COLUMNS.to_vec(),
        Kind::ControllerRevision => apps::CONTROLLER_REVISION_COLUMNS.to_vec(),
        Kind::PersistentVolumeClaim => storage::PVC_COLUMNS.to_vec(),
        Kind::PersistentVolume => storage::PV_COLUMNS.to_vec(),
        Kind::StorageClass => storage::STORAGE_CLASS_COLUMNS.to_vec(),
        Kind::Service => core::SERVICE_COLUMNS.to_vec(),
        Kind::Node => core::NODE_COLUMNS.to_vec(),
        Kind::Event => core::EVENT_COLUMNS.to_vec(),
        k => generic::columns(k),
    }
}

/// The cells of one object's row, every column included (wide ones too); `wide` is
/// `GenerateOptions.Wide`, which a few printers also use to shape a standard cell.
pub fn row(obj: &Object, ctx: &RowContext, wide: bool) -> Vec<String> {
    let now = ctx.now;
    match obj {
        Object::Pod(p) => pod::print_pod(p, now),
        Object::StatefulSet(s) => apps::print_stateful_set(s, now),
        Object::ControllerRevision(r) => apps::print_controller_revision(r, now),
        Object::PersistentVolumeClaim(p) => storage::print_persistent_volume_claim(p, now),
        Object::PersistentVolume(p) => storage::print_persistent_volume(p, now),
        Object::StorageClass(s) => storage::print_storage_class(s, now),
        Object::Service(s) => core::print_service(s, now, wide),
        Object::Node(n) => core::print_node(n, now),
        Object::Event(e) => core::print_event(e, now),
        Object::Endpoints(e) => {
            let age = crate::kubectl::duration::translate_timestamp_since(e.metadata.creation_timestamp, now);
            vec![e.metadata.name.clone(), generic::format_endpoints(&obj.to_value()), age]
        }
        Object::Generic(k, g) => generic::print_generic(*k, g, now),
    }
}

/// `formatLabelHeaders`: the last path segment of each `-L` key, upper-cased.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

/// `labels.FormatLabels`: `k=v,k2=v2` in key order, `<none>` when empty.
pub fn format_labels(labels: &StringMap) -> String {
    if labels.is_empty() {
        return "<none>".into();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// Writes one kind's table (headers unless `no_headers`; nothing at all without rows).
pub fn print_table(w: &mut TabWriter, kind: Kind, objs: &[&Object], opts: &PrintOptions, ctx: &RowContext) {
    if objs.is_empty() {
        return;
    }
    let cols = columns(kind);
    let visible: Vec<usize> = (0..cols.len()).filter(|i| opts.wide || cols[*i].priority == 0).collect();
    let with_namespace = opts.with_namespace && kind.info().namespaced;
    if !opts.no_headers {
        let mut h: Vec<String> = Vec::new();
        if with_namespace {
            h.push("NAMESPACE".into());
        }
        h.extend(visible.iter().map(|i| cols[*i].name.to_uppercase()));
        h.extend(opts.column_labels.iter().map(|l| label_header(l)));
        if opts.show_labels {
            h.push("LABELS".into());
        }
        w.write(&h.join("\t"));
        w.write("\n");
    }
    for obj in objs {
        let mut cells = row(obj, ctx, opts.wide);
        if opts.with_kind {
            if let Some(first) = cells.first_mut() {
                *first = format!("{}/{}", kind.name_prefix(), first);
            }
        }
        let mut out: Vec<String> = Vec::new();
        if with_namespace {
            out.push(obj.meta().namespace.clone());
        }
        for i in &visible {
            let cell = cells.get(*i).cloned().unwrap_or_default();
            // printTable truncates a cell at its first line break and marks it with "...".
            match cell.find(['\n', '\r', '\x0c']) {
                Some(pos) => out.push(format!("{}...", &cell[..pos])),
                None => out.push(cell),
            }
        }
        for key in &opts.column_labels {
            out.push(obj.meta().labels.get(key).cloned().unwrap_or_default());
        }
        if opts.show_labels {
            out.push(format_labels(&obj.meta().labels));
        }
        w.write(&out.join("\t"));
        w.write("\n");
    }
}
