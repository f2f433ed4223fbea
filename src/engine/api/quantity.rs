//! `resource.Quantity` (k8s.io/apimachinery/pkg/api/resource/quantity.go): the canonical string
//! `Quantity.String()` prints, which is also what the API server stores for every quantity it
//! decodes (`1000m` → `1`, `1024Mi` → `1Gi`, `0.5` → `500m`, `1.5Gi` → `1536Mi`).

use serde_json::Value;

const BINARY: &[&str] = &["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const DECIMAL: &[(&str, i32)] = &[("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18)];
const NANO: i128 = 1_000_000_000;

/// The three suffix families a parsed quantity remembers (`Quantity.Format`).
#[derive(Clone, Copy, PartialEq)]
enum Format {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// `ParseQuantity`'s value, rounded up to a whole nano (as the parser does), as nano-units and
/// the format the suffix implies. None for what does not parse or leaves i128.
fn parse(s: &str) -> Option<(bool, i128, Format)> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let split = body.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(body.len());
    let (number, suffix) = body.split_at(split);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if (int.is_empty() && frac.is_empty()) || frac.contains('.') {
        return None;
    }
    // value = digits × 10^exp10 × 2^exp2
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 30 {
        return None;
    }
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    let mut exp10 = -(frac.len() as i32);
    let mut exp2 = 0u32;
    let format = if let Some(i) = BINARY.iter().position(|b| *b == suffix) {
        exp2 = 10 * (i as u32 + 1);
        Format::BinarySI
    } else if let Some((_, e)) = DECIMAL.iter().find(|(n, _)| *n == suffix) {
        exp10 += e;
        Format::DecimalSI
    } else if let Some(e) = suffix.strip_prefix(['e', 'E']) {
        exp10 += e.parse::<i32>().ok()?;
        Format::DecimalExponent
    } else {
        return None;
    };
    // nano-units = ceil(mantissa × 2^exp2 × 10^(exp10 + 9))
    let mut n = mantissa.checked_mul(1i128.checked_shl(exp2)?)?;
    let shift = exp10 + 9;
    if shift >= 0 {
        n = n.checked_mul(10i128.checked_pow(shift as u32)?)?;
    } else {
        let div = 10i128.checked_pow(shift.unsigned_abs()).unwrap_or(i128::MAX);
        // Round up to a whole nano (`amount.Round(amount, Nano.infScale(), inf.RoundUp)`).
        n = n / div + i128::from(n % div != 0);
    }
    Some((negative, n, format))
}

/// `Quantity.String()` of a quantity string; None when it does not parse.
pub fn canonical_quantity_str(s: &str) -> Option<String> {
    let (negative, nano, mut format) = parse(s)?;
    if nano == 0 {
        return Some("0".into());
    }
    let sign = if negative { "-" } else { "" };
    // CanonicalizeBytes: BinarySI below 1024 or with a fraction is shown as DecimalSI.
    if format == Format::BinarySI {
        if nano < 1024 * NANO || nano % NANO != 0 {
            format = Format::DecimalSI;
        } else {
            let mut v = nano / NANO;
            let mut unit = 0;
            while unit < BINARY.len() && v % 1024 == 0 {
                v /= 1024;
                unit += 1;
            }
            let suffix = if unit == 0 { "" } else { BINARY[unit - 1] };
            return Some(format!("{sign}{}{suffix}", decimal(v)));
        }
    }
    // AsCanonicalBytes: all factors of ten into the exponent, then down to a multiple of three.
    let (mut n, mut e) = (nano, -9i32);
    while n % 10 == 0 {
        n /= 10;
        e += 1;
    }
    while e.rem_euclid(3) != 0 || (format == Format::DecimalSI && e > 18) {
        n = n.checked_mul(10)?;
        e -= 1;
    }
    let suffix = match format {
        Format::DecimalExponent if e == 0 => String::new(),
        Format::DecimalExponent => format!("e{e}"),
        _ => DECIMAL.iter().find(|(_, x)| *x == e).map(|(s, _)| s.to_string())?,
    };
    Some(format!("{sign}{}{suffix}", decimal(n)))
}

/// The decimal digits of a non-negative number (what `{}` prints, without compiling i128's
/// `Display`, which nothing else on the page needs).
fn decimal(mut n: i128) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from(b'0' + (n % 10) as u8));
        n /= 10;
        if n <= 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// `Quantity.String()` of a JSON quantity (a string or a number, as `UnmarshalJSON` accepts).
pub fn canonical_quantity(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => canonical_quantity_str(s),
        Value::Number(n) => canonical_quantity_str(&n.to_string()),
        _ => None,
    }
}

/// `Quantity.Cmp` of two optional JSON quantities: a missing key reads as the zero `Quantity`,
/// as Go's lookup in a `ResourceList` does (a value that does not parse counts as zero too; the
/// API server never stores one).
pub fn cmp_quantities(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    let nanos = |v: Option<&Value>| -> i128 {
        let parsed = match v {
            Some(Value::String(s)) => parse(s),
            Some(Value::Number(n)) => parse(&n.to_string()),
            _ => None,
        };
        parsed.map_or(0, |(negative, n, _)| if negative { -n } else { n })
    };
    nanos(a).cmp(&nanos(b))
}

/// Rewrites a JSON quantity to its canonical string; a value that does not parse is left alone.
pub fn canonicalize(q: &mut Value) {
    if let Some(s) = canonical_quantity(q) {
        *q = Value::String(s);
    }
}

/// Rewrites every quantity of a `ResourceList` JSON object to its canonical string, as the API
/// server's decode/encode round trip does; values that do not parse are left alone.
pub fn canonicalize_resource_list(v: &mut Value) {
    if let Value::Object(m) = v {
        m.values_mut().for_each(canonicalize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonical_quantity_str(s).unwrap_or_else(|| format!("<{s}>"))
    }

    #[test]
    fn compares_like_quantity_cmp() {
        use std::cmp::Ordering::*;
        let q = |s: &str| Value::String(s.into());
        assert_eq!(cmp_quantities(Some(&q("1Gi")), Some(&q("1024Mi"))), Equal);
        assert_eq!(cmp_quantities(Some(&q("2Gi")), Some(&q("1Gi"))), Greater);
        assert_eq!(cmp_quantities(Some(&q("100Mi")), Some(&q("1G"))), Less);
        // 1G is 10^9 bytes, less than 1Gi.
        assert_eq!(cmp_quantities(Some(&q("1G")), Some(&q("1Gi"))), Less);
        assert_eq!(cmp_quantities(None, Some(&q("1"))), Less);
        assert_eq!(cmp_quantities(Some(&Value::from(2048)), Some(&q("2Ki"))), Equal);
    }

    #[test]
    fn decimal_digits_are_displays() {
        for n in [0, 1, 9, 10, 1024, 999_999_999_999_999_999, i64::MAX as i128 + 1, i128::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn decimal_si_forms() {
        assert_eq!(c("1000m"), "1");
        assert_eq!(c("0.5"), "500m");
        assert_eq!(c("1.5"), "1500m");
        assert_eq!(c("1500m"), "1500m");
        assert_eq!(c("100m"), "100m");
        assert_eq!(c("1000"), "1k");
        assert_eq!(c("1200"), "1200");
        assert_eq!(c("500M"), "500M");
        // The parser rounds up to a whole nano (the type's "0.1m → 1m" comment is older).
        assert_eq!(c("0.1m"), "100u");
        assert_eq!(c("0.0000000001m"), "1n");
        assert_eq!(c("0.0000000001"), "1n");
        assert_eq!(c("-1000m"), "-1");
        assert_eq!(c("+2"), "2");
        assert_eq!(c("0"), "0");
        assert_eq!(c("0Gi"), "0");
        assert_eq!(c("1.1"), "1100m");
    }

    #[test]
    fn binary_si_forms() {
        assert_eq!(c("1Gi"), "1Gi");
        assert_eq!(c("1024Mi"), "1Gi");
        assert_eq!(c("2048Mi"), "2Gi");
        assert_eq!(c("1536Mi"), "1536Mi");
        assert_eq!(c("1.5Gi"), "1536Mi");
        assert_eq!(c("0.5Gi"), "512Mi");
        // Below 1Ki, or fractional: shown as DecimalSI.
        assert_eq!(c("0.5Ki"), "512");
        assert_eq!(c("0.1Ki"), "102400m");
        assert_eq!(c("1.1Ki"), "1126400m");
    }

    #[test]
    fn exponent_forms() {
        assert_eq!(c("1e3"), "1e3");
        assert_eq!(c("1E3"), "1e3");
        assert_eq!(c("1.5e3"), "1500");
        assert_eq!(c("12e6"), "12e6");
    }

    #[test]
    fn json_values() {
        assert_eq!(canonical_quantity(&serde_json::json!(2)), Some("2".into()));
        assert_eq!(canonical_quantity(&serde_json::json!(0.5)), Some("500m".into()));
        assert_eq!(canonical_quantity(&serde_json::json!("x")), None);
        let mut l = serde_json::json!({"cpu": "1000m", "memory": "1024Mi", "bad": "1kk"});
        canonicalize_resource_list(&mut l);
        assert_eq!(l, serde_json::json!({"cpu": "1", "memory": "1Gi", "bad": "1kk"}));
    }
}
