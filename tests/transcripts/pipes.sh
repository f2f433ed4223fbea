# Pipelines as learners type them: a kubectl (or echo) command's stdout through GNU grep and
# coreutils head, tail and wc (src/script/filters). Only stdout is piped: kubectl's stderr
# ("No resources found …") reaches the terminal unfiltered, as in bash.

kubectl get pods | grep web
kubectl get pods --no-headers | wc -l
kubectl apply -f web.yaml | grep -c created
sim wait
kubectl get pods | grep web
kubectl get pods | grep -v Running
kubectl get pods --no-headers | wc -l
kubectl get events | tail -5
kubectl get events | head -n 3
kubectl describe pod web-0 | head -20
kubectl describe pod web-0 | grep -i -E '^(status|ip):'
kubectl describe pod web-0 | grep -n '^Conditions' | head -1
kubectl logs web-0 | grep -i error
kubectl get pods -o wide | grep -w web-1 | wc -w
kubectl get pods web-0 -o yaml | grep -F 'image:' | tail -n +2
for i in 0 1; do kubectl get po web-$i --no-headers | grep Running | wc -l; done
echo "a b c" | wc

# GNU's own errors: the command still runs, the filter fails.
kubectl get pods | grep '[web'
kubectl get pods | head -n x
