//! `resource.Quantity` canonical strings (`k8s.io/apimachinery/pkg/api/resource`): what
//! `Quantity.String()` prints for capacities (`1024Mi` → `1Gi`, `1000` → `1k`).

use serde_json::Value;

const BINARY: &[(&str, u32)] = &[("Ki", 1), ("Mi", 2), ("Gi", 3), ("Ti", 4), ("Pi", 5), ("Ei", 6)];
const DECIMAL: &[(&str, i32)] = &[("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];

/// The canonical form of a quantity given as a JSON string or number; the input unchanged when
/// it does not parse.
pub fn canonical(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return String::new(),
    };
    canonical_str(&s).unwrap_or(s)
}

/// Canonicalizes a quantity string.
pub fn canonical_str(s: &str) -> Option<String> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+')).unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let value: f64 = num.parse().ok()?;
    if let Some((_, p)) = BINARY.iter().find(|(n, _)| *n == suffix) {
        let bytes = value * 1024f64.powi(*p as i32);
        if bytes.fract() != 0.0 || bytes < 0.0 {
            return Some(s.to_string());
        }
        let mut b = bytes as u128;
        if b == 0 {
            return Some("0".into());
        }
        let mut unit = 0;
        while unit < 6 && b % 1024 == 0 {
            b /= 1024;
            unit += 1;
        }
        // Below 1Ki, Go keeps the binary format but prints a plain number.
        let suffix = if unit == 0 { "" } else { BINARY[unit - 1].0 };
        return Some(format!("{b}{suffix}"));
    }
    let (_, exp) = DECIMAL.iter().find(|(n, _)| *n == suffix)?;
    if suffix.is_empty() && (s.contains('e') || s.contains('E')) {
        return Some(s.to_string());
    }
    // Work in integer nano-units to stay exact for the usual inputs.
    let scaled = value * 10f64.powi(exp + 9);
    if scaled.fract() != 0.0 {
        return Some(s.to_string());
    }
    let mut n = scaled as i128;
    if n == 0 {
        return Some("0".into());
    }
    let mut e = -9;
    while e < 18 && n % 1000 == 0 {
        n /= 1000;
        e += 3;
    }
    let suffix = DECIMAL.iter().find(|(_, x)| *x == e).map(|(n, _)| *n).unwrap_or("");
    Some(format!("{n}{suffix}"))
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
    }
}
