//! Unguessable tokens (tickets, image signatures, one-time URL ids) and answer characters,
//! drawn from the operating system's CSPRNG.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;

/// Characters of image answers: upper-case letters and digits without look-alikes (0/O, 1/I/L).
pub(crate) const ANSWER_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Random bytes; a failing OS generator is fatal for a server that mints secrets.
pub(crate) fn fill(bytes: &mut [u8]) {
    getrandom::fill(bytes).expect("the operating system's random source failed");
}

/// `prefix` + 44 characters: URL-safe base64 of 32 random bytes, with Tencent's habit of
/// `*` instead of `=` padding (so clients must percent-encode `*` correctly).
pub(crate) fn token(prefix: &str) -> String {
    let mut raw = [0u8; 31];
    fill(&mut raw);
    let mut out = String::with_capacity(prefix.len() + 44);
    out.push_str(prefix);
    URL_SAFE.encode_string(raw, &mut out);
    out.replace('=', "*")
}

/// Characters of a Randstr after its `@` (the front-end's random string, e.g. `@Vki`).
const RANDSTR_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A Randstr as the front-end callback hands it out: `@` and three letters or digits.
pub(crate) fn randstr() -> String {
    let mut raw = [0u8; 3];
    fill(&mut raw);
    std::iter::once('@')
        .chain(
            raw.iter()
                .map(|b| char::from(RANDSTR_ALPHABET[usize::from(*b) % RANDSTR_ALPHABET.len()])),
        )
        .collect()
}

/// `len` answer characters.
pub(crate) fn answer(len: usize) -> String {
    let mut raw = vec![0u8; len];
    fill(&mut raw);
    raw.iter()
        .map(|b| char::from(ANSWER_ALPHABET[usize::from(*b) % ANSWER_ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_url_safe() {
        let a = token("t03");
        let b = token("t03");
        assert_ne!(a, b);
        assert!(a.starts_with("t03") && a.len() == 47 && a.ends_with('*'));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_*".contains(c))
        );
        let r = randstr();
        assert!(r.starts_with('@') && r.len() == 4, "{r}");
        assert!(r[1..].bytes().all(|c| RANDSTR_ALPHABET.contains(&c)));
        let code = answer(4);
        assert!(code.bytes().all(|c| ANSWER_ALPHABET.contains(&c)) && code.len() == 4);
    }
}
