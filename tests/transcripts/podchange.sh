# A live pod's container image may change (ValidatePodUpdate lets spec.containers[*].image
# through): the kubelet sees the container's spec hash change (containerChanged, HashContainer
# hashes name and image) and restarts it with the new image, whatever the restartPolicy
# (kuberuntime_manager.go computePodActions: Killing "Container web definition changed, will be
# restarted", then Pulling/Pulled, Created, Started; restartCount 1). nginx takes its image's
# STOPSIGNAL (SIGQUIT) and exits 0 at once. A PID 1 that sets no handler for the stop signal
# (`sleep 3600`) ignores it: the pod stays Terminating for its whole grace period, then SIGKILL.
kubectl run web --image=nginx:1.27
sim wait
kubectl set image pod/web web=nginx:1.28
kubectl get pod web
sim wait
kubectl get pod web
kubectl describe pod web
kubectl run sleeper --image=busybox:1.36 --command -- sleep 3600
sim wait
kubectl delete pod sleeper --wait=false
sim advance 20s
kubectl get pod sleeper
sim advance 11s
kubectl get pod sleeper
sim why
