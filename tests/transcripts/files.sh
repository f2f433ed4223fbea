# Commands that act on existing objects read them from -f files as kubectl's FilenameParam does:
# each document's kind and name become the targets (get, describe, scale, label, set image,
# rollout, delete). Output shapes: printers.go tables with kind/name prefixes for several
# kinds; delete.go AddSourceToErr("deleting", info.Source, err) for a file's missing object.
kubectl apply -f web.yaml
sim wait
kubectl get -f web.yaml
kubectl get -f web.yaml -o name
kubectl label -f web.yaml tier=frontend
kubectl get -f ./web.yaml --show-labels
kubectl delete -f web.yaml
sim wait
kubectl get pods -l app=nginx
kubectl delete -f web.yaml
kubectl get svc -f web.yaml
