# A database StatefulSet with a startup probe (pkg/kubelet/prober worker.go doProbe,
# prober_manager.go UpdatePodStatus): each pod runs but is not started and not Ready (0/1) until
# its startup probe succeeds; only then does the readiness probe make it Ready, and OrderedReady
# creates the next ordinal. Then the app's health endpoint fails (the liveness fault): the
# liveness probe kills the container, and after the restart the startup probe fails too, past its
# failureThreshold (computePodActions "failed startup probe, will be restarted").
kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: pg
spec:
  clusterIP: None
  selector:
    app: pg
  ports:
  - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
spec:
  serviceName: pg
  replicas: 2
  selector:
    matchLabels:
      app: pg
  template:
    metadata:
      labels:
        app: pg
    spec:
      containers:
      - name: postgres
        image: postgres:16
        env:
        - name: POSTGRES_PASSWORD
          value: example
        startupProbe:
          tcpSocket:
            port: 5432
          initialDelaySeconds: 10
          periodSeconds: 5
          failureThreshold: 3
        readinessProbe:
          tcpSocket:
            port: 5432
          periodSeconds: 5
        livenessProbe:
          tcpSocket:
            port: 5432
          periodSeconds: 10
EOF
sim advance 10s
kubectl get pods
kubectl get pod pg-0 -o jsonpath='{.status.containerStatuses[0].started} {.status.containerStatuses[0].ready}{"\n"}'
sim why
sim wait
sim why
kubectl get pods
kubectl get pod pg-0 -o jsonpath='{.status.containerStatuses[0].started} {.status.containerStatuses[0].ready}{"\n"}'

# The app's health endpoint fails: liveness kills it, then the startup probe keeps failing.
sim fault liveness pg-1
sim advance 90s
kubectl get pods
kubectl describe pod pg-1
sim why
sim fault clear liveness pg-1
sim wait
kubectl get pods

# `sim wait` waits for a liveness failure's first kill and the restart after it; the kills that
# follow under a lasting fault are a failure loop it does not wait for.
sim fault liveness pg-0
sim wait
kubectl get pods
kubectl describe pod pg-0 | tail -6
sim wait
sim fault clear liveness pg-0
sim wait
kubectl get pods
