//! `meta/v1` types shared by every object: ObjectMeta, OwnerReference, LabelSelector and Time
//! (k8s.io/apimachinery/pkg/apis/meta/v1).

use serde::{Deserialize, Serialize};
use super::shared::Shared;
use std::fmt;

/// String-keyed string map, as labels, annotations and selectors use: keys in order (as Go's
/// JSON encoding sorts them), in a sorted Vec — an object's maps hold a handful of entries, where
/// a B-tree's node took ~10× the memory and every pod and claim carries two or three such maps.
pub type StringMap = crate::util::vecset::VecMap<String, String>;

/// A point on the simulation's virtual clock, in milliseconds since the Unix epoch.
///
/// Serialized as RFC 3339 with second precision (`2025-01-01T00:00:00Z`), as `metav1.Time` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Civil date from days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Time {
    /// Builds a time from a UTC civil date and time of day.
    pub fn from_utc(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Time {
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + (hour * 3600 + min * 60 + sec) as i64;
        Time(secs.max(0) as u64 * 1000)
    }

    /// Whole seconds since the epoch.
    pub fn secs(self) -> u64 {
        self.0 / 1000
    }

    /// This time plus a number of milliseconds.
    pub fn plus_ms(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }

    /// This time plus a number of seconds.
    pub fn plus_secs(self, s: u64) -> Time {
        self.plus_ms(s.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn since(self, earlier: Time) -> i64 {
        self.0 as i64 - earlier.0 as i64
    }

    fn parts(self) -> (i64, u32, u32, u32, u32, u32) {
        let secs = (self.0 / 1000) as i64;
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let rem = secs.rem_euclid(86_400) as u32;
        (y, m, d, rem / 3600, rem / 60 % 60, rem % 60)
    }

    /// UTC calendar fields (the virtual cluster runs in UTC).
    pub fn civil(self) -> Civil {
        let (year, month, day, hour, min, sec) = self.parts();
        // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
        let weekday = ((self.0 / 1000 / 86_400 + 4) % 7) as usize;
        Civil { year, month, day, hour, min, sec, weekday }
    }

    /// RFC 3339 (`2006-01-02T15:04:05Z`), as the API serializes `metav1.Time`.
    pub fn rfc3339(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// RFC 1123 with numeric zone (`Mon, 02 Jan 2006 15:04:05 -0700`), as `kubectl describe`
    /// prints timestamps. The virtual cluster runs in UTC.
    pub fn rfc1123z(self) -> String {
        let c = self.civil();
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
            c.weekday_abbrev(),
            c.day,
            c.month_abbrev(),
            c.year,
            c.hour,
            c.min,
            c.sec
        )
    }

    /// Parses RFC 3339 (`2025-01-01T00:00:00Z`, optional fraction, `Z` or `+00:00`).
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b't') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        let (y, mo, d) = (num(0..4)? as i64, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut rest = &s[19..];
        let mut ms = 0u64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            let f = &frac[..digits.min(3)];
            ms = f.parse::<u64>().ok()? * 10u64.pow(3 - f.len() as u32);
            rest = &frac[digits..];
        }
        let offset: i64 = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
                let oh = rest.get(1..3)?.parse::<i64>().ok()?;
                let om = rest.get(4..6)?.parse::<i64>().ok()?;
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (oh * 3600 + om * 60)
            }
            _ => return None,
        };
        let secs = days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + se) as i64 - offset;
        (secs >= 0).then(|| Time(secs as u64 * 1000 + ms))
    }
}

/// A [`Time`]'s UTC calendar fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute.
    pub min: u32,
    /// Second.
    pub sec: u32,
    /// Day of the week, 0 = Sunday.
    pub weekday: usize,
}

/// English month abbreviations, as C's `%b` and Go's `Jan` print them.
pub const MONTH_ABBREVS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/// English weekday abbreviations from Sunday, as C's `%a` prints them.
pub const WEEKDAY_ABBREVS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

impl Civil {
    /// `%b`: the month's abbreviation.
    pub fn month_abbrev(&self) -> &'static str {
        MONTH_ABBREVS[(self.month.clamp(1, 12) - 1) as usize]
    }

    /// `%a`: the weekday's abbreviation.
    pub fn weekday_abbrev(&self) -> &'static str {
        WEEKDAY_ABBREVS[self.weekday % 7]
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"
            ))
        })
    }
}

/// `metav1.ObjectMeta`. Field order follows the Go struct so `-o json` prints like kubectl.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub self_link: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub generation: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Shared with the object's other versions until changed (most writes keep the labels).
    #[serde(default, skip_serializing_if = "is_empty_shared_map")]
    pub labels: Shared<StringMap>,
    /// Shared with the object's other versions until changed.
    #[serde(default, skip_serializing_if = "is_empty_shared_map")]
    pub annotations: Shared<StringMap>,
    /// Shared with the object's other versions until changed.
    #[serde(default, skip_serializing_if = "is_empty_shared_vec")]
    pub owner_references: Shared<Vec<OwnerReference>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// Accepted and dropped (the playground keeps no field managers).
    #[serde(default, skip_serializing)]
    pub managed_fields: Option<serde_json::Value>,
}

/// `skip_serializing_if` for shared maps: as `BTreeMap::is_empty`.
fn is_empty_shared_map(m: &Shared<StringMap>) -> bool {
    m.is_empty()
}

/// `skip_serializing_if` for shared lists: as `Vec::is_empty`.
fn is_empty_shared_vec<T>(v: &Shared<Vec<T>>) -> bool {
    v.is_empty()
}

/// `is_zero` helper for `skip_serializing_if`.
pub fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

impl ObjectMeta {
    /// The owner reference with `controller: true`, if any (`metav1.GetControllerOf`).
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references.iter().find(|r| r.controller == Some(true))
    }

    /// Whether the object is being deleted (has a deletionTimestamp).
    pub fn is_terminating(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

/// `metav1.OwnerReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "crate::engine::api::StringMap::is_empty")]
    pub match_labels: StringMap,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry: `key`, `operator` (In, NotIn, Exists, DoesNotExist), `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// `metav1.Condition`-like status condition used by pods, nodes and PVCs
/// (type/status/lastProbeTime/lastTransitionTime/reason/message).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// A pod condition's `observedGeneration`: the pod's `metadata.generation` when it was set
    /// (PodObservedGenerationTracking, beta and on in v1.34, GA in v1.35).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// `corev1.ObjectReference` (events' involvedObject, a PV's claimRef).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field_path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips_rfc3339() {
        let t = Time::from_utc(2025, 3, 1, 12, 34, 56);
        assert_eq!(t.rfc3339(), "2025-03-01T12:34:56Z");
        assert_eq!(Time::parse_rfc3339("2025-03-01T12:34:56Z"), Some(t));
        assert_eq!(Time::parse_rfc3339("2025-03-01T13:34:56+01:00"), Some(t));
        assert_eq!(Time::parse_rfc3339("2025-03-01T12:34:56.5Z"), Some(t.plus_ms(500)));
        assert_eq!(Time::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn rfc1123z_has_weekday() {
        // 2006-01-02 was a Monday (Go's reference time).
        assert_eq!(Time::from_utc(2006, 1, 2, 15, 4, 5).rfc1123z(), "Mon, 02 Jan 2006 15:04:05 +0000");
    }
}
