//! The ServiceAccounts controller (`pkg/controller/serviceaccount/serviceaccounts_controller.go`):
//! every active namespace has a ServiceAccount named `default` — created when the namespace
//! appears, and again if someone deletes it. Pods that name no service account run as it.

use super::namespaces::{is_active, namespace_of_event};
use crate::engine::api::{GenericObject, Kind, Object, ObjectMeta};
use crate::engine::apiserver;
use crate::engine::sim::{Cluster, Task};
use crate::engine::store::WatchEvent;
use crate::engine::why::Verdict;

const COMPONENT: &str = "serviceaccount-controller";

/// The service account every namespace gets.
pub const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// Namespace added or changed, or a `default` ServiceAccount deleted: look at that namespace.
pub fn on_change(c: &mut Cluster, ev: &WatchEvent) {
    if let Some(ns) = namespace_of_event(ev, Kind::ServiceAccount, DEFAULT_SERVICE_ACCOUNT) {
        let ms = c.config.timings.controller_latency_ms;
        c.enqueue_unique(ms, Task::ServiceAccounts(ns));
    }
}

/// `syncNamespace`: creates the missing `default` ServiceAccount.
pub fn sync(c: &mut Cluster, namespace: &str) {
    if !is_active(c, namespace) || c.store.get(Kind::ServiceAccount, namespace, DEFAULT_SERVICE_ACCOUNT).is_some() {
        return;
    }
    let sa = GenericObject {
        api_version: "v1".into(),
        kind: "ServiceAccount".into(),
        metadata: ObjectMeta { name: DEFAULT_SERVICE_ACCOUNT.into(), namespace: namespace.into(), ..Default::default() },
        rest: Default::default(),
    };
    let subject = format!("namespace/{namespace}");
    match apiserver::create(c, Object::Generic(Kind::ServiceAccount, sa)) {
        Ok(_) => c.decide(
            COMPONENT,
            subject,
            Verdict::Create,
            format!("serviceaccount/{DEFAULT_SERVICE_ACCOUNT}"),
            "every namespace has a \"default\" ServiceAccount; pods that name none run as it",
        ),
        Err(e) => c.decide(COMPONENT, subject, Verdict::Fail, "", format!("creating the default ServiceAccount: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::api::Kind;
    use crate::engine::config::ClusterConfig;
    use crate::engine::sim::Cluster;
    use crate::kubectl;

    #[test]
    fn every_namespace_has_a_default_service_account_even_after_deleting_it() {
        let mut c = Cluster::new(ClusterConfig::default());
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            assert!(c.store.get(Kind::ServiceAccount, ns, "default").is_some(), "{ns}");
        }
        let o = kubectl::run(&mut c, "create namespace dev", &Default::default());
        assert_eq!(o.stdout, "namespace/dev created\n", "{o:?}");
        c.settle_default();
        assert!(c.store.get(Kind::ServiceAccount, "dev", "default").is_some());
        let o = kubectl::run(&mut c, "delete sa default -n dev", &Default::default());
        assert_eq!(o.exit_code, 0, "{o:?}");
        c.settle_default();
        assert!(c.store.get(Kind::ServiceAccount, "dev", "default").is_some(), "re-created");
    }
}
