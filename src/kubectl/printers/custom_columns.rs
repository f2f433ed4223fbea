//! `-o custom-columns=HEADER:path,…` (`k8s.io/cli-runtime/pkg/printers/customcolumn.go`):
//! headers as written, values from relaxed JSONPath expressions, `<none>` when a path finds
//! nothing, aligned by the table writer.

use super::jsonpath::eval_relaxed;
use super::tabwriter::TabWriter;
use serde_json::Value;

/// One column: header and path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomColumn {
    /// Header text.
    pub header: String,
    /// JSONPath (relaxed: `.a.b` or `{.a.b}`).
    pub path: String,
}

/// `NewCustomColumnsPrinterFromSpec`: parses `HEADER:path,…`.
pub fn parse_spec(spec: &str) -> Result<Vec<CustomColumn>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    let mut cols = Vec::new();
    for part in spec.split(',') {
        let Some((h, p)) = part.split_once(':') else {
            return Err(format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
        };
        cols.push(CustomColumn { header: h.to_string(), path: p.to_string() });
    }
    Ok(cols)
}

fn cell(results: &[Value]) -> String {
    if results.is_empty() {
        return "<none>".into();
    }
    results
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            Value::Null => "<nil>".into(),
            Value::Object(_) | Value::Array(_) => go_fmt(v),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Go's `%v` of a decoded JSON value (`map[k:v]`, `[a b]`).
fn go_fmt(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let inner: Vec<String> = m.iter().map(|(k, x)| format!("{k}:{}", go_fmt(x))).collect();
            format!("map[{}]", inner.join(" "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// Prints objects (already as JSON) under the columns.
pub fn print(cols: &[CustomColumn], objs: &[Value], no_headers: bool) -> Result<String, String> {
    let mut w = super::tabwriter::new_table_writer();
    print_into(&mut w, cols, objs, no_headers)?;
    Ok(w.flush())
}

/// Writes rows into a table writer.
pub fn print_into(w: &mut TabWriter, cols: &[CustomColumn], objs: &[Value], no_headers: bool) -> Result<(), String> {
    if !no_headers {
        w.write(&cols.iter().map(|c| c.header.clone()).collect::<Vec<_>>().join("\t"));
        w.write("\n");
    }
    for o in objs {
        let mut cells = Vec::new();
        for c in cols {
            cells.push(cell(&eval_relaxed(&c.path, o)?));
        }
        w.write(&cells.join("\t"));
        w.write("\n");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_columns() {
        let cols = parse_spec("NAME:.metadata.name,NODE:.spec.nodeName").unwrap();
        let objs = vec![json!({"metadata": {"name": "web-0"}, "spec": {"nodeName": "node-1"}}), json!({"metadata": {"name": "web-1"}})];
        // CustomColumnsPrinter.
        assert_eq!(print(&cols, &objs, false).unwrap(), "NAME    NODE\nweb-0   node-1\nweb-1   <none>\n");
        assert!(parse_spec("NAME").unwrap_err().starts_with("unexpected custom-columns spec: NAME"));
    }
}
