//! Human-readable durations as kubectl prints ages (`k8s.io/apimachinery/pkg/util/duration`).

use crate::engine::api::Time;

/// `duration.HumanDuration`: the AGE column and describe's event ages. `ms` may be negative
/// (clock skew): -1s still prints `0s`, anything earlier is `<invalid>`.
pub fn human_duration(ms: i64) -> String {
    // Go truncates toward zero when converting a Duration to whole seconds.
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{h}h", hours / 24);
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{dy}d", hours / 24 / 365);
    }
    format!("{}y", hours / 24 / 365)
}

/// `duration.ShortHumanDuration`: one unit only (`5m`, `3h`), used by a few describers.
pub fn short_human_duration(ms: i64) -> String {
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 24 {
        return format!("{hours}h");
    } else if hours < 24 * 365 {
        return format!("{}d", hours / 24);
    }
    format!("{}y", hours / 24 / 365)
}

/// printers.go `translateTimestampSince`: `<unknown>` for a zero time, else the human age.
///
/// The age is taken from the timestamp in whole seconds: `metav1.Time` reaches kubectl and the
/// API server's table printer in whole seconds (RFC 3339 in JSON; `time_proto.go` drops the
/// nanoseconds), while now keeps its fraction. An object created at 09:10:00.9 is `1s` old at
/// 09:10:01.1.
pub fn translate_timestamp_since(t: Option<Time>, now: Time) -> String {
    match t {
        None => "<unknown>".into(),
        Some(t) => human_duration(now.since(Time(t.0 - t.0 % 1000))),
    }
}

/// Parses a Go duration (`30s`, `1m30s`, `2h`, `500ms`, `0`) into milliseconds, as flags like
/// `--timeout` accept (`time.ParseDuration`). Returns the Go error text on failure.
pub fn parse_go_duration(s: &str) -> Result<u64, String> {
    let err = || format!("time: invalid duration {s:?}");
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut rest = s;
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms = match unit {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            u => return Err(format!("time: unknown unit {u:?} in duration {s:?}")),
        };
        total += n * ms;
    }
    Ok(total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_from_the_timestamp_in_whole_seconds() {
        // time_proto.go / RFC 3339: kubectl sees 09:10:00 for 09:10:00.900; now keeps its fraction.
        let t = Time(1_000_900);
        assert_eq!(translate_timestamp_since(Some(t), Time(1_001_100)), "1s");
        assert_eq!(translate_timestamp_since(Some(t), Time(1_000_950)), "0s");
        assert_eq!(translate_timestamp_since(None, t), "<unknown>");
    }

    const S: i64 = 1000;

    #[test]
    fn human_duration_matches_upstream_table() {
        // Cases from duration_test.go TestHumanDuration.
        let cases: &[(i64, &str)] = &[
            (-2 * S, "<invalid>"),
            (-S, "0s"),
            (0, "0s"),
            (S, "1s"),
            (59 * S, "59s"),
            (60 * S, "60s"),
            (119 * S, "119s"),
            (120 * S, "2m"),
            (121 * S, "2m1s"),
            (9 * 60 * S + 59 * S, "9m59s"),
            (10 * 60 * S, "10m"),
            (179 * 60 * S, "179m"),
            (3 * 3600 * S, "3h"),
            (3 * 3600 * S + 60 * S, "3h1m"),
            (7 * 3600 * S + 59 * 60 * S, "7h59m"),
            (8 * 3600 * S, "8h"),
            (47 * 3600 * S + 59 * 60 * S, "47h"),
            (48 * 3600 * S, "2d"),
            (48 * 3600 * S + 3600 * S, "2d1h"),
            (8 * 24 * 3600 * S - 1, "7d23h"),
            (8 * 24 * 3600 * S, "8d"),
            (2 * 365 * 24 * 3600 * S - S, "729d"),
            (2 * 365 * 24 * 3600 * S, "2y"),
            (2 * 365 * 24 * 3600 * S + 24 * 3600 * S, "2y1d"),
            (8 * 365 * 24 * 3600 * S, "8y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(*ms), *want, "{ms}ms");
        }
    }

    #[test]
    fn short_human_duration_uses_one_unit() {
        assert_eq!(short_human_duration(59 * S), "59s");
        assert_eq!(short_human_duration(61 * S), "1m");
        assert_eq!(short_human_duration(2 * 3600 * S), "2h");
        assert_eq!(short_human_duration(3 * 24 * 3600 * S), "3d");
        assert_eq!(short_human_duration(-5 * S), "<invalid>");
    }

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_go_duration("30s"), Ok(30_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000));
        assert_eq!(parse_go_duration("5"), Err("time: missing unit in duration \"5\"".into()));
        assert!(parse_go_duration("abc").is_err());
    }
}
