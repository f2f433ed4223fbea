//! Tests for the workload and policy describers: objects applied with kubectl, exact bytes.

use crate::kubectl::testutil::*;

fn uid(c: &crate::engine::sim::Cluster, kind: crate::engine::api::Kind, name: &str) -> String {
    c.store.get(kind, "default", name).unwrap().meta().uid.clone()
}

#[test]
fn describe_pod_disruption_budget() {
    let mut c = cluster();
    apply(
        &mut c,
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: zookeeper
",
    );
    let o = kubectl(&mut c, "describe pdb zk-pdb");
    // describePodDisruptionBudgetV1: the status lines share the Events column block.
    let want = "Name:           zk-pdb
Namespace:      default
Min available:  2
Selector:       app=zookeeper
Status:
    Allowed disruptions:  0
    Current:              0
    Desired:              0
    Total:                0
Events:                   <none>
";
    assert_eq!(o.stdout, want);
}

#[test]
fn describe_deployment() {
    let mut c = cluster();
    apply(
        &mut c,
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
",
    );
    let o = kubectl(&mut c, "describe deployment nginx-deployment");
    // describeDeployment with the API server's strategy and container defaults; no ReplicaSets
    // yet, so no OldReplicaSets/NewReplicaSet lines.
    let want = "Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Mon, 06 Jan 2025 09:10:00 +0000
Labels:                 app=nginx
Annotations:            <none>
Selector:               app=nginx
Replicas:               3 desired | 0 updated | 0 total | 0 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:         nginx:1.14.2
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(o.stdout, want);
}

#[test]
fn describe_job_and_cron_job() {
    let mut c = cluster();
    apply(
        &mut c,
        "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  backoffLimit: 4
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: \"* * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            command: [\"/bin/sh\", \"-c\", \"date\"]
          restartPolicy: OnFailure
",
    );
    let u = uid(&c, crate::engine::api::Kind::Job, "pi");
    let o = kubectl(&mut c, "describe job pi");
    // describeJob: the generated selector and template labels, SetDefaults_Job values.
    let want = format!(
        "Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid={u}
Labels:           <none>
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Pods Statuses:    0 Active / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid={u}
           batch.kubernetes.io/job-name=pi
           controller-uid={u}
           job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
"
    );
    assert_eq!(o.stdout, want);
    let o = kubectl(&mut c, "describe cronjob hello");
    // describeCronJob + describeJobTemplate: printBoolPtr prints `False`.
    let want = "Name:                          hello
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      * * * * *
Concurrency Policy:            Allow
Suspend:                       False
Time Zone:                     <unset>
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   hello:
    Image:      busybox:1.28
    Port:       <none>
    Host Port:  <none>
    Command:
      /bin/sh
      -c
      date
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  <unset>
Active Jobs:         <none>
Events:              <none>
";
    assert_eq!(o.stdout, want);
}

#[test]
fn describe_daemon_set_and_replica_set() {
    let mut c = cluster();
    apply(
        &mut c,
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  namespace: default
spec:
  selector:
    matchLabels:
      name: fluentd
  template:
    metadata:
      labels:
        name: fluentd
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: fluentd
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    tier: frontend
spec:
  replicas: 2
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
",
    );
    let o = kubectl(&mut c, "describe ds fluentd");
    // describeDaemonSet: the "Number of Nodes" lines have no tab, so they end the column block.
    let want = "Name:           fluentd
Namespace:      default
Selector:       name=fluentd
Node-Selector:  kubernetes.io/os=linux
Labels:         <none>
Annotations:    <none>
Desired Number of Nodes Scheduled: 0
Current Number of Nodes Scheduled: 0
Number of Nodes Scheduled with Up-to-date Pods: 0
Number of Nodes Scheduled with Available Pods: 0
Number of Nodes Misscheduled: 0
Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  name=fluentd
  Containers:
   fluentd:
    Image:         quay.io/fluentd_elasticsearch/fluentd:v5.0.1
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  kubernetes.io/os=linux
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(o.stdout, want);
    let o = kubectl(&mut c, "describe rs frontend");
    // describeReplicaSet.
    let want = "Name:         frontend
Namespace:    default
Selector:     tier=frontend
Labels:       tier=frontend
Annotations:  <none>
Replicas:     0 current / 2 desired
Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  tier=frontend
  Containers:
   php-redis:
    Image:         us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(o.stdout, want);
}
