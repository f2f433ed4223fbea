# What a container's main process does, as its image and the pod spec define it
# (kubernetes/website define-command-argument-container; kuberuntime_manager.go
# computePodActions). busybox's default command `sh` has no stdin, reads end-of-file and exits 0:
# Completed, then CrashLoopBackOff under restartPolicy Always. `stdin: true` keeps it waiting.
# A command ends when it ends (`sleep 5`); its echo is in `kubectl logs`. postgres and mysql
# refuse to initialize a database without a password (their docker-entrypoint.sh).
kubectl run b --image=busybox:1.36
sim wait
kubectl get pod b
sim why
sim advance 40s
kubectl get pod b
kubectl describe pod b
kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: shell
spec:
  containers:
  - name: shell
    image: busybox:1.36
    stdin: true
---
apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  restartPolicy: OnFailure
  containers:
  - name: hello
    image: busybox:1.36
    command: ["sh", "-c", "echo hello from $HOSTNAME; sleep 5"]
---
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  containers:
  - name: sleeper
    image: busybox:1.36
    command: ["sleep", "3600"]
EOF
sim wait
kubectl get pods shell hello sleeper
kubectl logs hello
kubectl run pg --image=postgres:16
kubectl run db --image=mysql:8.4
sim wait
kubectl get pods pg db
kubectl logs pg
kubectl logs db
sim advance 30s
kubectl get pods pg db
kubectl logs pg --previous --tail=2
kubectl run pg2 --image=postgres:16 --env=POSTGRES_PASSWORD=example
sim wait
kubectl get pod pg2
