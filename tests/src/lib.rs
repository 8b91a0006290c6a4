//! Shared helpers for the cross-crate tests of the Tencent captcha SDK.
