//! The documented value sets of captcha parameters (docs/protocol.md, "Shared enumerations"), each with an
//! `Other(n)` escape hatch for values the documentation does not list.

use std::fmt;

/// Declares a wire enum over `u32`: named documented values plus `Other(u32)`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the documentation does not list, sent as it is.
            Other(u32),
        }

        impl $name {
            /// The number sent on the wire.
            pub fn value(self) -> u32 {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(value) => value,
                }
            }
        }

        impl From<u32> for $name {
            /// Documented numbers map to their named variant, others to `Other`.
            fn from(value: u32) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Other(other),
                }
            }
        }

        impl From<$name> for crate::params::Value<'static> {
            fn from(value: $name) -> Self {
                Self::Number(value.value().into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.value())
            }
        }
    };
}

wire_enum!(
    /// `accountType`: what kind of account the user has.
    AccountType {
        /// 0: another kind of account.
        OtherAccount = 0,
        /// 1: QQ open account.
        QqOpen = 1,
        /// 2: WeChat open account.
        WeChatOpen = 2,
        /// 4: phone number account.
        Phone = 4,
        /// 6: phone dynamic code.
        PhoneDynamicCode = 6,
        /// 7: e-mail account.
        Email = 7,
    }
);

wire_enum!(
    /// `captchaType`: the kind of captcha (documented values; older docs list 1–8 for
    /// `CaptchaQuery`, reachable through `Other`).
    CaptchaType {
        /// 1: the standard captcha.
        Standard = 1,
        /// 4: documented, but not supported by the back-end (image) flow.
        Type4 = 4,
        /// 5: aimed at human captcha farms.
        AntiFarm = 5,
        /// 9: the slider captcha (the only type of API 3.0).
        Slider = 9,
    }
);

wire_enum!(
    /// `disturbLevel`: how much interference the captcha carries.
    DisturbLevel {
        /// 1: the strategy saw no obvious malice.
        Low = 1,
        /// 2: the strategy saw obvious malice.
        High = 2,
    }
);

wire_enum!(
    /// `clientType`: where the captcha is shown. (Two old doc versions say 3 for apps;
    /// send `Other(3)` if your account was set up that way.)
    ClientType {
        /// 1: mobile web.
        MobileWeb = 1,
        /// 2: PC web.
        PcWeb = 2,
        /// 4: native app.
        App = 4,
    }
);

wire_enum!(
    /// `isHttps`: whether the returned URL uses HTTPS.
    IsHttps {
        /// 0: an http URL.
        Http = 0,
        /// 1: an https URL.
        Https = 1,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_unknowns_pass_through() {
        assert_eq!(AccountType::Email.value(), 7);
        assert_eq!(AccountType::from(7), AccountType::Email);
        assert_eq!(AccountType::from(3), AccountType::Other(3));
        assert_eq!(ClientType::Other(3).value(), 3);
        assert_eq!(CaptchaType::from(9), CaptchaType::Slider);
        assert_eq!(IsHttps::Https.to_string(), "1");
    }
}
