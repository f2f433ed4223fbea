//! `resource.Quantity` canonical strings (`k8s.io/apimachinery/pkg/api/resource`): what
//! `Quantity.String()` prints for capacities (`1024Mi` → `1Gi`, `1000` → `1k`). The engine's
//! [`crate::engine::api::quantity`] holds the rules; this is the printers' view of them.

use crate::engine::api::quantity::{canonical_quantity, canonical_quantity_str};
use serde_json::Value;

/// The canonical form of a quantity given as a JSON string or number; the input unchanged when
/// it does not parse.
pub fn canonical(v: &Value) -> String {
    canonical_quantity(v).unwrap_or_else(|| match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

/// Canonicalizes a quantity string; None when it does not parse.
pub fn canonical_str(s: &str) -> Option<String> {
    canonical_quantity_str(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_str("1Gi").as_deref(), Some("1Gi"));
        assert_eq!(canonical_str("1024Mi").as_deref(), Some("1Gi"));
        assert_eq!(canonical_str("1536Mi").as_deref(), Some("1536Mi"));
        assert_eq!(canonical_str("1000").as_deref(), Some("1k"));
        assert_eq!(canonical_str("500M").as_deref(), Some("500M"));
        assert_eq!(canonical_str("0.5Gi").as_deref(), Some("512Mi"));
        assert_eq!(canonical_str("100m").as_deref(), Some("100m"));
        assert_eq!(canonical(&serde_json::json!(2)), "2");
        assert_eq!(canonical(&serde_json::json!("junk")), "junk");
    }
}
