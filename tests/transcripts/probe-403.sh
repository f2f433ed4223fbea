# The StatefulSet tutorial's web/nginx pair with an HTTP readiness probe (pkg/kubelet/prober,
# pkg/probe/http DoHTTPProbe: success is a status from 200 to 399). Each pod's web root is its
# own new, empty claim, so nginx answers 403 Forbidden for / and the probe fails ("Readiness
# probe failed: HTTP probe failed with statuscode: 403"): web-0 runs 0/1 and OrderedReady never
# creates web-1. Writing index.html, as the tutorial does, makes the next probe pass.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
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
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        readinessProbe:
          httpGet:
            path: /
            port: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
EOF
sim wait
sim advance 30s
kubectl get pods -l app=nginx
kubectl describe pod web-0
kubectl exec web-0 -- curl -s http://localhost/

# The tutorial's next step writes each pod's hostname into its web root.
kubectl exec web-0 -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
sim wait
kubectl get pods -l app=nginx
kubectl exec web-1 -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'
sim wait
kubectl get pods -l app=nginx
kubectl get events --field-selector involvedObject.name=web-1,reason=Unhealthy

# The page is gone again: after failureThreshold (3) failed probes, 10 s apart, web-0 is not Ready.
kubectl exec web-0 -- rm /usr/share/nginx/html/index.html
sim advance 35s
kubectl get pods -l app=nginx
sim why
