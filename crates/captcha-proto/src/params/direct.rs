//! [`DirectParams`]: a typed action's parameters written straight into the request.

use std::ops::Range;

use smallvec::SmallVec;

use super::key::ParamKey;
#[cfg(debug_assertions)]
use super::key::prefixed_signing_order;
use super::{ParamSink, Value, escape_in_place, push_decimal, write_value};
use crate::error::EncodeError;

/// The text of a request being written by [`Config::encode`](crate::Config::encode) for a
/// typed action: the lead (`/v2/index.php?` for GET), then `key=value` pairs joined by `&`,
/// written in signing order as they come, with nothing else kept but where the values
/// that need percent-encoding are. Before escaping, the pairs are the string to sign.
///
/// The typed actions know their keys (plain, lower-case, so after every common parameter)
/// and write them in signing order, so none of [`Params`](crate::Params)'s checks and
/// bookkeeping is needed: that is what makes this path cheaper. Tests compare it with the
/// [`Params`](crate::Params) path byte for byte for every typed action.
///
/// Not constructible outside this crate: it appears in [`Action`](crate::Action) only
/// through a hidden method that other implementations leave alone.
pub struct DirectParams {
    text: String,
    /// Bytes of `text` before the first parameter.
    lead: usize,
    /// The values that need percent-encoding, in order.
    unplain: SmallVec<[Range<usize>; 2]>,
    /// The signing prefix and key of the last pair, to check the order in debug builds.
    #[cfg(debug_assertions)]
    last: Option<(u64, String)>,
}

impl DirectParams {
    /// An empty text that starts with `lead`, with room for `bytes` more.
    pub(crate) fn with_lead(lead: &str, bytes: usize) -> Self {
        let mut text = String::with_capacity(lead.len() + bytes);
        text.push_str(lead);
        Self {
            text,
            lead: lead.len(),
            unplain: SmallVec::new(),
            #[cfg(debug_assertions)]
            last: None,
        }
    }

    /// Appends `text` as it is: pairs or parts of pairs that need no escaping (the caller
    /// writes them in signing order, ahead of every typed parameter).
    #[inline]
    pub(crate) fn push_plain(&mut self, text: &str) {
        debug_assert!(self.unplain.is_empty(), "plain text after typed parameters");
        self.text.push_str(text);
    }

    /// Appends `value` in decimal.
    #[inline]
    pub(crate) fn push_decimal(&mut self, value: u64) {
        push_decimal(&mut self.text, value);
    }

    /// The pairs written so far: the string to sign after its `METHOD host path?`.
    #[inline]
    pub(crate) fn signed_text(&self) -> &str {
        &self.text[self.lead..]
    }

    /// The lead and the pairs with every value percent-encoded where it stands (RFC 3986):
    /// the request's path and query (GET) or its body (POST).
    pub(crate) fn into_escaped_text(self) -> Vec<u8> {
        escape_in_place(self.text, self.unplain.iter().cloned())
    }

    /// Panics (in debug builds) unless `key` signs after the key written before it.
    #[cfg(debug_assertions)]
    fn check_order(&mut self, key: &ParamKey) {
        match &self.last {
            Some((prefix, name)) => assert!(
                prefixed_signing_order(*prefix, name, key.prefix, key.as_str()).is_lt(),
                "{name} then {}: a typed action writes in signing order",
                key.as_str()
            ),
            // After the common parameters, which all start with a capital.
            None => assert!(
                key.as_str().starts_with(|c: char| c.is_ascii_lowercase()),
                "{} would sign among the common parameters",
                key.as_str()
            ),
        }
        self.last = Some((key.prefix, key.as_str().to_owned()));
    }
}

impl std::fmt::Debug for DirectParams {
    /// The size only: the text holds tickets and tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectParams")
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl ParamSink for DirectParams {
    #[inline]
    fn push_value(&mut self, key: &ParamKey, value: Value<'_>) -> Result<(), EncodeError> {
        #[cfg(debug_assertions)]
        self.check_order(key);
        debug_assert!(key.plain, "typed keys need no escaping");
        self.text.push('&');
        self.text.push_str(key.as_str());
        self.text.push('=');
        let start = self.text.len();
        if !write_value(&mut self.text, value) {
            self.unplain.push(start..self.text.len());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_value() {
        let mut direct = DirectParams::with_lead("/?", 64);
        direct.push_plain("Action=X");
        direct
            .push_value(&ParamKey::new("ticket"), Value::Text("t03secret"))
            .unwrap();
        let shown = format!("{direct:?}");
        assert!(
            !shown.contains("t03secret") && shown.contains("bytes"),
            "{shown}"
        );
    }

    #[test]
    fn values_to_escape_are_escaped_where_they_stand() {
        let mut direct = DirectParams::with_lead("/p?", 64);
        direct.push_plain("Action=X");
        direct
            .push_value(&ParamKey::new("a"), Value::Text("x y*"))
            .unwrap();
        direct
            .push_value(&ParamKey::new("b"), Value::Number(7))
            .unwrap();
        direct
            .push_value(&ParamKey::new("c"), Value::Text("é"))
            .unwrap();
        assert_eq!(direct.signed_text(), "Action=X&a=x y*&b=7&c=é");
        assert_eq!(
            direct.into_escaped_text(),
            b"/p?Action=X&a=x%20y%2A&b=7&c=%C3%A9"
        );
    }
}
