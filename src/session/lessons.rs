//! Guided lessons: the StatefulSet explainer the product grew from, retold in our own words, one
//! lesson per part of it, each with the commands to run here and what to watch while they run.
//!
//! Where the explainer simplifies, a lesson says what a real cluster does (deleting a StatefulSet
//! does not terminate its pods in reverse order; `myapp:v2` would not pull; claims can be deleted
//! automatically with a retention policy). Every step is run by a test on a fresh session, in
//! order, so a lesson never asks for something the playground cannot do.

/// One step of a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A console line (kubectl or `sim …`) and what to look at once it ran.
    Run {
        /// The line, as a learner would type it.
        line: &'static str,
        /// What to watch.
        look: &'static str,
    },
    /// An editor tab to open with this text (replacing a tab of that name).
    Open {
        /// Tab name.
        name: &'static str,
        /// The file.
        text: &'static str,
        /// Why.
        look: &'static str,
    },
}

/// One lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Short title.
    pub title: &'static str,
    /// The explainer's sections it covers (their headings, without the emoji).
    pub covers: &'static [&'static str],
    /// Paragraphs; text between backticks is code.
    pub text: &'static [&'static str],
    /// What to do, in order.
    pub steps: &'static [Step],
}

const fn run(line: &'static str, look: &'static str) -> Step {
    Step::Run { line, look }
}

/// A StatefulSet that starts its pods together and gates readiness on a probe.
const CACHE_YAML: &str = r#"# Parallel start, with a readiness probe: the pods start together, and each counts as
# Ready only once nginx answers on port 80.
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  replicas: 3
  podManagementPolicy: Parallel
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports:
            - containerPort: 80
          readinessProbe:
            httpGet:
              path: /
              port: 80
            initialDelaySeconds: 5
            periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: cache
spec:
  clusterIP: None
  selector:
    app: cache
  ports:
    - port: 80
      name: web
"#;

/// The explainer's MongoDB shape: three members with stable names and their own volumes.
const MONGO_YAML: &str = r#"# Three MongoDB members. Kubernetes gives each a name, a volume and a DNS record;
# electing the primary is MongoDB's job (its replica set protocol), not Kubernetes'.
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mongo
spec:
  serviceName: mongo
  replicas: 3
  selector:
    matchLabels:
      app: mongo
  template:
    metadata:
      labels:
        app: mongo
    spec:
      containers:
        - name: mongo
          image: mongo:7.0
          args: ["--replSet", "rs0", "--bind_ip_all"]
          ports:
            - containerPort: 27017
          volumeMounts:
            - name: data
              mountPath: /data/db
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: mongo
spec:
  clusterIP: None
  selector:
    app: mongo
  ports:
    - port: 27017
      name: mongo
"#;

/// The lessons, in order. Each builds on the cluster the previous ones left.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        title: "What a StatefulSet is",
        covers: &["What Is a StatefulSet?", "Why Use StatefulSets?"],
        text: &[
            "A StatefulSet is a controller: a loop in the control plane that keeps a set of pods matching what you asked for. What sets it apart is that its pods are not interchangeable. Each one has an ordinal (0, 1, 2 …) and keeps, for its whole life and across re-creation, the same name, the same volume and the same DNS name.",
            "Upstream's one-line definition: it manages the deployment and scaling of a set of pods and guarantees their ordering and uniqueness. Databases, queues and consensus systems need exactly that: members that know who they are and find each other.",
            "The editor holds the example `myapp`: a StatefulSet with 3 replicas and its headless Service. Apply it and let the simulation run.",
        ],
        steps: &[
            run("kubectl apply -f myapp.yaml", "Two objects are created. Nothing else exists yet: pods come from the controller, not from kubectl."),
            run("sim wait", "The clock runs until nothing is left to do. In the diagram, myapp-0, -1 and -2 appeared one after another."),
            run("kubectl get pods -l app=myapp", "Names are the set's name plus an ordinal, not a random suffix."),
        ],
    },
    Lesson {
        title: "StatefulSet or Deployment?",
        covers: &["StatefulSet vs Deployment", "Final Summary", "TL;DR"],
        text: &[
            "A Deployment's pods are cattle: names like `web-66b6c48dd5-4jw2p`, started all at once, any one as good as another, usually sharing a volume or none. Replace one and you get a new random name. That is right for web servers and APIs that keep no state of their own.",
            "A StatefulSet's pods are pets with name tags: fixed names, started and stopped in order, each with a claim of its own and a predictable DNS name. Replace one and the same name comes back, with the same claim. In short: identity + storage + order. Deployments scale fast; StatefulSets scale in a way stateful software can follow.",
            "One exception to \"the same name comes back\": when a node fails, its pods are not removed, because Kubernetes cannot tell a dead node from a cut-off one that still runs them. The pod object stays (not Ready, later Terminating), and no replacement with its name starts until that object is gone: the node comes back and finishes the deletion, the node object is deleted, or someone force-deletes the pod (`--grace-period=0 --force`), which is safe only when that pod can no longer be running.",
            "(The playground simulates the StatefulSet controller; it stores a Deployment you apply but runs no pods for it.)",
        ],
        steps: &[
            run("kubectl delete pod myapp-1", "The pod is deleted, as a drain or an eviction would delete it."),
            run("sim wait", "The controller creates a pod with the same name, myapp-1, not a new random one."),
            run("kubectl get pods -l app=myapp -o wide", "myapp-1 is young again (AGE), yet it has its old name and, as the next lessons show, its old volume and DNS name."),
        ],
    },
    Lesson {
        title: "The three parts",
        covers: &["Core Components", "YAML Example — StatefulSet in Action"],
        text: &[
            "Three things make up the example. The headless Service (`clusterIP: None`) gives no virtual IP: its DNS name answers with the pods themselves, and it gives each pod a name of its own. `spec.serviceName` names it; the API server does not check that it exists, so a typo there only shows when DNS lookups fail.",
            "The pod template (`spec.template`) is what every replica runs: containers, labels, ports. Its labels must match `spec.selector`, or the API server refuses the StatefulSet.",
            "The volume claim templates (`spec.volumeClaimTemplates`) stamp out one PersistentVolumeClaim per pod, named `<template>-<set>-<ordinal>`.",
            "One change from the explainer's YAML: its image `myapp:latest` is in no registry, so a real cluster would stop at ErrImagePull. The example uses `nginx:1.27` on port 80, which works here and on a real cluster.",
        ],
        steps: &[
            run("kubectl get svc myapp", "CLUSTER-IP is None: a headless Service."),
            run("kubectl describe sts myapp", "The selector, the pod template, the claim template and the events of the pods and claims it created."),
            run("kubectl get pvc", "One claim per pod: myapp-storage-myapp-0, -1, -2."),
        ],
    },
    Lesson {
        title: "Order: one at a time",
        covers: &["Lifecycle of a StatefulSet"],
        text: &[
            "With the default `podManagementPolicy: OrderedReady`, the controller creates pod 0, waits until it is Running and Ready, then creates pod 1, and so on. When scaling down it removes the highest ordinal first, one at a time, and waits for each to be gone.",
            "Watch it step by step: scale to zero, then back to three, and step instead of waiting. The Why panel says what the controller is waiting for at each moment.",
            "The explainer's lifecycle also draws \"Headless Service created\" as a step after the StatefulSet. The StatefulSet creates no Service: you create it yourself (it is the second object in myapp.yaml), and until it exists the pods run but their DNS names do not resolve.",
            "One correction to a common belief: deleting the StatefulSet itself does not terminate its pods in reverse order. The garbage collector deletes them all at once. For an ordered shutdown, scale to 0 first, then delete.",
        ],
        steps: &[
            run("kubectl scale sts myapp --replicas=0", "Replicas is 0: the pods go, highest ordinal first."),
            run("sim wait", "myapp-2 went first, then myapp-1, then myapp-0. The claims stayed."),
            run("kubectl scale sts myapp --replicas=3", "Now back up."),
            run("sim step 8", "Eight changes. Only myapp-0 exists yet; the Why panel says the controller waits for it to be Running and Ready before it creates myapp-1."),
            run("sim wait", "myapp-1 and myapp-2 followed, each after the previous one was Ready."),
        ],
    },
    Lesson {
        title: "Storage that stays",
        covers: &["Persistent Storage — How It Works"],
        text: &[
            "Each pod mounts its own claim. A claim outlives its pod: when myapp-0 is deleted and re-created, the new myapp-0 mounts myapp-storage-myapp-0 again, so whatever the old one wrote under `/data` is still there. Files written anywhere else live in the container and vanish with it.",
            "The claims were bound to volumes that nobody created by hand: the cluster's default StorageClass `standard` provisions a PersistentVolume for each claim (dynamic provisioning). That is why a cluster for StatefulSets should have a default StorageClass.",
        ],
        steps: &[
            run("kubectl exec myapp-0 -- sh -c 'echo hello from the first myapp-0 > /data/note.txt'", "A file on the volume."),
            run("kubectl exec myapp-0 -- sh -c 'echo scratch > /tmp/scratch.txt'", "A file in the container's own filesystem."),
            run("kubectl delete pod myapp-0", "The pod goes; its claim does not."),
            run("sim wait", "A new myapp-0 starts and mounts the same claim."),
            run("kubectl exec myapp-0 -- cat /data/note.txt", "Still there."),
            run("kubectl exec myapp-0 -- cat /tmp/scratch.txt", "Gone: it was in the old container."),
            run("kubectl get pv", "One dynamically provisioned volume per claim, reclaim policy Delete."),
        ],
    },
    Lesson {
        title: "Stable DNS names",
        covers: &["Stable DNS — Pod-Level Networking"],
        text: &[
            "Through the headless Service each pod gets a DNS name of the form `<pod>.<service>.<namespace>.svc.cluster.local`, for example `myapp-0.myapp.default.svc.cluster.local`. The Service's own name answers with every ready pod's address.",
            "The names are stable; the addresses are not. A re-created pod usually gets a new IP, and the record follows it. Peers should therefore find each other by name. Only Ready pods are listed unless the Service sets `publishNotReadyAddresses: true`.",
            "The nginx image has `curl` but no `nslookup`, so the lookups run in a throwaway busybox pod (`kubectl run … --rm`), as upstream's StatefulSet tutorial does; any pod in the namespace resolves the same names.",
        ],
        steps: &[
            run("kubectl run dns-1 --image=busybox:1.28 --rm -i --restart=Never -- nslookup myapp", "The Service's name: one address per ready pod. The pod is deleted when the command ends."),
            run("kubectl run dns-2 --image=busybox:1.28 --rm -i --restart=Never -- nslookup myapp-0.myapp", "One pod's own name (the search path adds .default.svc.cluster.local)."),
            run("kubectl exec myapp-2 -- hostname -f", "A pod's hostname is its name; its full name includes the Service."),
            run("kubectl exec myapp-1 -- curl -s http://myapp-0.myapp/", "Reach a peer by its stable name."),
        ],
    },
    Lesson {
        title: "Scaling up and down",
        covers: &["Scaling StatefulSets"],
        text: &[
            "Scaling up adds the next ordinals, one at a time under OrderedReady; each new pod gets its own claim and DNS name. Scaling down removes the highest ordinals first.",
            "Claims of removed pods stay by default: scale back up and myapp-3 finds its old data. That is the cost of safety the explainer lists among the limitations: cleaning up is manual, unless `persistentVolumeClaimRetentionPolicy.whenScaled: Delete` says otherwise.",
        ],
        steps: &[
            run("kubectl scale statefulset myapp --replicas=5", "Two more replicas wanted."),
            run("sim wait", "myapp-3, then myapp-4, each with a new claim."),
            run("kubectl get pods,pvc -l app=myapp", "Five pods, five claims."),
            run("kubectl scale sts myapp --replicas=3", "Back to three."),
            run("sim wait", "myapp-4 went first, then myapp-3."),
            run("kubectl get pvc -l app=myapp", "All five claims remain, ready for a scale up."),
        ],
    },
    Lesson {
        title: "Three ways to update",
        covers: &["Updating a StatefulSet"],
        text: &[
            "Changing the pod template starts a rolling update (the default `updateStrategy`). The controller replaces pods from the highest ordinal down, one at a time: it deletes a pod, lets it be re-created from the new template, and waits for it to be Running and Ready before the next.",
            "Three ways to change the template, as in the explainer: edit the file and apply it again, `kubectl set image`, or `kubectl patch`. The explainer's image `myapp:v2` is in no registry (a real rollout would stop at ErrImagePull), so the steps use real nginx tags.",
        ],
        steps: &[
            run("kubectl set image statefulset/myapp myapp=nginx:1.28", "A new revision: the StatefulSet now shows two revision hashes."),
            run("sim wait", "myapp-2, then myapp-1, then myapp-0 were replaced."),
            run(
                "kubectl patch statefulset myapp -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"myapp\",\"image\":\"nginx:1.29\"}]}}}}'",
                "The same change as a strategic merge patch: containers are merged by name.",
            ),
            run("kubectl rollout status statefulset/myapp", "rollout status follows the update until every pod runs the new revision."),
            run("kubectl get pods -l app=myapp -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image", "Every pod runs nginx:1.29. (Applying an edited myapp.yaml is the third way.)"),
        ],
    },
    Lesson {
        title: "Canary with a partition",
        covers: &["Updating a StatefulSet"],
        text: &[
            "`spec.updateStrategy.rollingUpdate.partition: N` updates only the pods with an ordinal ≥ N. The rest keep the old revision, even if they are deleted and re-created. Set it to the top ordinal to try a new version on one pod (a canary), then lower it to roll on.",
        ],
        steps: &[
            run("kubectl patch sts myapp -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}}'", "Only ordinals ≥ 2 will update."),
            run("kubectl set image sts/myapp myapp=nginx:1.28", "A new template…"),
            run("sim wait", "…but only myapp-2 was replaced. The diagram draws the partition line."),
            run("kubectl get pods -l app=myapp -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image", "myapp-2 is the canary."),
            run("kubectl patch sts myapp -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}'", "Happy with the canary: open the partition."),
            run("sim wait", "myapp-1, then myapp-0 follow."),
        ],
    },
    Lesson {
        title: "Rolling back",
        covers: &["Rolling Back a StatefulSet"],
        text: &[
            "Every template a StatefulSet has had is kept as a ControllerRevision (up to `revisionHistoryLimit`, 10 by default). `kubectl rollout undo` puts the previous template back, which is simply another rolling update.",
            "A catch worth knowing: if the new version never becomes Ready (a bad image, a crash), the rollout stops at the first pod it replaced, and undo alone does not repair it: under OrderedReady the controller waits for that broken pod forever. Delete the broken pod after the undo and it comes back with the old template.",
        ],
        steps: &[
            run("kubectl rollout history statefulset/myapp", "The revisions kept."),
            run("kubectl set image sts/myapp myapp=nginx:does-not-exist", "A tag no registry has."),
            run("sim wait", "myapp-2 was replaced and is stuck in ErrImagePull / ImagePullBackOff; myapp-1 and myapp-0 were not touched."),
            run("kubectl rollout undo statefulset/myapp", "The template is the old one again…"),
            run("sim advance 2m", "…but myapp-2 is still the broken pod: the controller waits for it to become Ready."),
            run("kubectl delete pod myapp-2", "Delete it by hand…"),
            run("sim wait", "…and it is re-created from the restored template."),
            run("kubectl rollout status statefulset/myapp", "Done."),
        ],
    },
    Lesson {
        title: "Keeping an eye on it",
        covers: &["Monitoring a StatefulSet"],
        text: &[
            "Four commands tell most of the story: the set's READY count, its description with events, its pods and its claims. Events say what the controller did and why something is stuck.",
            "Events are a summary, not a log: a repeated event counts up (`x3 over 1m`), the tenth different message of one kind about one object is folded into a `(combined from similar events)` event, and a component may send only 25 events about one object before it is held to one every five minutes. Scale a set to 30 and its description shows ten events, not sixty; `sim why` keeps every decision.",
        ],
        steps: &[
            run("kubectl get statefulsets", "READY is ready pods / desired replicas."),
            run("kubectl describe statefulset myapp", "Replicas and pod status counts, the template, and the events (SuccessfulCreate, SuccessfulDelete …)."),
            run("kubectl get pods -l app=myapp", "Status and restarts of each pod."),
            run("kubectl get pvc -l app=myapp", "Claims, their volumes and capacity."),
            run("kubectl get events --field-selector involvedObject.name=myapp", "Only the StatefulSet's own events."),
        ],
    },
    Lesson {
        title: "Deleting, and what stays",
        covers: &["Deleting a StatefulSet", "Limitations & Considerations"],
        text: &[
            "`kubectl delete statefulset myapp` deletes the set, and the garbage collector deletes its pods (all at once, not in order). The claims stay, and with them the data: Kubernetes will not throw away a volume unless asked.",
            "Delete the claims yourself when the data is no longer needed; their volumes then go too (reclaim policy Delete). A StatefulSet can also ask for this with `persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}` (on by default since Kubernetes 1.27, stable since 1.32).",
        ],
        steps: &[
            run("kubectl delete statefulset myapp", "The set is gone."),
            run("sim wait", "Its pods terminated together."),
            run("kubectl get pvc -l app=myapp", "The claims are still Bound."),
            run("kubectl delete pvc -l app=myapp", "Clean up by hand."),
            run("sim wait", "The claims, then their volumes, are deleted."),
            run("kubectl get pv", "No volume left for myapp."),
        ],
    },
    Lesson {
        title: "Good habits",
        covers: &["Best Practices", "Common Use Cases", "Limitations & Considerations"],
        text: &[
            "Use a headless Service and a default StorageClass. Give containers a readiness probe: without one, Ready only means started, so OrderedReady moves on before the previous member can serve. When order does not matter (a cache, most sharded stores), `podManagementPolicy: Parallel` starts and stops all pods at once; it changes scaling only, not rolling updates.",
            "The typical users are databases (MySQL, PostgreSQL, MongoDB), queues (Kafka, RabbitMQ), coordination and search systems (ZooKeeper, Elasticsearch) and caches that persist (Redis). Kubernetes gives them identity, storage and order; the application still decides who is primary and how replicas catch up.",
            "The example opens a second file, `cache.yaml`, with both habits: Parallel and a readiness probe.",
        ],
        steps: &[
            Step::Open { name: "cache.yaml", text: CACHE_YAML, look: "Opened as a new editor tab (switch to Files to read it)." },
            run("kubectl apply -f cache.yaml", "A StatefulSet with Parallel pod management."),
            run("sim step 6", "All three cache pods were created at once, not one after another."),
            run("sim wait", "Each became Ready only after its probe succeeded (initialDelaySeconds: 5)."),
            run("kubectl get pods -l app=cache", "Three Ready pods."),
        ],
    },
    Lesson {
        title: "A MongoDB-style replica set",
        covers: &["Example: MongoDB StatefulSet Architecture"],
        text: &[
            "The explainer's last picture: mongo-0 as primary, mongo-1 and mongo-2 as secondaries. The StatefulSet part is the same as myapp: three members with stable names, their own volumes and DNS records such as `mongo-0.mongo.default.svc.cluster.local`.",
            "Which member is primary is not Kubernetes' decision. MongoDB's replica set protocol elects it, using those stable names as member addresses; that is why the names must not change.",
        ],
        steps: &[
            Step::Open { name: "mongo.yaml", text: MONGO_YAML, look: "Opened as a new editor tab." },
            run("kubectl apply -f mongo.yaml", "Three members, in order."),
            run("sim wait", "mongo-0, mongo-1, mongo-2, each with a data claim."),
            run("kubectl run dns-3 --image=busybox:1.28 --rm -i --restart=Never -- nslookup mongo-0.mongo", "The name a member uses to reach mongo-0 (the mongo image has no nslookup either, hence busybox again)."),
            run("kubectl get pods,pvc -l app=mongo", "Stable names and one volume per member."),
        ],
    },
];

#[cfg(test)]
mod tests;
