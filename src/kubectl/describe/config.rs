//! `kubectl describe configmap|secret|serviceaccount` (`ConfigMapDescriber.Describe`,
//! `describeSecret`, `describeServiceAccount` in `kubectl/pkg/describe/describe.go`).

use super::fields::*;
use super::*;
use crate::engine::api::GenericObject;
use crate::engine::sim::Cluster;

fn header(w: &mut PrefixWriter, g: &GenericObject) {
    w.write(LEVEL_0, &format!("Name:\t{}\n", g.metadata.name));
    w.write(LEVEL_0, &format!("Namespace:\t{}\n", g.metadata.namespace));
    print_labels_multiline(w, "Labels", &g.metadata.labels);
    print_annotations_multiline(w, "Annotations", &g.metadata.annotations);
}

fn events(c: &Cluster, w: &mut PrefixWriter, g: &GenericObject) {
    let events = crate::engine::events::events_for(c, &g.metadata.namespace, &g.metadata.uid);
    describe_events(w, &events, c.now);
}

/// `ConfigMapDescriber.Describe`: each `data` key (sorted) over a `----` rule with its value and a
/// blank line, then the `binaryData` sizes, a blank line and the events.
pub fn describe_config_map(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    header(&mut w, g);
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, val) in string_map_at(&v, "/data") {
        w.write(LEVEL_0, &format!("{k}:\n----\n"));
        w.write(LEVEL_0, &format!("{val}\n"));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (k, val) in string_map_at(&v, "/binaryData") {
        w.write(LEVEL_0, &format!("{k}: {} bytes\n", base64_len(&val)));
    }
    w.write(LEVEL_0, "\n");
    events(c, &mut w, g);
    w.finish()
}

/// `describeSecret`: the type, then each key (sorted) with its size in bytes, never the value
/// (only a service-account token secret shows its `token`). No events section.
///
/// The API server merges `stringData` into `data` and defaults `type` to `Opaque`; a stored object
/// may still carry them unmerged, so both are applied here as a client would see them.
pub fn describe_secret(g: &GenericObject) -> String {
    let v = rest(g);
    let type_ = opt_str_at(&v, "/type").filter(|t| !t.is_empty()).unwrap_or("Opaque");
    // A sorted Vec: a secret has few keys, and a B-tree for String -> usize was ~2 KB of wasm.
    let mut sizes: crate::util::vecset::VecMap<String, usize> =
        string_map_at(&v, "/data").into_iter().map(|(k, val)| (k, base64_len(&val))).collect();
    for (k, val) in string_map_at(&v, "/stringData") {
        sizes.insert(k, val.len());
    }
    let mut w = PrefixWriter::new();
    header(&mut w, g);
    w.write(LEVEL_0, &format!("\nType:\t{type_}\n"));
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, n) in sizes {
        if k == "token" && type_ == "kubernetes.io/service-account-token" {
            let token = string_map_at(&v, "/stringData")
                .remove("token")
                .or_else(|| string_map_at(&v, "/data").remove("token").and_then(|b| decode_base64(&b)))
                .unwrap_or_default();
            w.write(LEVEL_0, &format!("{k}:\t{token}\n"));
        } else {
            w.write(LEVEL_0, &format!("{k}:\t{n} bytes\n"));
        }
    }
    w.finish()
}

/// Standard base64 to text (lossy): the one value describe prints (a service-account token),
/// and Secret files `kubectl exec … cat` reads from a mounted volume.
pub(crate) fn decode_base64(s: &str) -> Option<String> {
    Some(String::from_utf8_lossy(&crate::util::base64::decode(s, false, true)?).into_owned())
}

/// `describeServiceAccount` (kubectl ≥ 1.35: only image pull secrets; mountable secrets and
/// tokens were dropped), then the events.
pub fn describe_service_account(c: &Cluster, g: &GenericObject) -> String {
    let v = rest(g);
    let mut w = PrefixWriter::new();
    header(&mut w, g);
    let names: Vec<&str> = list_at(&v, "/imagePullSecrets").iter().map(|s| str_at(s, "/name")).collect();
    let (pull_header, empty_header) = ("Image pull secrets:", "                   ");
    if names.is_empty() {
        w.write(LEVEL_0, &format!("{pull_header}\t<none>\n"));
    } else {
        let mut prefix = pull_header;
        for name in names {
            w.write(LEVEL_0, &format!("{prefix}\t{name}\n"));
            prefix = empty_header;
        }
    }
    events(c, &mut w, g);
    w.finish()
}

#[cfg(test)]
mod tests {
    use crate::kubectl::testutil::*;

    #[test]
    fn describe_config_map_like_upstream() {
        let mut c = cluster();
        apply(
            &mut c,
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: game-demo
  labels:
    app: game
data:
  player_initial_lives: \"3\"
  game.properties: |
    enemy.types=aliens,monsters
    player.maximum-lives=5
binaryData:
  logo.png: iVBORw0KGgo=
",
        );
        let o = kubectl(&mut c, "describe configmap game-demo");
        // ConfigMapDescriber.Describe: the `----` rule under each key, a blank line after each
        // value (two when the value ends in a newline), BinaryData sizes, Events after a blank line.
        let want = "Name:         game-demo
Namespace:    default
Labels:       app=game
Annotations:  <none>

Data
====
game.properties:
----
enemy.types=aliens,monsters
player.maximum-lives=5


player_initial_lives:
----
3


BinaryData
====
logo.png: 8 bytes

Events:  <none>
";
        assert_eq!(o.stdout, want);
        assert_eq!(o.stderr, "");
    }

    #[test]
    fn describe_empty_config_map() {
        let mut c = cluster();
        apply(&mut c, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: empty\n");
        let o = kubectl(&mut c, "describe cm empty");
        let want = "Name:         empty
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====

BinaryData
====

Events:  <none>
";
        assert_eq!(o.stdout, want);
    }

    #[test]
    fn describe_secret_shows_sizes_not_values() {
        let mut c = cluster();
        apply(
            &mut c,
            "apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  annotations:
    owner: team-db
type: Opaque
data:
  username: YWRtaW4=
  password: MWYyZDFlMmU2N2Rm
",
        );
        let o = kubectl(&mut c, "describe secret db-credentials");
        // describeSecret: keys sorted, `N bytes`, no events.
        let want = "Name:         db-credentials
Namespace:    default
Labels:       <none>
Annotations:  owner: team-db

Type:  Opaque

Data
====
password:  12 bytes
username:  5 bytes
";
        assert_eq!(o.stdout, want);
        assert!(!o.stdout.contains("admin"));
    }

    #[test]
    fn describe_secret_string_data_and_default_type() {
        let mut c = cluster();
        apply(
            &mut c,
            "apiVersion: v1
kind: Secret
metadata:
  name: basic
stringData:
  token: s3cr3t-value
",
        );
        let o = kubectl(&mut c, "describe secret basic");
        let want = "Name:         basic
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
token:  12 bytes
";
        assert_eq!(o.stdout, want);
    }

    #[test]
    fn describe_service_account_like_upstream() {
        let mut c = cluster();
        apply(
            &mut c,
            "apiVersion: v1
kind: ServiceAccount
metadata:
  name: build-robot
imagePullSecrets:
- name: registry-a
- name: registry-b
",
        );
        apply(&mut c, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: plain\n");
        let o = kubectl(&mut c, "describe sa build-robot");
        // describeServiceAccount: later pull secrets under a blank header of the same width.
        let want = "Name:                build-robot
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  registry-a
                     registry-b
Events:              <none>
";
        assert_eq!(o.stdout, want);
        let o = kubectl(&mut c, "describe serviceaccount plain");
        let want = "Name:                plain
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  <none>
Events:              <none>
";
        assert_eq!(o.stdout, want);
    }
}
