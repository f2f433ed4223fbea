# A configMap volume whose ConfigMap is missing (volume manager, pkg/kubelet/volumemanager):
# the kubelet cannot set the volume up, so web-0 never gets a sandbox and stays
# ContainerCreating; each retry (0.5s doubling to 2m2s) adds to one FailedMount event, and
# OrderedReady does not create web-1. A missing `items` key fails too; once the key exists the
# next retry mounts the volume and the set rolls on.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - name: config
          mountPath: /etc/app
      volumes:
      - name: config
        configMap:
          name: app-config
          items:
          - key: mode
            path: mode.conf
EOF
sim wait
sim advance 3m
kubectl get pods
kubectl describe pod web-0
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  other: x
EOF
sim wait
kubectl get events --field-selector involvedObject.name=web-0
kubectl apply -f - <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  mode: primary
EOF
sim wait
kubectl get pods
kubectl exec web-0 -- cat /etc/app/mode.conf
