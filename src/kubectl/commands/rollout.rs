//! `kubectl rollout status|history|undo|restart|pause|resume` for StatefulSets
//! (`kubectl/pkg/cmd/rollout/*`, `polymorphichelpers/rollout_status.go`, `history.go`,
//! `rollback.go`, `objectpauser.go`, `objectrestarter.go`).

use super::manifests::{dry_run, send_update, DryRun, DRY_RUN_FLAG};
use super::output::{name_of, parse_change_output, print_change, Format};
use super::{parse_flags, usage_errorf};
use crate::engine::api::{ControllerRevision, Kind, Object, PodTemplateSpec, StatefulSet};
use crate::engine::sim::DEFAULT_SETTLE_LIMIT_MS;
use crate::kubectl::describe::pod::describe_pod_template;
use crate::kubectl::describe::PrefixWriter;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::errors::{CmdError, CmdResult};
use crate::kubectl::flags::{flag, FlagKind, FlagSpec};
use crate::kubectl::printers::tabwriter::new_describe_writer;
use crate::kubectl::resources::{self, Targets};
use crate::kubectl::Env;

/// Flags the rollout subcommands accept.
pub const FLAGS: &[FlagSpec] = &[
    flag("watch", Some('w'), FlagKind::Bool),
    flag("timeout", None, FlagKind::String),
    flag("revision", None, FlagKind::Int),
    flag("to-revision", None, FlagKind::Int),
    flag("output", Some('o'), FlagKind::String),
    flag("template", None, FlagKind::String),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    DRY_RUN_FLAG,
    flag("selector", Some('l'), FlagKind::String),
    flag("filename", Some('f'), FlagKind::StringArray),
];

const SUBCOMMANDS: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];

/// `kubectl rollout …`.
pub fn run(env: &mut Env, args: &[String]) -> CmdResult {
    let Some(i) = args.iter().position(|a| !a.starts_with('-')) else {
        return Err(usage_errorf("rollout", "unknown command \"\""));
    };
    let sub = args[i].clone();
    if !SUBCOMMANDS.contains(&sub.as_str()) {
        return Err(usage_errorf("rollout", &format!("unknown command {:?}", args[i..].join(" "))));
    }
    let mut rest = args.to_vec();
    rest.remove(i);
    let cmd = format!("rollout {sub}");
    let p = parse_flags(env, &cmd, &rest, FLAGS)?;
    if p.args.is_empty() && !super::manifests::has_files(&p) {
        return Err(usage_errorf(&cmd, "Required resource not specified."));
    }
    let dry = dry_run(env, &p)?;
    let format = parse_change_output(env, &p)?;
    let ra = super::manifests::resource_args(env, &p, &p.args, "rollout")?;
    let Targets::Names(names) = ra.targets else {
        return Err(usage_errorf(&cmd, "Required resource not specified."));
    };
    let mut last_err = None;
    for (kind, name) in names {
        let obj = match resources::get(env.cluster, kind, &env.namespace, &name) {
            Ok(o) => o,
            Err(e) => {
                if let Some(prev) = last_err.replace(CmdError::Api(e)) {
                    env.report(&prev);
                }
                continue;
            }
        };
        let r = match sub.as_str() {
            "status" => status(env, &obj, p.bool_or("watch", true), p.string("timeout")),
            "history" => history(env, &obj, p.int("revision").unwrap_or(0)),
            "undo" => undo(env, &obj, p.int("to-revision").unwrap_or(0), dry, format.as_ref()),
            "restart" => restart(env, &obj, dry, format.as_ref()),
            "pause" | "resume" => {
                let verb = if sub == "pause" { "pausing" } else { "resuming" };
                Err(CmdError::Raw(format!("error: {} {:?} {verb} is not supported", kind.group_resource(), name)))
            }
            _ => Ok(()),
        };
        if let Err(e) = r {
            if let Some(prev) = last_err.replace(e) {
                env.report(&prev);
            }
        }
    }
    match last_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn as_sts(obj: &Object) -> CmdResult<&StatefulSet> {
    obj.as_stateful_set().ok_or_else(|| {
        CmdError::plain(format!("no rollout support for {} in the StatefulSet Playground", obj.kind().group_resource()))
    })
}

/// `StatefulSetStatusViewer.Status`: the message and whether the rollout is done.
pub fn stateful_set_status(s: &StatefulSet) -> Result<(String, bool), CmdError> {
    if s.spec.update_strategy.type_ != "RollingUpdate" {
        return Err(CmdError::plain("rollout status is only available for RollingUpdate strategy type"));
    }
    let st = &s.status;
    if st.observed_generation == 0 || s.metadata.generation > st.observed_generation {
        return Ok(("Waiting for statefulset spec update to be observed...\n".into(), false));
    }
    let replicas = s.spec.replicas();
    if st.ready_replicas < replicas {
        return Ok((format!("Waiting for {} pods to be ready...\n", replicas - st.ready_replicas), false));
    }
    if let Some(ru) = &s.spec.update_strategy.rolling_update {
        let partition = ru.partition.unwrap_or(0);
        if st.updated_replicas < replicas - partition {
            return Ok((
                format!(
                    "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n",
                    st.updated_replicas,
                    replicas - partition
                ),
                false,
            ));
        }
        return Ok((format!("partitioned roll out complete: {} new pods have been updated...\n", st.updated_replicas), true));
    }
    if st.update_revision != st.current_revision {
        return Ok((
            format!("waiting for statefulset rolling update to complete {} pods at revision {}...\n", st.updated_replicas, st.update_revision),
            false,
        ));
    }
    Ok((format!("statefulset rolling update complete {} pods at revision {}...\n", st.current_replicas, st.current_revision), true))
}

/// `rollout status` (rollout_status.go): `watchtools.UntilWithSync` prints the status of the
/// listed object, then again on every Added/Modified watch event of it (so a status write that
/// leaves the message unchanged prints the same line again, as real kubectl does), until done.
fn status(env: &mut Env, obj: &Object, watch: bool, timeout: Option<&str>) -> CmdResult {
    as_sts(obj)?;
    let key = crate::engine::store::ObjectKey::of(obj);
    let limit = match timeout {
        Some(t) => parse_go_duration(t).map_err(CmdError::Plain)?,
        None => 0,
    };
    let limit = if limit == 0 { DEFAULT_SETTLE_LIMIT_MS } else { limit };
    env.cluster.flush();
    let until = env.cluster.now.plus_ms(limit);
    let Some(cur) = env.cluster.store.get_key(&key).cloned() else {
        return Err(CmdError::plain("object has been deleted"));
    };
    let (msg, done) = stateful_set_status(as_sts(&cur)?)?;
    env.print(&msg);
    if done || !watch {
        return Ok(());
    }
    loop {
        match env.cluster.next_due() {
            Some(t) if t <= until => {
                let report = env.cluster.step();
                for ev in report.changes.iter().filter(|ev| crate::engine::store::ObjectKey::of(&ev.object) == key) {
                    if ev.type_ == crate::engine::store::WatchEventType::Deleted {
                        return Err(CmdError::plain("object has been deleted"));
                    }
                    let (msg, done) = stateful_set_status(as_sts(&ev.object)?)?;
                    env.print(&msg);
                    if done {
                        return Ok(());
                    }
                }
            }
            _ => return Err(CmdError::plain("timed out waiting for the condition")),
        }
    }
}

/// ControllerRevisions controlled by the StatefulSet, by `.revision`.
fn revisions(env: &Env, s: &StatefulSet) -> Vec<ControllerRevision> {
    let mut v: Vec<ControllerRevision> = env
        .cluster
        .store
        .list(Kind::ControllerRevision, Some(&s.metadata.namespace))
        .filter_map(|o| o.as_controller_revision())
        .filter(|r| r.metadata.controller_ref().is_some_and(|o| o.uid == s.metadata.uid))
        .cloned()
        .collect();
    crate::util::sort::sort_by_key(&mut v, |r| r.revision);
    v
}

fn revision_template(r: &ControllerRevision) -> PodTemplateSpec {
    let mut t = r.data.pointer("/spec/template").cloned().unwrap_or_default();
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    crate::engine::api::from_value(t).unwrap_or_default()
}

/// `rollout history` (`printHistory`).
fn history(env: &mut Env, obj: &Object, revision: i64) -> CmdResult {
    let s = as_sts(obj)?;
    let revs = revisions(env, s);
    let name = name_of(obj);
    if revs.is_empty() {
        env.println(&format!("{name} "));
        env.println("No rollout history found.");
        return Ok(());
    }
    if revision > 0 {
        let Some(r) = revs.iter().find(|r| r.revision == revision) else {
            return Err(CmdError::plain("unable to find the specified revision"));
        };
        // The revision's template is written without a tabwriter: tabs stay as they are.
        let mut w = PrefixWriter::raw();
        describe_pod_template(&mut w, &revision_template(r));
        env.println(&format!("{name} with revision #{revision}"));
        env.println(&w.finish());
        return Ok(());
    }
    let mut w = new_describe_writer();
    w.write("REVISION\tCHANGE-CAUSE\n");
    for r in &revs {
        let cause = r.metadata.annotations.get("kubernetes.io/change-cause").cloned().unwrap_or_else(|| "<none>".into());
        w.write(&format!("{}\t{cause}\n", r.revision));
    }
    env.println(&format!("{name} "));
    env.println(&w.flush());
    Ok(())
}

/// `rollout undo` (`StatefulSetRollbacker.Rollback`). Its result is the operation NamePrinter
/// prints after the name; a client dry run's result is the target revision's pod template.
fn undo(env: &mut Env, obj: &Object, to_revision: i64, dry: DryRun, format: Option<&Format>) -> CmdResult {
    let s = as_sts(obj)?;
    let revs = revisions(env, s);
    let target = if to_revision == 0 {
        if revs.len() < 2 {
            return Err(CmdError::plain("no last revision to roll back to"));
        }
        &revs[revs.len() - 2]
    } else {
        revs.iter()
            .find(|r| r.revision == to_revision)
            .ok_or_else(|| CmdError::plain(format!("unable to find specified revision {to_revision} in history")))?
    };
    let template = revision_template(target);
    let result = if dry == DryRun::Client {
        let mut w = PrefixWriter::raw();
        describe_pod_template(&mut w, &template);
        w.finish()
    } else if serde_json::to_value(&template).ok() == serde_json::to_value(&s.spec.template).ok() {
        format!("skipped rollback (current template already matches revision {})", target.revision)
    } else {
        let mut updated = s.clone();
        updated.spec.template = template;
        send_update(env, Object::StatefulSet(updated), dry)?;
        "rolled back".to_string()
    };
    print_change(env, format, obj, &result, dry)
}

/// `rollout restart`: the `kubectl.kubernetes.io/restartedAt` template annotation, set to the
/// current second (`objectrestarter.go`).
fn restart(env: &mut Env, obj: &Object, dry: DryRun, format: Option<&Format>) -> CmdResult {
    let s = as_sts(obj)?;
    let mut updated = s.clone();
    updated
        .spec
        .template
        .metadata
        .annotations
        .insert("kubectl.kubernetes.io/restartedAt".into(), env.cluster.now.rfc3339());
    // The same second gives the same annotation, so an empty patch (rollout_restart.go). The
    // virtual clock only moves when the simulation runs, so two restarts in a row hit this.
    if updated == *s {
        return Err(CmdError::plain(format!(
            "failed to create patch for {}: if restart has already been triggered within the past second, please wait before attempting to trigger another",
            s.metadata.name
        )));
    }
    if dry == DryRun::Client {
        return print_change(env, format, obj, "restarted", dry);
    }
    let stored = send_update(env, Object::StatefulSet(updated), dry)?;
    print_change(env, format, &stored, "restarted", dry)
}

#[cfg(test)]
mod tests {
    use crate::engine::api::*;
    use crate::kubectl::testutil::*;

    fn revision(sts: &StatefulSet, n: i64, image: &str, cause: Option<&str>) -> ControllerRevision {
        let mut t = sts.spec.template.clone();
        t.spec.containers[0].image = image.into();
        let mut tv = serde_json::to_value(&t).unwrap();
        tv.as_object_mut().unwrap().insert("$patch".into(), "replace".into());
        let mut r = ControllerRevision::default();
        r.metadata.name = format!("web-{n}");
        r.metadata.namespace = "default".into();
        *r.metadata.owner_references = vec![OwnerReference {
            api_version: "apps/v1".into(),
            kind: "StatefulSet".into(),
            name: "web".into(),
            uid: sts.metadata.uid.clone(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        }];
        if let Some(c) = cause {
            r.metadata.annotations.insert("kubernetes.io/change-cause".into(), c.into());
        }
        r.data = serde_json::json!({"spec": {"template": tv}});
        r.revision = n;
        r
    }

    #[test]
    fn status_messages_follow_rollout_status_go() {
        let mut s = sts("web", 3);
        s.status.observed_generation = 1;
        s.status.ready_replicas = 1;
        let (m, done) = super::stateful_set_status(&s).unwrap();
        assert_eq!((m.as_str(), done), ("Waiting for 2 pods to be ready...\n", false));
        s.status.ready_replicas = 3;
        s.status.updated_replicas = 3;
        assert_eq!(super::stateful_set_status(&s).unwrap().0, "partitioned roll out complete: 3 new pods have been updated...\n");
        s.metadata.generation = 2;
        assert_eq!(super::stateful_set_status(&s).unwrap().0, "Waiting for statefulset spec update to be observed...\n");
        s.spec.update_strategy.type_ = "OnDelete".into();
        assert!(super::stateful_set_status(&s).is_err());
    }

    #[test]
    fn status_prints_on_every_watch_event() {
        // rollout_status.go: UntilWithSync prints the status for each Added/Modified event of the
        // StatefulSet, without de-duplicating (the StatefulSet tutorial shows "Waiting for 1 pods
        // to be ready..." twice in a row): each status write prints a line.
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 2)));
        c.settle_default();
        kubectl(&mut c, "set image sts/web nginx=registry.k8s.io/nginx-slim:0.27");
        let o = kubectl(&mut c, "rollout status sts/web");
        let lines: Vec<&str> = o.stdout.lines().collect();
        assert_eq!(lines.first(), Some(&"Waiting for statefulset spec update to be observed..."), "{}", o.stdout);
        assert_eq!(lines.last(), Some(&"partitioned roll out complete: 2 new pods have been updated..."), "{}", o.stdout);
        assert!(lines.windows(2).any(|w| w[0] == w[1]), "{}", o.stdout);
    }

    #[test]
    fn history_undo_restart_pause() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap().as_stateful_set().unwrap().clone();
        assert_eq!(kubectl(&mut c, "rollout history sts/web").stdout, "statefulset.apps/web \nNo rollout history found.\n");
        put(&mut c, Object::ControllerRevision(revision(&s, 1, "nginx:1.24", None)));
        put(&mut c, Object::ControllerRevision(revision(&s, 2, "registry.k8s.io/nginx-slim:0.24", Some("kubectl set image sts/web nginx=x"))));
        // printHistory.
        assert_eq!(
            kubectl(&mut c, "rollout history statefulset/web").stdout,
            "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image sts/web nginx=x\n\n"
        );
        let o = kubectl(&mut c, "rollout history sts/web --revision=1");
        assert!(o.stdout.starts_with("statefulset.apps/web with revision #1\nPod Template:\n  Labels:\tapp=web\n"), "{}", o.stdout);
        assert_eq!(kubectl(&mut c, "rollout history sts/web --revision=9").stderr, "error: unable to find the specified revision\n");
        assert_eq!(
            kubectl(&mut c, "rollout undo sts/web --to-revision=2").stdout,
            "statefulset.apps/web skipped rollback (current template already matches revision 2)\n"
        );
        assert_eq!(kubectl(&mut c, "rollout undo sts/web").stdout, "statefulset.apps/web rolled back\n");
        assert_eq!(kubectl(&mut c, "rollout undo sts/web --to-revision=7").stderr, "error: unable to find specified revision 7 in history\n");
        assert_eq!(kubectl(&mut c, "rollout restart sts/web").stdout, "statefulset.apps/web restarted\n");
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap().as_stateful_set().unwrap().clone();
        assert_eq!(s.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"], "2025-01-06T09:10:00Z");
        assert_eq!(s.spec.template.spec.containers[0].image, "nginx:1.24");
        assert_eq!(kubectl(&mut c, "rollout pause sts/web").stderr, "error: statefulsets.apps \"web\" pausing is not supported\n");
        assert_eq!(
            kubectl(&mut c, "rollout status sts/web --watch=false").stdout,
            "Waiting for statefulset spec update to be observed...\n"
        );
    }

    #[test]
    fn restart_twice_in_one_second_and_dry_runs_change_nothing() {
        let mut c = cluster();
        put(&mut c, Object::StatefulSet(sts("web", 3)));
        let s = c.store.get(Kind::StatefulSet, "default", "web").unwrap().as_stateful_set().unwrap().clone();
        put(&mut c, Object::ControllerRevision(revision(&s, 1, "nginx:1.24", None)));
        put(&mut c, Object::ControllerRevision(revision(&s, 2, "registry.k8s.io/nginx-slim:0.24", None)));
        let before = c.store.get(Kind::StatefulSet, "default", "web").unwrap().clone();
        assert_eq!(kubectl(&mut c, "rollout restart sts/web --dry-run=client").stdout, "statefulset.apps/web restarted (dry run)\n");
        assert_eq!(kubectl(&mut c, "rollout restart sts/web --dry-run=server").stdout, "statefulset.apps/web restarted (server dry run)\n");
        // undo's client dry run prints the revision's pod template as NamePrinter's operation.
        let o = kubectl(&mut c, "rollout undo sts/web --dry-run=client");
        assert!(o.stdout.starts_with("statefulset.apps/web Pod Template:\n  Labels:\tapp=web\n"), "{}", o.stdout);
        assert!(o.stdout.contains("Image:\tnginx:1.24\n") && o.stdout.ends_with("\n (dry run)\n"), "{}", o.stdout);
        assert_eq!(kubectl(&mut c, "rollout undo sts/web --dry-run=server").stdout, "statefulset.apps/web rolled back (server dry run)\n");
        assert_eq!(*c.store.get(Kind::StatefulSet, "default", "web").unwrap(), before);
        // rollout_restart.go: the same second gives the same annotation, an empty patch.
        assert_eq!(kubectl(&mut c, "rollout restart sts/web -o name").stdout, "statefulset.apps/web\n");
        let o = kubectl(&mut c, "rollout restart sts/web");
        assert_eq!(
            (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
            ("", "error: failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another\n", 1)
        );
        c.now = c.now.plus_secs(1);
        assert_eq!(kubectl(&mut c, "rollout restart sts/web").stdout, "statefulset.apps/web restarted\n");
    }
}
