# A full StatefulSet walk-through: ordered creation, scaling, rolling update, partition staging
# and canary, rollback, orphan delete and re-adoption, cascade delete, retention policy Delete.
# Output shapes: apply.go/scale.go/set_image.go/patch.go NamePrinter lines; get.go watch with
# remembered tabwriter widths; printPod / printStatefulSet / printPersistentVolumeClaim
# (printers.go); custom-columns printer; rollout_status.go StatefulSetStatusViewer;
# rollout_history.go printHistory; delete.go "deleted from <ns> namespace".

# Ordered creation: web-0 must be Running and Ready before web-1 exists.
kubectl apply -f web.yaml
kubectl get pods -w -l app=nginx
kubectl get sts web

# Scaling up goes 2, 3, 4; scaling down goes 4, 3, 2 — and the claims stay.
kubectl scale sts web --replicas=5
sim wait
kubectl get pods -l app=nginx
kubectl scale sts web --replicas=3
kubectl get pods -l app=nginx --watch-only
kubectl get pvc -l app=nginx

# Rolling update: highest ordinal first, one at a time.
kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.27
kubectl rollout status sts/web
kubectl get pods -l app=nginx -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image

# Staging with a partition: only ordinals >= 2 take the new template (a canary).
kubectl patch sts web -p '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}'
kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.28
sim wait
kubectl get pods -l app=nginx -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image
kubectl rollout status sts/web
# Roll the canary out to everyone.
kubectl patch sts web --type=merge -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'
kubectl rollout status sts/web
kubectl rollout history sts/web

# Rollback to the previous template.
kubectl rollout undo sts/web
kubectl rollout status sts/web
kubectl get pods -l app=nginx -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image

# Orphan delete: the pods stay, without an owner; a new StatefulSet adopts them.
kubectl delete sts web --cascade=orphan
kubectl get pods -l app=nginx -o custom-columns=NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].name
kubectl apply -f web.yaml
sim wait
kubectl get pods -l app=nginx -o custom-columns=NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].name
kubectl get sts web

# Cascade delete: the pods go, the claims stay (whenDeleted: Retain is the default).
kubectl delete sts web
sim wait
kubectl get pods,pvc -l app=nginx

# Retention policy Delete: scaling down and deleting remove the claims too.
kubectl apply -f db.yaml
sim wait
kubectl get pvc -l app=db
kubectl scale sts db --replicas=1
sim wait
kubectl get pvc -l app=db
kubectl delete sts db
sim wait
kubectl get pvc -l app=db
