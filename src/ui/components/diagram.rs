//! The cluster diagram (SVG): the headless Service with the DNS names it answers, each
//! StatefulSet with its counts, revisions and partition line, and one slot per ordinal — the pod
//! (status, readiness, revision colour, node) with its claim and volume beneath, kept visible
//! after the pod is gone.
//!
//! Motion is CSS only (classes change; `static/style.css` transitions fill, stroke and opacity
//! and animates entering and leaving pods), so `prefers-reduced-motion` turns it all off. No
//! inline styles: geometry is SVG attributes, everything else classes.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::api::Kind;
use crate::engine::store::WatchEventType;
use crate::session::input::Change;
use crate::session::view::{ClaimView, ClusterView, Health, PodView, ServiceView, SetView, SlotView};
use crate::ui::state::Selection;

use super::pod_grid::{self, Visible};

/// Diagram width in SVG units (it scales to its box).
pub const WIDTH: i32 = 780;
/// The width in presenter mode. The SVG scales to its box, so its text follows the diagram's
/// width in units, not the page's font size: laying out on fewer units makes everything in it,
/// text included, about as much larger (780 / 620 ≈ 1.26) as presenter mode makes the page
/// (21px / 16px ≈ 1.31), and the layout below adapts to the width.
pub const PRESENTER_WIDTH: i32 = 620;
/// Above this many slots in a set, pods are drawn as small squares.
pub const COMPACT_OVER: usize = 24;

/// Props of [`Diagram`].
#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    /// What to draw.
    pub view: Rc<ClusterView>,
    /// Selected object.
    pub selected: Option<Selection>,
    /// What the last input changed.
    pub recent: Rc<Vec<Change>>,
    /// An object was clicked.
    pub onselect: Callback<Selection>,
    /// Presenter mode: laid out on [`PRESENTER_WIDTH`] units, so everything is drawn larger.
    #[prop_or_default]
    pub presenter: bool,
}

fn width(props: &DiagramProps) -> i32 {
    if props.presenter {
        PRESENTER_WIDTH
    } else {
        WIDTH
    }
}

pub(super) fn select_handlers(onselect: &Callback<Selection>, kind: Kind, name: &str) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let sel = Selection { kind, name: name.to_string() };
    let (a, b) = (onselect.clone(), onselect.clone());
    let s2 = sel.clone();
    (
        Callback::from(move |_| a.emit(sel.clone())),
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                b.emit(s2.clone());
            }
        }),
    )
}

pub(super) fn health_class(h: Health) -> &'static str {
    match h {
        Health::Ready => "health-ready",
        Health::Progressing => "health-progress",
        Health::Failed => "health-failed",
        Health::Done => "health-done",
        Health::Terminating => "health-terminating",
    }
}

pub(super) fn revision_class(set: &SetView, revision: &str) -> &'static str {
    if revision.is_empty() {
        "rev-none"
    } else if revision == set.update_revision {
        "rev-update"
    } else if revision == set.current_revision {
        "rev-current"
    } else {
        "rev-old"
    }
}

fn short_rev(set_name: &str, rev: &str) -> String {
    rev.strip_prefix(&format!("{set_name}-")).unwrap_or(rev).to_string()
}

fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{t}…")
    }
}

pub(super) fn is_selected(sel: &Option<Selection>, kind: Kind, name: &str) -> bool {
    sel.as_ref().is_some_and(|s| s.kind == kind && s.name == name)
}

fn recent_type(recent: &[Change], kind: Kind, name: &str) -> Option<WatchEventType> {
    recent.iter().rev().find(|c| c.kind == kind && &*c.name == name).map(|c| c.type_)
}

/// Props of [`PodNode`].
#[derive(Properties, PartialEq)]
pub struct PodNodeProps {
    /// The pod.
    pub pod: PodView,
    /// Its revision's class.
    pub rev_class: &'static str,
    /// Box width.
    pub width: i32,
    /// Selected.
    pub selected: bool,
    /// Just created / changed by the last input.
    pub recent: Option<WatchEventType>,
    /// Click.
    pub onselect: Callback<Selection>,
}

/// One pod (full size).
#[function_component]
pub fn PodNode(p: &PodNodeProps) -> Html {
    let pod = &p.pod;
    let (onclick, onkeydown) = select_handlers(&p.onselect, Kind::Pod, &pod.name);
    let recent = match p.recent {
        Some(WatchEventType::Added) => Some("just-added"),
        Some(WatchEventType::Modified) => Some("just-changed"),
        _ => None,
    };
    let label = format!(
        "Pod {}: {}, ready {}, {}{}",
        pod.name,
        pod.status,
        pod.ready_text,
        if pod.node.is_empty() { "not scheduled".to_string() } else { format!("on {}", pod.node) },
        if pod.terminating { ", terminating" } else { "" }
    );
    let w = p.width;
    let restarts = match pod.restarts.split(' ').next() {
        Some("0") | None => String::new(),
        Some(n) => format!(" · restarts {n}"),
    };
    let node = if pod.node.is_empty() { "unscheduled" } else { pod.node.as_str() };
    html! {
        <g class={classes!("pod", health_class(pod.health()), p.rev_class, p.selected.then_some("selected"), recent)}
            role="button" tabindex="0" aria-label={label} {onclick} {onkeydown}>
            // The tooltip (and the accessible description): why a pod that is not Ready is not.
            <title>{ tooltip(pod) }</title>
            <g class="pod-body">
                <rect class="pod-box" x="0" y="0" width={w.to_string()} height="78" rx="8" />
                <rect class="rev-stripe" x="0" y="0" width="7" height="78" rx="3" />
                { fitted_text("pod-name", 19, &pod.name, w - 14, 8.0) }
                <circle class="ready-dot" cx={(w - 13).to_string()} cy="14" r="6" />
                { fitted_text("pod-status", 38, &pod.status, w, STATUS_CHAR) }
                { fitted_text("pod-meta", 55, &format!("ready {}{}", pod.ready_text, if pod.not_started { " · not started" } else { "" }), w, META_CHAR) }
                { fitted_text("pod-meta", 71, &format!("{node}{restarts}"), w, META_CHAR) }
            </g>
        </g>
    }
}

/// Average advance of a character of a pod's status (13px) and meta lines (12px), in units:
/// an estimate for fitting them in the box (Debian's headless Chromium draws DejaVu Sans).
const STATUS_CHAR: f64 = 7.4;
const META_CHAR: f64 = 6.6;

/// One line of a pod's box from x = 14, fitted to a box `w` wide: text a little too long is
/// drawn condensed to the room there is (`textLength`), longer text is cut with an ellipsis
/// first. A word like CrashLoopBackOff or ContainerCreating then stays whole in presenter
/// mode's narrower boxes and in the small boxes of loose pods.
fn fitted_text(class: &'static str, y: i32, text: &str, w: i32, char_w: f64) -> Html {
    let room = f64::from(w - 20);
    // Condensing by more than this is hard to read: cut instead.
    let max = (room * 1.3 / char_w) as usize;
    let text = ellipsize(text, max);
    let estimate = text.chars().count() as f64 * char_w;
    let squeeze = (estimate > room).then(|| format!("{room}"));
    html! {
        <text {class} x="14" y={y.to_string()} textLength={squeeze.clone()}
            lengthAdjust={squeeze.is_some().then_some("spacingAndGlyphs")}>{ text }</text>
    }
}

/// A pod's tooltip: its status and readiness, and while it is not Ready, why (the newest
/// decision about it: the kubelet's or the scheduler's reason).
fn tooltip(pod: &PodView) -> String {
    let mut t = format!("{}: {}, ready {}", pod.name, pod.status, pod.ready_text);
    if pod.not_started {
        t.push_str(", not started");
    }
    if !pod.reason.is_empty() {
        t.push_str(" — ");
        t.push_str(&pod.reason);
    }
    t
}

fn claim_node(c: &ClaimView, x: i32, y: i32, w: i32, detached: bool, selected: &Option<Selection>, onselect: &Callback<Selection>) -> Html {
    let (onclick, onkeydown) = select_handlers(onselect, Kind::PersistentVolumeClaim, &c.name);
    let phase_class = match c.phase.as_str() {
        "Bound" => "phase-bound",
        "Terminating" => "phase-terminating",
        "Lost" => "phase-lost",
        _ => "phase-pending",
    };
    let pv = if c.volume.is_empty() {
        html! {}
    } else {
        let (pv_click, pv_key) = select_handlers(onselect, Kind::PersistentVolume, &c.volume);
        html! {
            <g class={classes!("pv", is_selected(selected, Kind::PersistentVolume, &c.volume).then_some("selected"))}
                role="button" tabindex="0" aria-label={format!("PersistentVolume {}: {}", c.volume, c.volume_phase)}
                onclick={pv_click} onkeydown={pv_key}>
                <line class="link-line" x1={(x + w / 2).to_string()} y1={(y + 38).to_string()} x2={(x + w / 2).to_string()} y2={(y + 46).to_string()} />
                <rect class="pv-box" x={x.to_string()} y={(y + 46).to_string()} width={w.to_string()} height="26" rx="4" />
                <text class="pv-text" x={(x + 8).to_string()} y={(y + 63).to_string()}>
                    { format!("PV {} {}", ellipsize(&c.volume, ((w as usize).saturating_sub(70)) / 7), c.volume_phase) }
                </text>
            </g>
        }
    };
    html! {
        <g class={classes!("claim", phase_class, detached.then_some("detached"))}>
            <g class={classes!("pvc", is_selected(selected, Kind::PersistentVolumeClaim, &c.name).then_some("selected"))}
                role="button" tabindex="0"
                aria-label={format!("PersistentVolumeClaim {}: {}{}", c.name, c.phase, if detached { ", retained without a pod" } else { "" })}
                {onclick} {onkeydown}>
                <rect class="pvc-box" x={x.to_string()} y={y.to_string()} width={w.to_string()} height="38" rx="6" />
                <text class="pvc-name" x={(x + 8).to_string()} y={(y + 16).to_string()}>{ ellipsize(&c.name, (w as usize - 12) / 7) }</text>
                <text class="pvc-meta" x={(x + 8).to_string()} y={(y + 32).to_string()}>
                    { format!("PVC {} {}{}", c.phase, c.size, if detached { " · retained" } else { "" }) }
                </text>
            </g>
            { pv }
        </g>
    }
}

/// Height of a full-size slot (pod, claim, volume).
const SLOT_H: i32 = 180;

fn set_block(set: &SetView, y0: i32, props: &DiagramProps, visible: Visible) -> (Html, i32) {
    let total_w = width(props);
    let n = set.slots.len();
    let compact = n > COMPACT_OVER;
    let (onclick, onkeydown) = select_handlers(&props.onselect, Kind::StatefulSet, &set.name);
    let header = html! {
        <g class={classes!("sts", set.terminating.then_some("terminating"), is_selected(&props.selected, Kind::StatefulSet, &set.name).then_some("selected"))}
            role="button" tabindex="0"
            aria-label={format!("StatefulSet {}: desired {}, ready {}, current {}, updated {}", set.name, set.desired, set.ready, set.current, set.updated)}
            {onclick} {onkeydown}>
            <rect class="sts-box" x="10" y={y0.to_string()} width={(total_w - 20).to_string()} height="62" rx="8" />
            <text class="sts-title" x="24" y={(y0 + 22).to_string()}>{ format!("StatefulSet {}", set.name) }</text>
            <text class="sts-counts" x="24" y={(y0 + 44).to_string()}>
                { format!("desired {} · created {} · ready {} · current {} · updated {}", set.desired, set.replicas, set.ready, set.current, set.updated) }
            </text>
            <text class="sts-strategy" x="24" y={(y0 + 58).to_string()}>
                { format!("{}{} · {} · service {}", set.strategy,
                    set.partition.map(|p| format!(" partition={p}")).unwrap_or_default(),
                    set.pod_management, set.service_name) }
            </text>
            <g class="rev-chip rev-current">
                <rect x={(total_w - 330).to_string()} y={(y0 + 10).to_string()} width="150" height="22" rx="11" />
                <text x={(total_w - 320).to_string()} y={(y0 + 26).to_string()}>{ format!("current {}", ellipsize(&short_rev(&set.name, &set.current_revision), 11)) }</text>
            </g>
            <g class={classes!("rev-chip", if set.update_revision == set.current_revision { "rev-current" } else { "rev-update" })}>
                <rect x={(total_w - 172).to_string()} y={(y0 + 10).to_string()} width="150" height="22" rx="11" />
                <text x={(total_w - 162).to_string()} y={(y0 + 26).to_string()}>{ format!("update {}", ellipsize(&short_rev(&set.name, &set.update_revision), 12)) }</text>
            </g>
        </g>
    };
    let top = y0 + 80;
    if compact {
        let (grid, h) = pod_grid::grid(set, top, total_w, visible, &props.selected, &props.onselect);
        return (html! { <g class="set">{ header }{ grid }</g> }, h + 90);
    }
    let cols = n.clamp(1, if props.presenter { 4 } else { 6 }) as i32;
    let cell = (total_w - 20) / cols.max(4);
    let w = (cell - 14).min(170);
    let rows = (n as i32 + cols - 1) / cols;
    let mut partition_line = html! {};
    let slots = set.slots.iter().enumerate().map(|(i, slot)| {
        let (x, y) = (14 + (i as i32 % cols) * cell, top + (i as i32 / cols) * SLOT_H);
        if let Some(p) = set.partition.filter(|p| *p > 0 && slot.ordinal == *p as i64 && i > 0 && i as i32 % cols != 0) {
            partition_line = html! {
                <g class="partition">
                    <line x1={(x - 7).to_string()} y1={(y - 12).to_string()} x2={(x - 7).to_string()} y2={(y + SLOT_H - 16).to_string()} />
                    <text x={(x - 3).to_string()} y={(y - 2).to_string()}>{ format!("partition {p}") }</text>
                </g>
            };
        }
        slot_node(set, slot, x, y, w, props)
    }).collect::<Html>();
    let h = rows * SLOT_H + 90;
    (html! { <g class="set">{ header }{ slots }{ partition_line }</g> }, h)
}

fn slot_node(set: &SetView, slot: &SlotView, x: i32, y: i32, w: i32, props: &DiagramProps) -> Html {
    let pod_name = format!("{}-{}", set.name, slot.ordinal);
    let pod = match &slot.pod {
        Some(pod) => html! {
            <g transform={format!("translate({x},{y})")}>
                <PodNode key={pod.name.clone()} pod={pod.clone()} rev_class={revision_class(set, &pod.revision)} width={w}
                    selected={is_selected(&props.selected, Kind::Pod, &pod.name)}
                    recent={recent_type(&props.recent, Kind::Pod, &pod.name)} onselect={props.onselect.clone()} />
            </g>
        },
        None if recent_type(&props.recent, Kind::Pod, &pod_name) == Some(WatchEventType::Deleted) => html! {
            // The pod was just removed: a ghost fades out where it was.
            <g transform={format!("translate({x},{y})")} class="pod ghost" aria-hidden="true">
                <rect class="pod-box" x="0" y="0" width={w.to_string()} height="78" rx="8" />
                <text class="pod-name" x="14" y="19">{ &pod_name }</text>
                <text class="pod-status" x="14" y="38">{ "deleted" }</text>
            </g>
        },
        None => html! {
            <g class={classes!("slot-empty", slot.condemned.then_some("condemned"))}>
                <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height="78" rx="8" />
                <text x={(x + 14).to_string()} y={(y + 44).to_string()}>
                    { if slot.condemned { format!("{pod_name} (gone)") } else { format!("{pod_name} (not yet)") } }
                </text>
            </g>
        },
    };
    let detached = slot.pod.is_none();
    let claims = slot.claims.iter().take(1).map(|c| {
        html! {
            <>
                <line class={classes!("link-line", detached.then_some("detached"))} x1={(x + w / 2).to_string()} y1={(y + 78).to_string()}
                    x2={(x + w / 2).to_string()} y2={(y + 88).to_string()} />
                { claim_node(c, x, y + 88, w, detached, &props.selected, &props.onselect) }
            </>
        }
    });
    html! { <g key={format!("slot-{}", slot.ordinal)} class="slot">{ pod }{ for claims }</g> }
}

fn service_block(svc: &ServiceView, y0: i32, props: &DiagramProps) -> (Html, i32) {
    let total_w = width(props);
    // Two columns of names, each as wide as half the box allows.
    let col_w = (total_w - 40) / 2;
    let (onclick, onkeydown) = select_handlers(&props.onselect, Kind::Service, &svc.name);
    let shown = 8;
    let names = svc.dns.iter().take(shown).enumerate().map(|(i, (name, ok))| {
        let col = (i % 2) as i32;
        let row = (i / 2) as i32;
        html! {
            <text class={classes!("dns", if *ok { "resolves" } else { "no-answer" })}
                x={(24 + col * col_w).to_string()} y={(y0 + 42 + row * 16).to_string()}>
                { format!("{} {}", if *ok { "●" } else { "○" }, ellipsize(name, (col_w as usize / 7).saturating_sub(4))) }
            </text>
        }
    });
    let rows = (svc.dns.len().min(shown) as i32 + 1) / 2;
    let more = svc.dns.len().saturating_sub(shown);
    let h = 34 + rows * 16 + if more > 0 { 16 } else { 0 };
    let html = html! {
        <g class={classes!("svc", is_selected(&props.selected, Kind::Service, &svc.name).then_some("selected"))}
            role="button" tabindex="0"
            aria-label={format!("Service {}{}: answers {} DNS names", svc.name, if svc.headless { " (headless)" } else { "" }, svc.dns.iter().filter(|d| d.1).count())}
            {onclick} {onkeydown}>
            <rect class="svc-box" x="10" y={y0.to_string()} width={(total_w - 20).to_string()} height={h.to_string()} rx="8" />
            <text class="svc-title" x="24" y={(y0 + 20).to_string()}>
                { format!("Service {}{}", svc.name, if svc.headless { " — headless: one DNS record per ready pod" } else { "" }) }
            </text>
            { for names }
            if more > 0 {
                <text class="dns more" x="24" y={(y0 + 42 + rows * 16).to_string()}>{ format!("… and {more} more") }</text>
            }
        </g>
    };
    (html, h + 10)
}

/// The whole diagram.
#[function_component]
pub fn Diagram(props: &DiagramProps) -> Html {
    let total_w = width(props);
    let svg = use_node_ref();
    let tip = use_node_ref();
    let (visible, set_visible) = pod_grid::use_visible(svg.clone(), total_w);
    let v = &props.view;
    let mut y = 10;
    let mut parts: Vec<Html> = Vec::new();
    for svc in &v.services {
        let (h, dy) = service_block(svc, y, props);
        parts.push(h);
        y += dy;
    }
    for set in &v.sets {
        let (h, dy) = set_block(set, y, props, visible);
        parts.push(html! { <g key={format!("set-{}", set.name)}>{ h }</g> });
        y += dy;
    }
    if !v.loose_pods.is_empty() {
        parts.push(html! { <text class="section" x="14" y={(y + 14).to_string()}>{ "Other pods" }</text> });
        y += 24;
        let per_row = ((total_w - 4) / 156).max(1);
        for (i, pod) in v.loose_pods.iter().enumerate() {
            let (x, yy) = (14 + (i as i32 % per_row) * 156, y + (i as i32 / per_row) * 90);
            parts.push(html! {
                <g key={format!("loose-{}", pod.name)} transform={format!("translate({x},{yy})")}>
                    <PodNode pod={pod.clone()} rev_class="rev-none" width={146}
                        selected={is_selected(&props.selected, Kind::Pod, &pod.name)}
                        recent={recent_type(&props.recent, Kind::Pod, &pod.name)} onselect={props.onselect.clone()} />
                </g>
            });
        }
        y += (v.loose_pods.len() as i32 + per_row - 1) / per_row * 90;
    }
    let empty = v.sets.is_empty() && v.services.is_empty() && v.loose_pods.is_empty();
    if empty {
        y = 56;
    }
    // Nodes along the bottom.
    let node_w = ((total_w - 20) / v.nodes.len().max(1) as i32).min(200);
    let nodes_y = y;
    let nodes = v.nodes.iter().enumerate().map(|(i, n)| {
        let y = nodes_y;
        let x = 10 + i as i32 * node_w;
        let (onclick, onkeydown) = select_handlers(&props.onselect, Kind::Node, &n.name);
        html! {
            <g key={n.name.clone()} class={classes!("node", if n.ready { "node-ready" } else { "node-down" },
                    is_selected(&props.selected, Kind::Node, &n.name).then_some("selected"))}
                role="button" tabindex="0" aria-label={format!("Node {}: {}", n.name, if n.ready { "Ready" } else { "NotReady" })}
                {onclick} {onkeydown}>
                <rect x={x.to_string()} y={(y + 6).to_string()} width={(node_w - 8).to_string()} height="24" rx="4" />
                <text x={(x + 10).to_string()} y={(y + 23).to_string()}>{ format!("{} {}", n.name, if n.ready { "Ready" } else { "NotReady" }) }</text>
            </g>
        }
    }).collect::<Html>();
    y += 40;
    let height = y.max(120);
    pod_grid::use_remeasure(svg.clone(), (total_w, height), set_visible);
    let (onmouseover, onmouseleave, onfocusin, onfocusout) = pod_grid::tip_handlers(&tip, total_w);
    html! {
        <svg ref={svg} class="diagram" viewBox={format!("0 0 {total_w} {height}")} role="group"
            aria-label="Cluster diagram" preserveAspectRatio="xMidYMin meet"
            {onmouseover} {onmouseleave} {onfocusin} {onfocusout}>
            if empty {
                <text class="empty-hint" x="24" y="40">{ "Nothing here yet: press Apply to create the example StatefulSet and Service." }</text>
            }
            { for parts }
            { nodes }
            { pod_grid::tip(&tip) }
        </svg>
    }
}
