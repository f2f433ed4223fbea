# What kubectl prints when things go wrong, and that nothing changes then.
# Shapes: cmdutil.CheckErr / StandardErrorMessage / MultipleErrors (helpers.go) for API errors,
# the IsInvalid form "The <Kind> "<name>" is invalid: …", AddSourceToErr ("error when creating"),
# apply.go's patch failure form, patch.go's validation errors, the server's strict decoding error.
# kubectl edit is refused in scripts (there is no editor; the browser opens it in a tab).
kubectl apply -f nope.yaml
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replica: 3
  serviceName: nginx
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
EOF
kubectl get sts
kubectl apply -f web.yaml
kubectl apply --validate=warn -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replica: 3
  serviceName: nginx
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
EOF
kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  replica: 3
  serviceName: nginx
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
EOF
kubectl patch sts web -p '{"spec":{"replicas":-1}}'
kubectl patch sts web -p '{"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}}'
kubectl patch sts web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'
kubectl patch sts web --type=foo -p '{}'
kubectl patch sts web
kubectl edit sts web
kubectl patch sts nope -p '{"spec":{"replicas":2}}'
kubectl create -f web.yaml
kubectl replace -f web.yaml
kubectl get sts web -o jsonpath='{.spec.replicas}{"\n"}'
