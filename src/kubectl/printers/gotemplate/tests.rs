//! Tests of the template engine against what Go's text/template prints for the same template
//! and decoded JSON (expected texts follow exec.go, funcs.go and parse.go).

use super::*;
use serde_json::json;

fn run(t: &str, v: &Value) -> String {
    parse(t).unwrap().execute(v, true).unwrap()
}

fn exec_err(t: &str, v: &Value, allow_missing: bool) -> String {
    parse(t).unwrap().execute(v, allow_missing).unwrap_err().message
}

fn pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-0", "labels": {"app": "nginx", "apps.kubernetes.io/pod-index": "0"}, "generation": 1},
        "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}, {"name": "side", "image": "busybox"}]},
        "status": {"podIP": "10.244.1.5", "phase": "Running", "ratio": 0.5, "big": 1000000, "nothing": null}
    })
}

#[test]
fn tutorial_commands() {
    let p = pod();
    assert_eq!(run("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}", &p), "registry.k8s.io/nginx-slim:0.24busybox");
    assert_eq!(run("{{.status.podIP}}", &p), "10.244.1.5");
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [pod(), {"metadata": {"name": "web-1"}}]});
    assert_eq!(run("{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}", &list), "web-0\nweb-1\n");
}

#[test]
fn values_print_as_go_prints_decoded_json() {
    let p = pod();
    assert_eq!(run("{{.metadata.generation}} {{.status.ratio}} {{.status.big}}", &p), "1 0.5 1000000");
    assert_eq!(run("{{.metadata.labels}}", &p), "map[app:nginx apps.kubernetes.io/pod-index:0]");
    assert_eq!(run("{{.spec.containers}}", &p), "[map[image:registry.k8s.io/nginx-slim:0.24 name:nginx] map[image:busybox name:side]]");
    assert_eq!(run("{{.missing}}|{{.status.nothing}}|{{.missing.deeper}}", &p), "<no value>|<no value>|<no value>");
    assert_eq!(run("{{true}} {{1.5}} {{3}} {{'a'}} {{\"s\"}} {{`raw`}}", &p), "true 1.5 3 97 s raw");
    assert_eq!(run("{{index .metadata.labels \"app\"}} {{index .spec.containers 1 \"name\"}}", &p), "nginx side");
    assert_eq!(run("{{index .metadata.labels \"none\"}}", &p), "<no value>");
}

#[test]
fn control_structures_and_variables() {
    let p = pod();
    assert_eq!(run("{{if eq .status.phase \"Running\"}}up{{else}}down{{end}}", &p), "up");
    assert_eq!(run("{{if .missing}}a{{else if .status.podIP}}b{{else}}c{{end}}", &p), "b");
    assert_eq!(run("{{with .metadata}}{{.name}}{{end}}{{with .missing}}x{{else}}none{{end}}", &p), "web-0none");
    assert_eq!(run("{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}", &p), "app=nginx;apps.kubernetes.io/pod-index=0;");
    assert_eq!(run("{{range .missing}}x{{else}}empty{{end}}", &p), "empty");
    assert_eq!(run("{{$n := .metadata.name}}{{range .spec.containers}}{{$n}}/{{.name}} {{end}}", &p), "web-0/nginx web-0/side ");
    assert_eq!(run("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", &p), "2");
    assert_eq!(run("{{range .spec.containers}}{{if eq .name \"nginx\"}}{{continue}}{{end}}{{.name}}{{break}}{{end}}", &p), "side");
    assert_eq!(run("{{range 3}}{{.}}{{end}}", &p), "012");
    assert_eq!(run("{{range $i, $c := .spec.containers}}{{$i}}{{end}}", &p), "01");
    assert_eq!(run("{{$.kind}}{{range .spec.containers}}{{$.metadata.name}}{{end}}", &p), "Podweb-0web-0");
    assert_eq!(run("{{define \"n\"}}<{{.}}>{{end}}{{template \"n\" .metadata.name}}{{block \"b\" .kind}}[{{.}}]{{end}}", &p), "<web-0>[Pod]");
    assert_eq!(run("a {{- /* c */ -}} b\n{{- \" c\" }}", &p), "ab c");
}

#[test]
fn functions() {
    let p = pod();
    assert_eq!(run("{{len .spec.containers}} {{len .metadata.name}} {{len .metadata.labels}}", &p), "2 5 2");
    assert_eq!(run("{{printf \"%s-%d-%v\" .metadata.name .metadata.generation .status.ratio}}", &p), "web-0-1-0.5");
    assert_eq!(run("{{printf \"%-8s|\" .kind}}{{print 1 2 \"a\"}}{{println \"x\" 3}}", &p), "Pod     |1 2ax 3\n");
    assert_eq!(run("{{.metadata.name | printf \"%q\"}}", &p), "\"web-0\"");
    assert_eq!(run("{{and 1 0 2}} {{or 0 \"\" \"x\"}} {{not .missing}} {{and .status.podIP .kind}}", &p), "0 x true Pod");
    assert_eq!(run("{{lt 1 2}} {{ge .metadata.generation 1}} {{ne .kind \"Pod\"}} {{eq .kind \"Svc\" \"Pod\"}} {{gt \"b\" \"a\"}}", &p), "true true false true true");
    assert_eq!(run("{{eq .missing \"x\"}} {{eq .metadata.generation 1}}", &p), "false true");
    assert_eq!(run("{{slice .spec.containers 1}} {{slice .kind 1 2}} {{index .kind 0}}", &p), "[map[image:busybox name:side]] o 80");
    assert_eq!(run("{{html \"<b>\"}} {{js \"a'b\"}} {{urlquery \"a b\"}} {{html .missing}}", &p), "&lt;b&gt; a\\'b a+b &lt;no value&gt;");
    assert_eq!(run("{{exists . \"metadata\" \"name\"}} {{exists . \"metadata\" \"nope\"}} {{exists .spec.containers 5}}", &p), "true false false");
    let secret = json!({"data": {"username": "aHVudGVy"}, "count": 1});
    assert_eq!(run("{{ .data.username | base64decode }}", &secret), "hunter");
    // template_test.go: "template 'eq' should not throw error for numbers".
    assert_eq!(run("{{ eq .count 1}}", &secret), "true");
}

#[test]
fn execution_errors_name_the_node() {
    // A field chain's node sits at its second field (parse.go operand: newChain at peek().pos).
    let p = pod();
    assert_eq!(
        exec_err("{{.status.nope}}", &p, false),
        "template: output:1:9: executing \"output\" at <.status.nope>: map has no entry for key \"nope\""
    );
    assert_eq!(
        exec_err("x\n {{.a.b}}", &p, false),
        "template: output:2:5: executing \"output\" at <.a.b>: map has no entry for key \"a\""
    );
    assert_eq!(
        exec_err("{{.metadata.name.first}}", &p, true),
        "template: output:1:11: executing \"output\" at <.metadata.name.first>: can't evaluate field first in type interface {}"
    );
    assert_eq!(
        exec_err("{{with .kind}}{{.x}}{{end}}", &p, true),
        "template: output:1:16: executing \"output\" at <.x>: can't evaluate field x in type string"
    );
    assert_eq!(
        exec_err("{{index .spec.containers 5}}", &p, true),
        "template: output:1:2: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5"
    );
    assert_eq!(
        exec_err("{{.kind | base64decode}}", &p, true),
        "template: output:1:10: executing \"output\" at <base64decode>: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0"
    );
    assert_eq!(
        exec_err("{{.metadata.generation | base64decode}}", &p, true),
        "template: output:1:25: executing \"output\" at <base64decode>: wrong type for value; expected string; got int64"
    );
    assert_eq!(
        exec_err("{{eq .kind 1}}", &p, true),
        "template: output:1:2: executing \"output\" at <eq .kind 1>: error calling eq: incompatible types for comparison: string and int"
    );
    assert_eq!(
        exec_err("{{range .kind}}{{end}}", &p, true),
        "template: output:1:8: executing \"output\" at <.kind>: range can't iterate over Pod"
    );
    assert_eq!(
        exec_err("{{template \"x\"}}", &p, true),
        "template: output:1:11: executing \"output\" at <{{template \"x\"}}>: template \"x\" not defined"
    );
    assert_eq!(
        exec_err("{{.kind 1}}", &p, true),
        "template: output:1:2: executing \"output\" at <.kind>: kind is not a method but has arguments"
    );
    assert_eq!(
        exec_err("{{len 3}}", &p, true),
        "template: output:1:2: executing \"output\" at <len 3>: error calling len: len of type int"
    );
    assert_eq!(
        exec_err("{{call .kind}}", &p, true),
        "template: output:1:2: executing \"output\" at <call .kind>: error calling call: non-function .kind of type string"
    );
    let e = parse("ab{{.metadata.name}}{{.x.y}}").unwrap().execute(&p, false).unwrap_err();
    assert_eq!(e.partial, "abweb-0");
}

#[test]
fn parse_errors() {
    let err = |t: &str| parse(t).unwrap_err();
    assert_eq!(err("{{.status.podIP"), "template: output:1: unclosed action");
    assert_eq!(err("{{range .items}}{{.metadata.name}}"), "template: output:1: unexpected EOF");
    assert_eq!(err("{{end}}"), "template: output:1: unexpected {{end}}");
    assert_eq!(err("{{else}}"), "template: output:1: unexpected {{else}}");
    assert_eq!(err("{{nosuch .x}}"), "template: output:1: function \"nosuch\" not defined");
    assert_eq!(err("{{$x}}"), "template: output:1: undefined variable \"$x\"");
    assert_eq!(err("{{}}"), "template: output:1: missing value for command");
    assert_eq!(err("{{if}}{{end}}"), "template: output:1: missing value for if");
    assert_eq!(err("{{.a | \"x\"}}"), "template: output:1: non executable command in pipeline stage 2");
    assert_eq!(err("{{\"x\".a}}"), "template: output:1: unexpected . after term \"\\\"x\\\"\"");
    assert_eq!(err("{{break}}"), "template: output:1: {{break}} outside {{range}}");
    assert_eq!(err("{{range $a, $b, $c := .}}{{end}}"), "template: output:1: too many declarations in range");
    assert_eq!(err("{{with $a, $b := .}}{{end}}"), "template: output:1: too many declarations in with");
    assert_eq!(err("{{.a}}\n{{.b"), "template: output:2: unclosed action");
    assert_eq!(err("{{.a\n.b"), "template: output:2: unclosed action started at output:1");
    assert_eq!(err("{{if .a}}{{else}}{{else}}{{end}}"), "template: output:1: expected end; found {{else}}");
    // The lexer emits the ")" before its error, so the parser complains first.
    assert_eq!(err("{{.a)}}"), "template: output:1: unexpected \")\" in command");
    assert_eq!(err("{{.a,}}"), "template: output:1: unexpected \",\" in operand");
    assert_eq!(err("{{99999999999999999999}}"), "template: output:1: integer overflow: \"99999999999999999999\"");
    assert_eq!(err("{{\"\\q\"}}"), "template: output:1: invalid syntax");
    assert_eq!(err("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}"), "template: output:1: template: multiple definition of template \"a\"");
}

#[test]
fn deep_template_recursion_stops_with_go_error() {
    // Optimized, the whole chain fits in 1 MB (a wasm page's whole stack); unoptimized frames
    // are ~1.7 KB a level.
    let e = std::thread::Builder::new()
        .stack_size(if cfg!(debug_assertions) { 2 << 20 } else { 1 << 20 })
        .spawn(|| exec_err("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", &json!({}), true))
        .unwrap()
        .join()
        .unwrap();
    assert!(e.ends_with("exceeded maximum template depth (1000)"), "{e}");
}
