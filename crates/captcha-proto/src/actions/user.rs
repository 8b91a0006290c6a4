//! [`UserInfo`]: the optional "who is the user" fields shared by every captcha action.

use std::net::IpAddr;

use super::keys;
use crate::enums::AccountType;
use crate::error::EncodeError;
use crate::params::Params;

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
    pub fn merged_with(self, other: UserInfo) -> Self {
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

    /// Appends the fields that are set; a set string must be non-empty.
    pub(crate) fn write(&self, params: &mut Params) -> Result<(), EncodeError> {
        if let Some(v) = self.account_type {
            params.push_u64(keys::ACCOUNT_TYPE, v.value().into())?;
        }
        push_text(params, "appId", self.app_id.as_deref())?;
        push_text(params, "uid", self.uid.as_deref())?;
        push_text(
            params,
            "associateAccount",
            self.associate_account.as_deref(),
        )?;
        if let Some(v) = self.register_time {
            params.push_u64(keys::REGISTER_TIME, v)?;
        }
        if let Some(ip) = self.user_ip {
            params.push_ip(keys::USER_IP, ip)?;
        }
        push_text(params, "xForwardedFor", self.x_forwarded_for.as_deref())?;
        push_text(params, "macAddress", self.mac_address.as_deref())?;
        push_text(params, "imei", self.imei.as_deref())?;
        if let Some(v) = self.business_id {
            params.push_u64(keys::BUSINESS_ID, v)?;
        }
        if let Some(v) = self.scene_id {
            params.push_u64(keys::SCENE_ID, v)?;
        }
        Ok(())
    }
}

/// Pushes an optional text field, refusing an empty string (it would be signed and sent
/// as an empty value, which the server reads as a missing one).
pub(crate) fn push_text(
    params: &mut Params,
    field: &'static str,
    value: Option<&str>,
) -> Result<(), EncodeError> {
    match value {
        None => Ok(()),
        Some("") => Err(EncodeError::EmptyField { field }),
        Some(v) => params.push_str(field, v),
    }
}

/// Adds builder setters for the [`UserInfo`] fields to an action with a `user` field.
macro_rules! user_info_setters {
    ($action:ty) => {
        impl $action {
            /// Sets `accountType`.
            pub fn account_type(mut self, value: $crate::AccountType) -> Self {
                self.user.account_type = Some(value);
                self
            }
            /// Sets `appId`.
            pub fn app_id(mut self, value: impl Into<String>) -> Self {
                self.user.app_id = Some(value.into());
                self
            }
            /// Sets `uid`.
            pub fn uid(mut self, value: impl Into<String>) -> Self {
                self.user.uid = Some(value.into());
                self
            }
            /// Sets `associateAccount`.
            pub fn associate_account(mut self, value: impl Into<String>) -> Self {
                self.user.associate_account = Some(value.into());
                self
            }
            /// Sets `registerTime` (UNIX seconds).
            pub fn register_time(mut self, value: u64) -> Self {
                self.user.register_time = Some(value);
                self
            }
            /// Sets `xForwardedFor`.
            pub fn x_forwarded_for(mut self, value: impl Into<String>) -> Self {
                self.user.x_forwarded_for = Some(value.into());
                self
            }
            /// Sets `macAddress`.
            pub fn mac_address(mut self, value: impl Into<String>) -> Self {
                self.user.mac_address = Some(value.into());
                self
            }
            /// Sets `imei`.
            pub fn imei(mut self, value: impl Into<String>) -> Self {
                self.user.imei = Some(value.into());
                self
            }
            /// Sets `businessId`.
            pub fn business_id(mut self, value: u64) -> Self {
                self.user.business_id = Some(value);
                self
            }
            /// Sets `sceneId`.
            pub fn scene_id(mut self, value: u64) -> Self {
                self.user.scene_id = Some(value);
                self
            }
            /// Sets every field that is set in `info` (others keep their value).
            pub fn with_user_info(mut self, info: $crate::actions::UserInfo) -> Self {
                self.user = self.user.merged_with(info);
                self
            }
            /// The user fields set so far.
            pub fn user_info(&self) -> &$crate::actions::UserInfo {
                &self.user
            }
        }
    };
}

pub(crate) use user_info_setters;
