//! Keeping and sharing work: the saved form of a session (editor files + the inputs of its
//! history + the position), its validation as untrusted input, and the share-link codec.
//!
//! A share link carries the session in the URL fragment (`#s=…`), which browsers never send to
//! a server. The JSON is deflated (miniz_oxide: pure Rust, about 20 KB of wasm for both
//! directions, and deflate beats LZ-string-style coders by 2–3× on YAML) and base64url-encoded.
//! Decoding is bounded: the encoded text, the inflated size and every count are limited, and
//! every failure is a plain message.

use super::input::Input;
use serde::{Deserialize, Serialize};

/// Version of the saved format.
pub const FORMAT_VERSION: u32 = 1;
/// Longest share fragment accepted (characters).
pub const MAX_SHARE_CHARS: usize = 1_000_000;
/// Largest inflated session JSON accepted (bytes).
pub const MAX_JSON_BYTES: usize = 8 * 1024 * 1024;
/// Most editor files.
pub const MAX_FILES: usize = 32;
/// Largest editor file (bytes), the manifest decoder's own document limit is lower.
pub const MAX_FILE_BYTES: usize = 512 * 1024;
/// Most history inputs (after expanding repeats).
pub const MAX_INPUTS: usize = 100_000;
/// Longest file name.
pub const MAX_NAME_CHARS: usize = 100;

/// An editor tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// Tab name.
    pub name: String,
    /// Contents.
    pub text: String,
    /// Set when the tab is a `kubectl edit` of a live object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit: Option<super::edit::EditTab>,
}

/// An input and how many times in a row it was given (steps compress to one entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// The input.
    pub i: Input,
    /// Repetitions (≥ 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub x: u32,
}

fn one() -> u32 {
    1
}

fn is_one(v: &u32) -> bool {
    *v == 1
}

/// A whole session as saved in localStorage or a share link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Saved {
    /// [`FORMAT_VERSION`].
    pub v: u32,
    /// Editor tabs.
    pub files: Vec<SavedFile>,
    /// Selected tab.
    #[serde(default)]
    pub active: usize,
    /// Every recorded input (including ones after the position: redo-able).
    #[serde(default)]
    pub history: Vec<Run>,
    /// Inputs applied (the timeline position).
    #[serde(default)]
    pub position: usize,
    /// Console lines typed (for ↑ ↓), newest last.
    #[serde(default)]
    pub typed: Vec<String>,
}

impl Saved {
    /// Compresses consecutive equal inputs into runs.
    pub fn runs<'a>(inputs: impl IntoIterator<Item = &'a Input>) -> Vec<Run> {
        let mut out: Vec<Run> = Vec::new();
        for i in inputs {
            match out.last_mut() {
                Some(r) if r.i == *i && r.x < u32::MAX => r.x += 1,
                _ => out.push(Run { i: i.clone(), x: 1 }),
            }
        }
        out
    }

    /// The history with runs expanded.
    pub fn inputs(&self) -> Vec<Input> {
        let mut out = Vec::new();
        for r in &self.history {
            out.extend(std::iter::repeat_n(r.i.clone(), r.x as usize));
        }
        out
    }

    /// Checks limits and consistency; the saved form is untrusted (a link anyone can craft).
    pub fn validate(&self) -> Result<(), String> {
        if self.v != FORMAT_VERSION {
            return Err(format!("it was made by another version of the playground (format {})", self.v));
        }
        if self.files.len() > MAX_FILES {
            return Err(format!("it has {} files (at most {MAX_FILES})", self.files.len()));
        }
        for f in &self.files {
            // Edit tabs are named `edit: statefulset.apps/web`; files never contain a `/`.
            let slash_ok = f.edit.is_some();
            if f.name.is_empty() || f.name.chars().count() > MAX_NAME_CHARS || f.name.chars().any(|c| c.is_control() || (c == '/' && !slash_ok)) {
                return Err("a file name is empty, too long or has control characters".into());
            }
            if f.text.len() > MAX_FILE_BYTES {
                return Err(format!("file {:?} is larger than {} KB", f.name, MAX_FILE_BYTES / 1024));
            }
            if let Some(e) = &f.edit {
                let big = e.line.len() > 4096
                    || e.original.len() > MAX_FILE_BYTES
                    || e.retry.as_ref().is_some_and(|r| r.len() > MAX_FILE_BYTES)
                    || [&e.kind, &e.namespace, &e.name, &e.uid].iter().any(|s| s.len() > 253);
                if big {
                    return Err(format!("edit tab {:?} is too large", f.name));
                }
                if e.target().is_none() {
                    return Err(format!("edit tab {:?} edits an unknown kind of object", f.name));
                }
            }
        }
        let total: u64 = self.history.iter().map(|r| r.x as u64).sum();
        if total > MAX_INPUTS as u64 || self.history.iter().any(|r| r.x == 0) {
            return Err(format!("its history is longer than {MAX_INPUTS} steps"));
        }
        for r in &self.history {
            let big = match &r.i {
                Input::Kubectl { line, stdin, files } => {
                    line.len() > 4096
                        || stdin.as_ref().is_some_and(|s| s.len() > MAX_FILE_BYTES)
                        || files.len() > 8
                        || files.iter().any(|(n, t)| n.len() > MAX_NAME_CHARS * 4 || t.len() > MAX_FILE_BYTES)
                }
                Input::Apply { file, text } => file.len() > MAX_NAME_CHARS * 4 || text.len() > MAX_FILE_BYTES,
                Input::Step { n } => *n > 10_000,
                Input::Fault { words } => words.len() > 8 || words.iter().any(|w| w.len() > 256),
                Input::Advance { ms } => *ms > 24 * 3_600_000,
                Input::Wait => false,
                Input::Edit { line, kind, namespace, name, patch } => {
                    line.len() > 4096
                        || patch.len() > MAX_FILE_BYTES
                        || [kind, namespace, name].iter().any(|s| s.len() > 253)
                        || crate::kubectl::commands::edit::kind_of(kind).is_none()
                }
            };
            if big {
                return Err("one of its commands is too large".into());
            }
        }
        if self.position as u64 > total {
            return Err("its position is past the end of its history".into());
        }
        if self.typed.len() > 1000 {
            return Err("its console history is too long".into());
        }
        Ok(())
    }

    /// JSON for localStorage.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads and validates JSON.
    pub fn from_json(text: &str) -> Result<Saved, String> {
        if text.len() > MAX_JSON_BYTES {
            return Err("it is too large".into());
        }
        let s: Saved = serde_json::from_str(text).map_err(|e| format!("it is not a playground session ({e})"))?;
        s.validate()?;
        Ok(s)
    }

    /// The share fragment payload (without `#s=`).
    pub fn to_share(&self) -> String {
        let json = self.to_json();
        let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
        base64url_encode(&packed)
    }

    /// Decodes a share fragment payload.
    pub fn from_share(payload: &str) -> Result<Saved, String> {
        if payload.len() > MAX_SHARE_CHARS {
            return Err("the link is too long".into());
        }
        let packed = base64url_decode(payload.trim()).ok_or("the link is damaged (not base64url)")?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES)
            .map_err(|_| "the link is damaged or too large (it does not inflate)".to_string())?;
        let text = String::from_utf8(json).map_err(|_| "the link is damaged (not UTF-8)".to_string())?;
        Saved::from_json(&text)
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes base64url (padding and standard `+/` tolerated); `None` on any other character.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    crate::util::base64::decode(text, true, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Saved {
        Saved {
            v: FORMAT_VERSION,
            files: vec![SavedFile { name: "myapp.yaml".into(), text: super::super::seed::SEED_YAML.into(), edit: None }],
            active: 0,
            history: Saved::runs(&[
                Input::Apply { file: "myapp.yaml".into(), text: super::super::seed::SEED_YAML.into() },
                Input::STEP,
                Input::STEP,
                Input::STEP,
            ]),
            position: 4,
            typed: vec!["get pods".into()],
        }
    }

    #[test]
    fn base64url_round_trip() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).as_deref(), Some(&bytes[..]));
        }
        assert_eq!(base64url_encode(b"hi?"), "aGk_");
        assert!(base64url_decode("a b").is_none());
    }

    #[test]
    fn share_round_trip_and_runs() {
        let s = sample();
        assert_eq!(s.history.len(), 2, "three steps are one run");
        assert_eq!(s.inputs().len(), 4);
        let link = s.to_share();
        assert!(link.len() < s.to_json().len(), "compressed: {} vs {}", link.len(), s.to_json().len());
        assert_eq!(Saved::from_share(&link), Ok(s));
    }

    #[test]
    fn untrusted_input_is_refused_with_a_message() {
        assert!(Saved::from_share("!!!").unwrap_err().contains("damaged"));
        assert!(Saved::from_share(&base64url_encode(b"not deflate")).is_err());
        let mut s = sample();
        s.position = 99;
        assert!(Saved::from_share(&s.to_share()).unwrap_err().contains("position"));
        let mut s = sample();
        s.history[1].x = u32::MAX;
        assert!(s.validate().unwrap_err().contains("longer"));
        let mut s = sample();
        s.files[0].name = "a\u{0}b".into();
        assert!(s.validate().is_err());
        assert!(Saved::from_json("{\"v\":1,\"files\":[],\"evil\":1}").is_err());
        // A deflate bomb stops at the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b'a'; MAX_JSON_BYTES + 10], 9);
        assert!(Saved::from_share(&base64url_encode(&bomb)).unwrap_err().contains("too large"));
    }
}
