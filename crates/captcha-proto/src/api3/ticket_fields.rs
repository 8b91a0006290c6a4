//! What the four ticket-checking actions share: the ticket, the user's IP, the app's id
//! and secret key, and the optional device fields; their checks before encoding; and the
//! one JSON body layout all four write (in the documented field order).

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::error::EncodeError;
use crate::secret::{AppSecretKey, Ticket};

/// The documented (and only) `CaptchaType`.
pub(crate) const DEFAULT_CAPTCHA_TYPE: u64 = 9;

/// The fields every ticket check carries.
#[derive(Clone)]
pub(crate) struct TicketFields {
    pub(crate) captcha_type: u64,
    pub(crate) ticket: Ticket,
    pub(crate) user_ip: IpAddr,
    pub(crate) captcha_app_id: u64,
    pub(crate) app_secret_key: AppSecretKey,
    pub(crate) business_id: Option<u64>,
    pub(crate) scene_id: Option<u64>,
    pub(crate) mac_address: Option<String>,
    pub(crate) imei: Option<String>,
}

impl TicketFields {
    pub(crate) fn new(
        ticket: Ticket,
        user_ip: IpAddr,
        captcha_app_id: u64,
        app_secret_key: AppSecretKey,
    ) -> Self {
        Self {
            captcha_type: DEFAULT_CAPTCHA_TYPE,
            ticket,
            user_ip,
            captcha_app_id,
            app_secret_key,
            business_id: None,
            scene_id: None,
            mac_address: None,
            imei: None,
        }
    }

    /// Refuses what Tencent would refuse, naming the field; `randstr` is checked between
    /// the ticket and the app id, where web checks carry it.
    pub(crate) fn check(&self, randstr: Option<&str>) -> Result<(), EncodeError> {
        let empty = |field| Err(EncodeError::EmptyField { field });
        if self.captcha_type == 0 {
            return Err(EncodeError::InvalidValue {
                field: "CaptchaType",
                reason: "must be positive (the documented value is 9)",
            });
        }
        // Blank counts as empty, as for every other action's required text.
        let blank = |text: &str| text.trim().is_empty();
        if blank(self.ticket.expose_secret()) {
            return empty("Ticket");
        }
        if randstr.is_some_and(blank) {
            return empty("Randstr");
        }
        if self.captcha_app_id == 0 {
            return Err(EncodeError::InvalidValue {
                field: "CaptchaAppId",
                reason: "must be positive",
            });
        }
        if blank(self.app_secret_key.expose_secret()) {
            return empty("AppSecretKey");
        }
        if self.mac_address.as_deref().is_some_and(blank) {
            return empty("MacAddress");
        }
        if self.imei.as_deref().is_some_and(blank) {
            return empty("Imei");
        }
        Ok(())
    }

    /// Adds the fields to a `Debug` output (the ticket and key redacted by their types).
    pub(crate) fn debug_into(&self, out: &mut fmt::DebugStruct<'_, '_>) {
        out.field("captcha_type", &self.captcha_type)
            .field("ticket", &self.ticket)
            .field("user_ip", &self.user_ip)
            .field("captcha_app_id", &self.captcha_app_id)
            .field("app_secret_key", &self.app_secret_key)
            .field("business_id", &self.business_id)
            .field("scene_id", &self.scene_id)
            .field("mac_address", &self.mac_address)
            .field("imei", &self.imei);
    }

    /// The body with the action's own fields; serialising it cannot fail (strings and
    /// integers only), but an error is still reported rather than unwrapped.
    pub(crate) fn payload(&self, extra: Extra<'_>) -> Result<Vec<u8>, EncodeError> {
        let body = Body {
            captcha_type: self.captcha_type,
            ticket: self.ticket.expose_secret(),
            user_ip: self.user_ip,
            randstr: extra.randstr,
            captcha_app_id: self.captcha_app_id,
            app_secret_key: self.app_secret_key.expose_secret(),
            business_id: self.business_id,
            scene_id: self.scene_id,
            mac_address: self.mac_address.as_deref(),
            imei: self.imei.as_deref(),
            need_get_captcha_time: extra.need_get_captcha_time,
            scene_code: extra.scene_code,
            we_chat_open_id: extra.we_chat_open_id,
        };
        let mut out = Vec::with_capacity(body.capacity());
        serde_json::to_writer(&mut out, &body).map_err(|_| EncodeError::InvalidValue {
            field: "payload",
            reason: "cannot be serialised as JSON",
        })?;
        Ok(out)
    }
}

impl Body<'_> {
    /// Room for the body in one allocation: the names, quotes and separators of every
    /// field, the longest IP and numbers, and the text values (more only if they need
    /// escaping).
    fn capacity(&self) -> usize {
        const FIXED: usize = 352;
        let text = |value: Option<&str>| value.map_or(0, str::len);
        FIXED
            + self.ticket.len()
            + self.app_secret_key.len()
            + text(self.randstr)
            + text(self.mac_address)
            + text(self.imei)
            + text(self.we_chat_open_id)
    }
}

/// The fields only some ticket checks carry.
#[derive(Default)]
pub(crate) struct Extra<'a> {
    pub(crate) randstr: Option<&'a str>,
    pub(crate) need_get_captcha_time: Option<u8>,
    pub(crate) scene_code: Option<i64>,
    pub(crate) we_chat_open_id: Option<&'a str>,
}

/// The JSON body, borrowing from the action; field order is the documented one.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Body<'a> {
    captcha_type: u64,
    ticket: &'a str,
    /// Written as text (`203.0.113.7`), as `IpAddr` serialises in JSON.
    user_ip: IpAddr,
    #[serde(skip_serializing_if = "Option::is_none")]
    randstr: Option<&'a str>,
    captcha_app_id: u64,
    app_secret_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mac_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    imei: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    need_get_captcha_time: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scene_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    we_chat_open_id: Option<&'a str>,
}

/// The setters of the shared optional fields, for a type with a `fields: TicketFields`.
macro_rules! ticket_setters {
    () => {
        /// Sets `CaptchaType` (documented as fixed to 9; must be positive).
        pub fn captcha_type(mut self, value: u64) -> Self {
            self.fields.captcha_type = value;
            self
        }

        /// Sets `BusinessId` (reserved by Tencent for telling businesses apart).
        pub fn business_id(mut self, value: u64) -> Self {
            self.fields.business_id = Some(value);
            self
        }

        /// Sets `SceneId` (reserved by Tencent for telling scenes apart).
        pub fn scene_id(mut self, value: u64) -> Self {
            self.fields.scene_id = Some(value);
            self
        }

        /// Sets `MacAddress`: the device's MAC address or unique id.
        pub fn mac_address(mut self, value: impl Into<String>) -> Self {
            self.fields.mac_address = Some(value.into());
            self
        }

        /// Sets `Imei`: the phone's device number.
        pub fn imei(mut self, value: impl Into<String>) -> Self {
            self.fields.imei = Some(value.into());
            self
        }

        /// The ticket (redacted in `Debug`).
        pub fn ticket(&self) -> &$crate::Ticket {
            &self.fields.ticket
        }

        /// The user's IP.
        pub fn user_ip(&self) -> std::net::IpAddr {
            self.fields.user_ip
        }

        /// The CaptchaAppId.
        pub fn captcha_app_id(&self) -> u64 {
            self.fields.captcha_app_id
        }
    };
}
pub(crate) use ticket_setters;
