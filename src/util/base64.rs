//! Base64 decoding (RFC 4648) shared by everything that reads it: a Secret's `data`, a
//! service-account token, a share link. One decoder, so the page compiles one.

/// Decodes base64 text: the standard alphabet (`+/`), and with `url` also the URL one (`-_`);
/// `=` padding is skipped anywhere, and with `skip_space` so is ASCII whitespace. `None` on any
/// other character.
pub fn decode(text: &str, url: bool, skip_space: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'=' => continue,
            _ if skip_space && b.is_ascii_whitespace() => continue,
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'-' if url => 62,
            b'_' if url => 63,
            _ => return None,
        } as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn alphabets_padding_and_space() {
        assert_eq!(decode("aGk=", false, false).as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode("-_8", false, false), None);
        assert_eq!(decode("-_8", true, false), Some(vec![0xfb, 0xff]));
        assert_eq!(decode("+/8", true, false), Some(vec![0xfb, 0xff]));
        assert_eq!(decode("aG\nk=", false, false), None);
        assert_eq!(decode("aG\nk=", false, true).as_deref(), Some(&b"hi"[..]));
    }
}
