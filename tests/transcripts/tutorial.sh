# The StatefulSet Basics tutorial (kubernetes.io/docs/tutorials/stateful-application/basic-stateful-set/),
# sections "Using stable network identities" and "Writing to stable storage", with its lines
# pasted as written: the shell's for loops run each expanded command in turn, and `curl
# http://localhost/` inside a pod reaches that pod's own nginx through its /etc/hosts.

# The tutorial's web.yaml (application/web/web.yaml: no probes).
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
kubectl get pods -l app=nginx

## Using stable network identities
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
# (The tutorial's `kubectl run -i --tty … dns-test` opens an interactive shell for nslookup;
# exec.sh shows nslookup instead.)
kubectl get pod --watch -l app=nginx
kubectl delete pod -l app=nginx
sim wait
kubectl get pod --watch -l app=nginx
for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done

## Writing to stable storage
kubectl get pvc -l app=nginx
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)" > /usr/share/nginx/html/index.html'; done

for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
# The note's permission fix (nothing to fix here: no hostPath bug).
for i in 0 1; do kubectl exec web-$i -- chmod 755 /usr/share/nginx/html; done
kubectl get pod --watch -l app=nginx
kubectl delete pod -l app=nginx
sim wait
kubectl get pod --watch -l app=nginx
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
