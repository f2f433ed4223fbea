# kubectl exec through the playground's tiny in-container shell: files written under a volume
# mount land on the PersistentVolume and survive pod re-creation; cluster DNS answers nslookup
# (busybox format) and curl reaches a pod's nginx by its stable network identity.
# Output shapes: exec.go (remote stdout/stderr, "command terminated with exit code N"),
# delete.go "deleted from <ns> namespace", printPod (printers.go); printEndpoints /
# printEndpointSlice (printers.go) with the server's Endpoints deprecation warning, and
# describeService's Endpoints line from the EndpointSlices (describe.go).

kubectl apply -f web.yaml
sim wait
kubectl get pods -l app=nginx

# The Service's endpoints: the EndpointSlice controller's slice (ready pods, hostnames), the
# deprecated v1 Endpoints, and the API server's own endpoints for the kubernetes Service.
kubectl get endpointslices
kubectl get endpoints
kubectl describe svc nginx

# Each pod's hostname is its ordinal name; -f adds the headless Service's subdomain.
kubectl exec web-0 -- hostname
kubectl exec web-0 -- hostname -f

# Write the web root (the www volume) of web-0, then delete the pod.
kubectl exec web-0 -- sh -c 'echo "hello from $(hostname)" > /usr/share/nginx/html/index.html'
kubectl exec web-0 -- sh -c 'echo scratch > /tmp/scratch.txt && ls /tmp'
kubectl exec web-0 -- ls -l /usr/share/nginx/html
kubectl delete pod web-0
sim wait
kubectl get pods -l app=nginx

# The new web-0 mounts the same claim: the file is still there; the container layer is new.
kubectl exec web-0 -- cat /usr/share/nginx/html/index.html
kubectl exec web-0 -- cat /tmp/scratch.txt

# Cluster DNS: the headless Service lists every ready pod; each pod has its own name.
kubectl exec web-1 -- nslookup nginx
kubectl exec web-1 -- nslookup web-0.nginx
kubectl exec web-1 -- nslookup web-9.nginx

# dig (BIND 9.18 layout): names are absolute unless +search; SRV lists each pod by name.
kubectl exec web-1 -- dig +short nginx.default.svc.cluster.local
kubectl exec web-1 -- dig web-0.nginx +search
kubectl exec web-1 -- dig SRV _web._tcp.nginx.default.svc.cluster.local
kubectl exec web-1 -- dig web-0.nginx

# web-1 fetches web-0's page by its stable DNS name.
kubectl exec web-1 -- curl -s http://web-0.nginx/
kubectl exec web-1 -- curl http://web-9.nginx/

# A program the image does not have.
kubectl exec web-0 -- mysql

# Logs: nginx's start-up lines; after a crash, --previous shows the run that ended.
kubectl logs web-1 --tail=3
sim fault crash web-1
sim advance 15s
kubectl get pod web-1
kubectl logs web-1 --previous --tail=2
kubectl exec web-1 -- hostname

# A throwaway pod resolves a pod by its stable name, then is deleted. BusyBox 1.29+ nslookup
# applies the search list only to a name without a dot (networking/nslookup.c), so the short
# name is asked as is and fails; the full name resolves (the AAAA reply adds an empty line).
kubectl run dns-test --image=busybox:1.36 --rm -i --restart=Never -- nslookup web-0.nginx
kubectl run dns-test2 --image=busybox:1.36 --rm -i --restart=Never -- nslookup web-0.nginx.default.svc.cluster.local
kubectl get pods
