//! Redacted, zeroized string newtypes for every value that must never be printed.
//!
//! Each type keeps its value in a [`Zeroizing`] buffer (wiped on drop), prints as
//! `Name([redacted])` in `Debug`, and has no `Display`, `Serialize` or `PartialEq`.
//! The only way to read the value is the grep-able `expose_secret()`.

use std::fmt;

use zeroize::Zeroizing;

/// Declares one secret newtype; the macro keeps the five types identical by construction.
macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a value. Validation (non-empty, no padding) happens where the value is used,
            /// so that the error can name the field or variable it came from.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The secret value itself. Every call site is a place where the secret leaves its box.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }
    };
}

secret_string!(
    /// The SecretKey of a Tencent Cloud API key pair: the HMAC key of every signature.
    SecretKey
);
secret_string!(
    /// A temporary-credential (STS) session token, sent as the `Token` parameter.
    Token
);
secret_string!(
    /// A captcha ticket handed to the browser after the user solved the captcha.
    /// Tickets are single-use proofs of a human, so they are kept out of logs like keys.
    Ticket
);
secret_string!(
    /// The `captchaSig` (the `vsig` cookie) of the image flow: a one-time proof like a ticket.
    CaptchaSig
);
secret_string!(
    /// The `AppSecretKey` of a captcha application (API 3.0 `DescribeCaptchaResult`).
    AppSecretKey
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let key = SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA");
        assert_eq!(format!("{key:?}"), "SecretKey([redacted])");
        assert_eq!(format!("{:?}", Ticket::new("t03abc")), "Ticket([redacted])");
        assert_eq!(key.expose_secret(), "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA");
    }
}
