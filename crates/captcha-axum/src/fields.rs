//! Finds the ticket and randstr: in the configured headers, or else in the body — a URL-encoded
//! form or a JSON object, by `Content-Type`. Strict where browsers are lenient: a body or
//! field that is not UTF-8 is refused, not repaired, so what is checked is what was sent.

use std::borrow::Cow;

use captcha_hyper::Ticket;
use http::{HeaderMap, header};
use percent_encoding::percent_decode;

use crate::guard::Settings;
use crate::refusal::Malformed;

/// Where the ticket was found (for logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Headers,
    Form,
    Json,
}

impl Source {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Headers => "headers",
            Self::Form => "form",
            Self::Json => "json",
        }
    }
}

/// The ticket and randstr of a request. `Debug` (through [`Ticket`]) hides the ticket.
#[derive(Debug)]
pub(crate) struct Presented {
    pub(crate) ticket: Ticket,
    /// Empty when absent (API 2.0 needs none; API 3.0 refuses it later).
    pub(crate) randstr: String,
    pub(crate) source: Source,
}

/// The ticket from the headers, `None` when the ticket header is absent.
pub(crate) fn from_headers(
    settings: &Settings,
    headers: &HeaderMap,
) -> Result<Option<Presented>, Malformed> {
    let Some(ticket) = headers.get(&settings.ticket_header) else {
        return Ok(None);
    };
    let text = |value: &http::HeaderValue| {
        std::str::from_utf8(value.as_bytes())
            .map(|text| text.trim().to_owned())
            .map_err(|_| Malformed::NotUtf8)
    };
    let ticket = text(ticket)?;
    let randstr = match headers.get(&settings.randstr_header) {
        Some(value) => text(value)?,
        None => String::new(),
    };
    checked(settings, ticket, randstr, Source::Headers).map(Some)
}

/// What kind of body the `Content-Type` announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Form,
    Json,
    /// Anything else: no ticket can be in it.
    Other,
}

pub(crate) fn body_kind(headers: &HeaderMap) -> BodyKind {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return BodyKind::Other;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
    {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

/// The ticket from a body of `kind`.
pub(crate) fn from_body(
    settings: &Settings,
    kind: BodyKind,
    body: &[u8],
) -> Result<Presented, Malformed> {
    let (ticket, randstr, source) = match kind {
        BodyKind::Form => {
            let (ticket, randstr) = form_fields(settings, body)?;
            (ticket, randstr, Source::Form)
        }
        BodyKind::Json => {
            let (ticket, randstr) = json_fields(settings, body)?;
            (ticket, randstr, Source::Json)
        }
        BodyKind::Other => return Err(Malformed::MissingTicket),
    };
    checked(
        settings,
        ticket.unwrap_or_default(),
        randstr.unwrap_or_default(),
        source,
    )
}

type Fields = (Option<String>, Option<String>);

fn form_fields(settings: &Settings, body: &[u8]) -> Result<Fields, Malformed> {
    let text = std::str::from_utf8(body).map_err(|_| Malformed::NotUtf8)?;
    let (mut ticket, mut randstr) = (None, None);
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name)?;
        // The first occurrence wins: a second field of the same name cannot replace it.
        if name == settings.ticket_field && ticket.is_none() {
            ticket = Some(decode(value)?.into_owned());
        } else if name == settings.randstr_field && randstr.is_none() {
            randstr = Some(decode(value)?.into_owned());
        }
    }
    Ok((ticket, randstr))
}

/// One form component: `+` is a space, then percent-decoding, then strict UTF-8.
fn decode(component: &str) -> Result<Cow<'_, str>, Malformed> {
    let spaced: Cow<'_, str> = if component.contains('+') {
        Cow::Owned(component.replace('+', " "))
    } else {
        Cow::Borrowed(component)
    };
    let bytes: Vec<u8> = percent_decode(spaced.as_bytes()).collect();
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|_| Malformed::NotUtf8)
}

fn json_fields(settings: &Settings, body: &[u8]) -> Result<Fields, Malformed> {
    if std::str::from_utf8(body).is_err() {
        return Err(Malformed::NotUtf8);
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Malformed::UnreadableBody)?;
    let serde_json::Value::Object(object) = value else {
        return Err(Malformed::UnreadableBody);
    };
    let field = |name: &str| match object.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(Malformed::UnreadableBody),
    };
    Ok((
        field(&settings.ticket_field)?,
        field(&settings.randstr_field)?,
    ))
}

/// Applies the length limits and the emptiness rule; API 3.0's need of a randstr is checked
/// where the API is known.
fn checked(
    settings: &Settings,
    ticket: String,
    randstr: String,
    source: Source,
) -> Result<Presented, Malformed> {
    if ticket.len() > settings.max_ticket_bytes || randstr.len() > settings.max_randstr_bytes {
        return Err(Malformed::FieldTooLong);
    }
    if ticket.trim().is_empty() {
        return Err(Malformed::MissingTicket);
    }
    Ok(Presented {
        ticket: Ticket::new(ticket),
        randstr,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CaptchaGuard;
    use captcha_hyper::Client;

    fn settings() -> std::sync::Arc<Settings> {
        let client = Client::builder()
            .credential(captcha_hyper::Credential::new("AKIDtest", "key").unwrap())
            .build()
            .unwrap();
        CaptchaGuard::describe_captcha_result(client, 1, "k")
            .build()
            .settings
    }

    #[test]
    fn forms_decode_strictly() {
        let s = settings();
        let got = from_body(&s, BodyKind::Form, b"user=a&ticket=t%2B1+x&randstr=%40ab").unwrap();
        assert_eq!(
            (got.ticket.expose_secret(), got.randstr.as_str()),
            ("t+1 x", "@ab")
        );
        assert_eq!(
            from_body(&s, BodyKind::Form, b"ticket=%FF").unwrap_err(),
            Malformed::NotUtf8
        );
        assert_eq!(
            from_body(&s, BodyKind::Form, b"ticket=ok&x=\xff").unwrap_err(),
            Malformed::NotUtf8
        );
        assert_eq!(
            from_body(&s, BodyKind::Form, b"user=a").unwrap_err(),
            Malformed::MissingTicket
        );
        let first = from_body(&s, BodyKind::Form, b"ticket=a&ticket=b").unwrap();
        assert_eq!(first.ticket.expose_secret(), "a");
    }

    #[test]
    fn json_needs_string_fields() {
        let s = settings();
        let got = from_body(&s, BodyKind::Json, br#"{"ticket":"t","randstr":"r"}"#).unwrap();
        assert_eq!(got.source, Source::Json);
        assert_eq!(
            from_body(&s, BodyKind::Json, br#"{"ticket":5}"#).unwrap_err(),
            Malformed::UnreadableBody
        );
        assert_eq!(
            from_body(&s, BodyKind::Json, b"[1]").unwrap_err(),
            Malformed::UnreadableBody
        );
        assert_eq!(
            from_body(&s, BodyKind::Other, b"ticket=t").unwrap_err(),
            Malformed::MissingTicket
        );
    }

    #[test]
    fn content_types_are_matched_by_essence() {
        let mut headers = HeaderMap::new();
        assert_eq!(body_kind(&headers), BodyKind::Other);
        headers.insert(
            header::CONTENT_TYPE,
            "Application/JSON; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(body_kind(&headers), BodyKind::Json);
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().unwrap(),
        );
        assert_eq!(body_kind(&headers), BodyKind::Form);
    }
}
