//! The typed call methods of every transport client, written once.

/// Expands, inside a transport's `impl Client { … }`, to the typed methods every client
/// offers (`get_url`, `check`, `verify`, `iframe_query`, `query`, `fetch_image`, `call`,
/// `describe_result`), each a thin wrapper over the client's own
/// `exchange<E: Exchange + ?Sized>(&self, &E)` and `settings(&self)`. Writing them once keeps
/// the transports' public APIs identical: switching runtime stays a one-line change.
#[doc(hidden)]
#[macro_export]
macro_rules! client_methods {
    () => {
        /// `CaptchaGetUrl`: the one-time URL of a captcha image (see `fetch_image`).
        pub async fn get_url(
            &self,
            action: &$crate::CaptchaGetUrl,
        ) -> ::std::result::Result<$crate::CaptchaUrl, $crate::transport::Error> {
            self.call(action).await
        }

        /// `CaptchaCheck`: whether the user's ticket passes. A `Fail` verdict is `Ok`;
        /// never sent twice (tickets are single use).
        pub async fn check(
            &self,
            action: &$crate::CaptchaCheck,
        ) -> ::std::result::Result<$crate::CheckVerdict, $crate::transport::Error> {
            self.call(action).await
        }

        /// `CaptchaVerify`: whether the characters typed for an image captcha are right.
        /// Never sent twice.
        pub async fn verify(
            &self,
            action: &$crate::CaptchaVerify,
        ) -> ::std::result::Result<$crate::VerifyVerdict, $crate::transport::Error> {
            self.call(action).await
        }

        /// `CaptchaIframeQuery`: a one-time captcha script URL for the iframe flow.
        pub async fn iframe_query(
            &self,
            action: &$crate::CaptchaIframeQuery,
        ) -> ::std::result::Result<$crate::CaptchaUrl, $crate::transport::Error> {
            self.call(action).await
        }

        /// `CaptchaQuery`: the captcha JavaScript itself.
        pub async fn query(
            &self,
            action: &$crate::CaptchaQuery,
        ) -> ::std::result::Result<$crate::CaptchaScript, $crate::transport::Error> {
            self.call(action).await
        }

        /// Fetches the image behind a `CaptchaGetUrl` URL with its `vsig` signature
        /// (for `verify`). The image host may differ from the API endpoint.
        pub async fn fetch_image(
            &self,
            url: &$crate::CaptchaUrl,
        ) -> ::std::result::Result<$crate::CaptchaImage, $crate::transport::Error> {
            let exchange = $crate::transport::ImageExchange {
                url,
                user_agent: &self.settings().user_agent,
            };
            self.exchange(&exchange).await
        }

        /// Any API 2.0 action, e.g. a `RawAction`, signed with this client's config.
        pub async fn call<A: $crate::Action + ?Sized>(
            &self,
            action: &A,
        ) -> ::std::result::Result<A::Output, $crate::transport::Error> {
            let exchange = $crate::transport::V1Exchange {
                config: &self.settings().config,
                action,
            };
            self.exchange(&exchange).await
        }

        /// API 3.0 `DescribeCaptchaResult`: checks a ticket with the captcha check Tencent
        /// serves today (TC3-HMAC-SHA256, endpoint from the builder's `v3_endpoint`). A
        /// rejection is an `Ok` verdict; only refusals are errors. Never sent twice.
        pub async fn describe_result(
            &self,
            action: &$crate::v3::DescribeCaptchaResult,
        ) -> ::std::result::Result<$crate::v3::CaptchaResult, $crate::transport::Error> {
            let exchange = $crate::transport::V3Exchange {
                config: &self.settings().v3_config,
                action,
            };
            self.exchange(&exchange).await
        }
    };
}
