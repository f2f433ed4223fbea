# kubectl's Go-template output, which the StatefulSet basics tutorial uses to read the Pods'
# container images: -o go-template=…, -o template=…, --template alone
# (k8s.io/cli-runtime genericclioptions/template_flags.go GoTemplatePrintFlags.ToPrinter), run
# by printers/template.go GoTemplatePrinter on the object decoded into generic maps, with
# kubectl's base64decode; missing keys print <no value> unless
# --allow-missing-template-keys=false, and errors are Go text/template's.

kubectl apply -f web.yaml
sim wait

# basic-stateful-set.md ("Rolling Update"): the images of a Pod's containers. The template
# prints no newline, so the next prompt follows on the same line, as in a terminal.
kubectl get pod web-0 --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'
kubectl get pod web-0 -o go-template='{{.status.podIP}}{{"\n"}}'

# Several objects are a v1 List with .items.
kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}'
kubectl get sts web -o template='{{.metadata.name}} {{.spec.replicas}} {{.spec.template.metadata.labels}}{{"\n"}}'

# A Secret's value through kubectl's base64decode.
kubectl apply -f - <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  username: aHVudGVy
EOF
kubectl get secret creds -o go-template='{{.data.username | base64decode}}{{"\n"}}'

# A missing key: <no value> by default; with --allow-missing-template-keys=false the printer
# writes its debugging dump to stdout and fails.
kubectl get pod web-0 -o go-template='{{.status.nope}}{{"\n"}}'
kubectl get secret creds -o go-template='{{.data.password}}' --allow-missing-template-keys=false

# Parse errors.
kubectl get pod web-0 -o go-template='{{.status.podIP'
kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}'
kubectl get pod web-0 -o go-template='{{upper .metadata.name}}'
