//! [`UserInfo`]: the optional "who is the user" fields shared by every captcha action.

use std::net::IpAddr;

use super::enums::AccountType;
use super::keys;
use crate::error::EncodeError;
use crate::params::{ParamKey, Params, Value};

/// Optional facts about the user, shared by every captcha action. Tencent uses them for risk
/// scoring and statistics; which ones an action requires is enforced by its constructor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserInfo {
    /// `accountType`.
    pub account_type: Option<AccountType>,
    /// `appId`: the QQ/WeChat-assigned app id (needed with QQ/WeChat accounts).
    pub app_id: Option<String>,
    /// `uid`: your user id (the openId for QQ/WeChat users).
    pub uid: Option<String>,
    /// `associateAccount`: your own account id linked to a QQ/WeChat login.
    pub associate_account: Option<String>,
    /// `registerTime`: when the account was registered, UNIX seconds.
    pub register_time: Option<u64>,
    /// `userIp`: the user's public IP.
    pub user_ip: Option<IpAddr>,
    /// `xForwardedFor`: the user's X-Forwarded-For header.
    pub x_forwarded_for: Option<String>,
    /// `macAddress`: MAC address or unique device id.
    pub mac_address: Option<String>,
    /// `imei`: the phone's IMEI.
    pub imei: Option<String>,
    /// `businessId`: your business id (splits statistics).
    pub business_id: Option<u64>,
    /// `sceneId`: your scene id (splits statistics).
    pub scene_id: Option<u64>,
}

impl UserInfo {
    /// `self` with every field that is set in `other` taken from `other`.
    pub(crate) fn merged_with(self, other: UserInfo) -> Self {
        Self {
            account_type: other.account_type.or(self.account_type),
            app_id: other.app_id.or(self.app_id),
            uid: other.uid.or(self.uid),
            associate_account: other.associate_account.or(self.associate_account),
            register_time: other.register_time.or(self.register_time),
            user_ip: other.user_ip.or(self.user_ip),
            x_forwarded_for: other.x_forwarded_for.or(self.x_forwarded_for),
            mac_address: other.mac_address.or(self.mac_address),
            imei: other.imei.or(self.imei),
            business_id: other.business_id.or(self.business_id),
            scene_id: other.scene_id.or(self.scene_id),
        }
    }

    /// Appends the fields that are set together with `own`, the calling action's fields,
    /// merged so that every parameter arrives in signing order. (`Params` would sort them
    /// anyway; arriving in order spares it the sort, the duplicate search and a copy of
    /// the text. `own` must be in signing order for that.) A set string must be non-empty.
    pub(crate) fn write<const N: usize>(
        &self,
        params: &mut Params,
        own: [(&'static ParamKey, Option<Value<'_>>); N],
    ) -> Result<(), EncodeError> {
        for (key, value) in [
            (&keys::APP_ID, &self.app_id),
            (&keys::UID, &self.uid),
            (&keys::ASSOCIATE_ACCOUNT, &self.associate_account),
            (&keys::X_FORWARDED_FOR, &self.x_forwarded_for),
            (&keys::MAC_ADDRESS, &self.mac_address),
            (&keys::IMEI, &self.imei),
        ] {
            check_not_empty(key, value.as_deref())?;
        }
        // The user's fields in signing order, each preceded by the action's that sign
        // before it.
        let mut merged = Merge {
            params,
            own: own.into_iter().peekable(),
        };
        merged.push(&keys::ACCOUNT_TYPE, self.account_type.map(Value::from))?;
        merged.push(&keys::APP_ID, text(&self.app_id))?;
        merged.push(&keys::ASSOCIATE_ACCOUNT, text(&self.associate_account))?;
        merged.push(&keys::BUSINESS_ID, self.business_id.map(Value::Number))?;
        merged.push(&keys::IMEI, text(&self.imei))?;
        merged.push(&keys::MAC_ADDRESS, text(&self.mac_address))?;
        merged.push(&keys::REGISTER_TIME, self.register_time.map(Value::Number))?;
        merged.push(&keys::SCENE_ID, self.scene_id.map(Value::Number))?;
        merged.push(&keys::UID, text(&self.uid))?;
        merged.push(&keys::USER_IP, self.user_ip.as_ref().map(Value::Ip))?;
        merged.push(&keys::X_FORWARDED_FOR, text(&self.x_forwarded_for))?;
        merged.finish()
    }
}

/// Pushes two lists of fields, each in signing order, as one list in signing order.
struct Merge<'p, 'v, I: Iterator<Item = (&'static ParamKey, Option<Value<'v>>)>> {
    params: &'p mut Params,
    /// The action's own fields, not yet pushed.
    own: std::iter::Peekable<I>,
}

impl<'v, I: Iterator<Item = (&'static ParamKey, Option<Value<'v>>)>> Merge<'_, 'v, I> {
    /// Pushes `value` (if set) after the own fields that sign before `key`.
    #[inline(always)]
    fn push(&mut self, key: &ParamKey, value: Option<Value<'_>>) -> Result<(), EncodeError> {
        // An unset field moves nothing: the own fields before it go before the next set one.
        let Some(value) = value else {
            return Ok(());
        };
        self.push_own_while(|own_key| own_key.signs_before(key))?;
        self.params.push_value(key, value)
    }

    /// Pushes the own fields left.
    fn finish(mut self) -> Result<(), EncodeError> {
        self.push_own_while(|_| true)
    }

    /// Pushes the own fields (those set) for as long as their keys pass `before`.
    fn push_own_while(&mut self, before: impl Fn(&ParamKey) -> bool) -> Result<(), EncodeError> {
        while let Some((key, value)) = self.own.next_if(|(key, _)| before(key)) {
            if let Some(value) = value {
                self.params.push_value(key, value)?;
            }
        }
        Ok(())
    }
}

/// An optional string field as a value.
fn text(value: &Option<String>) -> Option<Value<'_>> {
    value.as_deref().map(Value::Text)
}

/// Refuses an empty optional string: it would be signed and sent as an empty value, which
/// the server reads as a missing one.
pub(crate) fn check_not_empty(
    key: &'static ParamKey,
    value: Option<&str>,
) -> Result<(), EncodeError> {
    match value {
        Some("") => Err(EncodeError::EmptyField {
            field: key.as_str(),
        }),
        _ => Ok(()),
    }
}

/// Adds `with_user_info` and `user_info` to an action with a `user` field.
macro_rules! user_info_setters {
    ($action:ty) => {
        impl $action {
            /// Sets every field that is set in `info` (others keep their value):
            /// `action.with_user_info(UserInfo { business_id: Some(1), ..UserInfo::default() })`.
            pub fn with_user_info(mut self, info: $crate::api2::UserInfo) -> Self {
                self.user = self.user.merged_with(info);
                self
            }
            /// The user fields set so far.
            pub fn user_info(&self) -> &$crate::api2::UserInfo {
                &self.user
            }
        }
    };
}

pub(crate) use user_info_setters;
