# Every kubectl command of the seed explainer (statefulset-explainer.md), in its order, on the
# explainer's own manifests. Output shapes: apply.go / scale.go / set_image.go / patch.go
# NamePrinter lines; printStatefulSet, printPod, printPersistentVolumeClaim tables (printers.go);
# StatefulSetStatusViewer (rollout_status.go); describeStatefulSet (describe.go); delete.go.
kubectl apply -f seed/myapp-statefulset.yaml
sim wait
kubectl get statefulsets
kubectl get pods -l app=myapp
kubectl get pvc -l app=myapp
kubectl scale statefulset myapp --replicas=5
sim wait
kubectl get pods -l app=myapp
kubectl apply -f seed/myapp-statefulset.yaml
sim wait
kubectl set image statefulset/myapp myapp=myapp:v2
sim wait
kubectl patch statefulset myapp -p \
  '{"spec":{"template":{"spec":{"containers":[{"name":"myapp","image":"myapp:v2"}]}}}}'
kubectl rollout undo statefulset/myapp
kubectl rollout status statefulset/myapp
kubectl get statefulsets
kubectl describe statefulset myapp
kubectl delete statefulset myapp
sim wait
kubectl get pods -l app=myapp
kubectl get pvc -l app=myapp
kubectl delete pvc -l app=myapp
kubectl get pvc -l app=myapp
