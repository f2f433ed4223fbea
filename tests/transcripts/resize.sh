# Resizing claims on kind (StorageClass `standard`, rancher.io/local-path, allowVolumeExpansion
# unset). Growing www-web-0 is refused by the PersistentVolumeClaimResize admission plugin;
# shrinking it is refused by validation (RecoverVolumeExpansionFailure, GA in 1.34: never to or
# below status.capacity); a StatefulSet's volumeClaimTemplates cannot change at all.
kubectl apply -f web.yaml
sim wait
kubectl patch pvc www-web-0 -p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'
kubectl patch pvc www-web-0 -p '{"spec":{"resources":{"requests":{"storage":"100Mi"}}}}'
kubectl patch sts web --type=json -p '[{"op":"replace","path":"/spec/volumeClaimTemplates/0/spec/resources/requests/storage","value":"2Gi"}]'
# A class that allows expansion: the claim's request grows, the in-tree expand controller
# leaves it to an external resizer, and local-path has none, so the capacity stays 1Gi.
kubectl apply -f - <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: expandable
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: expandable
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: user
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
EOF
sim wait
kubectl patch pvc data -p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'
sim advance 1m
kubectl get pvc
kubectl get pvc data -o jsonpath='{.spec.resources.requests.storage} {.status.capacity.storage}{"\n"}'
kubectl describe pvc data
# Back down to recover from the expansion that never happened: above the capacity is fine, to
# the capacity is not.
kubectl patch pvc data -p '{"spec":{"resources":{"requests":{"storage":"1536Mi"}}}}'
kubectl patch pvc data -p '{"spec":{"resources":{"requests":{"storage":"1Gi"}}}}'
kubectl patch pvc data -p '{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}'
sim wait
kubectl get events --field-selector reason=ExternalExpanding -o jsonpath='{range .items[*]}{.type} {.reason} x{.count} {.source.component}: {.message}{"\n"}{end}'
kubectl get pv
