//! The profile file of the official SDKs (`~/.tencentcloud/credentials`, or
//! `/etc/tencentcloud/credentials`, or `$TENCENTCLOUD_CREDENTIALS_FILE`): INI with a
//! `[default]` section holding `secret_id`, `secret_key` and, optionally, `token`. `#` and
//! `;` start comments, `key = value` is trimmed. Other sections are ignored (no SDK reads
//! named profiles). [`parse_profile`] reads the text; the client reads the file and adds
//! its path to the error.

use std::fmt;

use crate::credential::{Credential, CredentialError};

/// Why a profile cannot be used: the line (1-based) when one is at fault, and what is
/// wrong. Never contains a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// The line at fault, if one is.
    pub line: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for ProfileError {}

fn at(line: usize, reason: impl Into<String>) -> ProfileError {
    ProfileError {
        line: Some(line),
        reason: reason.into(),
    }
}

/// Reads the `[default]` credential of a profile file's text.
///
/// ```
/// use captcha_proto::credentials::profile::parse_profile;
/// let text = "# mine\n[default]\nsecret_id = AKIDexample\nsecret_key = abc\n\n[other]\nsecret_id = x\n";
/// let credential = parse_profile(text)?;
/// assert_eq!(credential.secret_id().as_str(), "AKIDexample");
/// let error = parse_profile("[default]\nsecret_id = AKIDexample\nsecret_key\n").unwrap_err();
/// assert_eq!(error.to_string(), "line 3: expected `key = value`");
/// # Ok::<(), captcha_proto::credentials::profile::ProfileError>(())
/// ```
pub fn parse_profile(text: &str) -> Result<Credential, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut in_default = false;
    let mut seen_default = false;
    let (mut id, mut key, mut token) = (None, None, None);
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| at(number, "a section header must end with `]`"))?
                .trim();
            in_default = name == "default";
            if in_default && seen_default {
                return Err(at(number, "the section [default] appears twice"));
            }
            seen_default |= in_default;
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| at(number, "expected `key = value`"))?;
        if !in_default {
            continue;
        }
        let slot = match name.trim() {
            "secret_id" => &mut id,
            "secret_key" => &mut key,
            "token" => &mut token,
            // Unknown keys are tolerated, as every SDK does.
            _ => continue,
        };
        if slot.is_some() {
            return Err(at(number, format!("`{}` is given twice", name.trim())));
        }
        *slot = Some((number, value.trim().to_owned()));
    }
    if !seen_default {
        return Err(ProfileError {
            line: None,
            reason: "no [default] section".to_owned(),
        });
    }
    let required = |slot: Option<(usize, String)>, name: &str| {
        let (line, value) = slot.ok_or_else(|| ProfileError {
            line: None,
            reason: format!("[default] has no `{name}`"),
        })?;
        if value.is_empty() {
            return Err(at(line, format!("`{name}` is empty")));
        }
        Ok((line, value))
    };
    let (id_line, id) = required(id, "secret_id")?;
    let (key_line, key) = required(key, "secret_key")?;
    let credential = Credential::new(id, key).map_err(|e| match e {
        CredentialError::Padded { name } | CredentialError::Empty { name }
            if name == "SecretId" =>
        {
            at(id_line, "`secret_id` is not usable")
        }
        _ => at(key_line, "`secret_key` is not usable"),
    })?;
    match token {
        None => Ok(credential),
        Some((line, value)) if value.is_empty() => Err(at(line, "`token` is empty")),
        Some((line, value)) => credential
            .with_token(value)
            .map_err(|_| at(line, "`token` is not usable")),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_default_with_token_comments_and_other_sections() {
        let text = "\u{feff}; comment\n[other]\nsecret_id = nope\n[ default ]\n  secret_id=AKIDa  \nsecret_key = k=with=equals\ntoken = t\nregion = ap-guangzhou\n";
        let credential = parse_profile(text).unwrap();
        assert_eq!(credential.secret_id().as_str(), "AKIDa");
        assert_eq!(credential.secret_key().expose_secret(), "k=with=equals");
        assert_eq!(credential.token().unwrap().expose_secret(), "t");
    }

    #[test]
    fn errors_name_the_line_and_never_the_value() {
        let cases = [
            ("", None, "no [default] section"),
            ("[default\n", Some(1), "must end with `]`"),
            ("[default]\nsecret_id = AKIDa\n", None, "no `secret_key`"),
            (
                "[default]\nsecret_id = AKIDa\nsecret_key =\n",
                Some(3),
                "`secret_key` is empty",
            ),
            (
                "[default]\nsecret_id = AKIDa\nsecret_id = AKIDb\n",
                Some(3),
                "given twice",
            ),
            (
                "[default]\nsecret_id=a\nsecret_key=hunter2\ntoken=\n",
                Some(4),
                "`token` is empty",
            ),
            ("[default]\n[default]\n", Some(2), "appears twice"),
            ("[default]\nhunter2\n", Some(2), "expected `key = value`"),
        ];
        for (text, line, words) in cases {
            let error = parse_profile(text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
            assert!(error.reason.contains(words), "{text:?}: {error}");
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_never_quotes_a_value(text in "(\\[default\\]\n)?([a-z_ =#;\\[\\]]{0,20}\n){0,8}") {
            if let Err(error) = parse_profile(&format!("{text}secret_key = SECRET-VALUE\n")) {
                prop_assert!(!error.to_string().contains("SECRET-VALUE"));
            }
        }
    }
}
