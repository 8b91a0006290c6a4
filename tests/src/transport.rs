//! Both transports behind one face, so each scenario is written once and run twice.

use std::future::Future;
use std::time::Duration;

use captcha_client::{BuildError, ClientSettings, Error};
use captcha_proto::Exchange;
use captcha_proto::api3::{CaptchaResult, DescribeCaptchaResult};
use captcha_proto::{
    Api2Action, CaptchaCheck, CaptchaGetUrl, CaptchaIframeQuery, CaptchaImage, CaptchaQuery,
    CaptchaScript, CaptchaUrl, CaptchaVerify, CheckVerdict, Credential, Endpoint, VerifyVerdict,
};

/// One of the SDK's transports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// `captcha-hyper` on tokio.
    Hyper,
    /// `captcha-async-std` on async-std.
    AsyncStd,
}

impl Transport {
    /// Every transport, in a fixed order.
    pub const ALL: [Transport; 2] = [Transport::Hyper, Transport::AsyncStd];

    /// The crate's name, for assertion messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hyper => "captcha-hyper",
            Self::AsyncStd => "captcha-async-std",
        }
    }

    /// A client of this transport built from `settings`.
    pub fn client(self, settings: ClientSettings) -> TestClient {
        self.try_client(settings)
            .unwrap_or_else(|e| panic!("{} client builds: {e}", self.name()))
    }

    /// A client of this transport built from `settings`, or the transport's reason not to
    /// (with the builder's `settings()`, what the crate's `ClientBuilder::build` does).
    pub fn try_client(self, settings: ClientSettings) -> Result<TestClient, BuildError> {
        Ok(match self {
            Self::Hyper => TestClient::Hyper(captcha_hyper::Client::from_settings(settings)?),
            Self::AsyncStd => {
                TestClient::AsyncStd(captcha_async_std::Client::from_settings(settings)?)
            }
        })
    }

    /// Runs `future` to completion on this transport's executor: the shared tokio runtime
    /// for hyper, async-std's global executor for async-std.
    pub fn block_on<F: Future>(self, future: F) -> F::Output {
        match self {
            Self::Hyper => crate::runtime::clients().block_on(future),
            Self::AsyncStd => async_std::task::block_on(future),
        }
    }

    /// Runs `future` to completion as the transport crate's own `#[tokio::test]` or
    /// `#[async_std::test]` would: hyper on a fresh current-thread tokio runtime (dropped
    /// afterwards, with any pooled connections), async-std on its global executor.
    ///
    /// On one thread, hyper's pool has a connection back before the next call checks one
    /// out, so a scenario can count connections exactly; on the shared multi-threaded
    /// runtime of [`Transport::block_on`] a call may race a fresh connect against the
    /// return of the idle one. A client's calls must all happen inside one such run.
    pub fn block_on_one_thread<F: Future>(self, future: F) -> F::Output {
        match self {
            Self::Hyper => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread tokio runtime can be built")
                .block_on(future),
            Self::AsyncStd => async_std::task::block_on(future),
        }
    }
}

/// Settings for a client of `endpoint` signing with `credential`; every other knob at its
/// default (tests change the public fields they care about).
pub fn settings(endpoint: Endpoint, credential: Credential) -> ClientSettings {
    captcha_hyper::ClientBuilder::new()
        .api2_endpoint(endpoint)
        .credential(credential)
        .settings()
        .expect("valid client settings")
}

/// A client of either transport. Its futures must run on [`Transport::block_on`] of
/// [`TestClient::transport`] (hyper needs the tokio runtime).
#[derive(Debug, Clone)]
pub enum TestClient {
    /// A `captcha-hyper` client.
    Hyper(captcha_hyper::Client),
    /// A `captcha-async-std` client.
    AsyncStd(captcha_async_std::Client),
}

/// Calls the same method on whichever client this is.
macro_rules! dispatch {
    ($self:ident, $client:ident => $call:expr) => {
        match $self {
            TestClient::Hyper($client) => $call,
            TestClient::AsyncStd($client) => $call,
        }
    };
}

impl TestClient {
    /// Which transport this is.
    pub fn transport(&self) -> Transport {
        match self {
            Self::Hyper(_) => Transport::Hyper,
            Self::AsyncStd(_) => Transport::AsyncStd,
        }
    }

    /// A handle with another whole-call limit, sharing this client's pool.
    pub fn with_timeout(&self, limit: Duration) -> Self {
        match self {
            Self::Hyper(c) => Self::Hyper(c.with_timeout(limit)),
            Self::AsyncStd(c) => Self::AsyncStd(c.with_timeout(limit)),
        }
    }

    /// The settings the client was built with.
    pub fn settings(&self) -> &ClientSettings {
        dispatch!(self, c => c.settings())
    }

    /// `CaptchaCheck`.
    pub async fn check(&self, action: &CaptchaCheck) -> Result<CheckVerdict, Error> {
        dispatch!(self, c => c.captcha_check(action).await)
    }

    /// `CaptchaGetUrl`.
    pub async fn get_url(&self, action: &CaptchaGetUrl) -> Result<CaptchaUrl, Error> {
        dispatch!(self, c => c.captcha_get_url(action).await)
    }

    /// `CaptchaIframeQuery`.
    pub async fn iframe_query(&self, action: &CaptchaIframeQuery) -> Result<CaptchaUrl, Error> {
        dispatch!(self, c => c.captcha_iframe_query(action).await)
    }

    /// `CaptchaQuery`.
    pub async fn query(&self, action: &CaptchaQuery) -> Result<CaptchaScript, Error> {
        dispatch!(self, c => c.captcha_query(action).await)
    }

    /// Fetches a captcha image.
    pub async fn fetch_image(&self, url: &CaptchaUrl) -> Result<CaptchaImage, Error> {
        dispatch!(self, c => c.fetch_image(url).await)
    }

    /// `CaptchaVerify`.
    pub async fn verify(&self, action: &CaptchaVerify) -> Result<VerifyVerdict, Error> {
        dispatch!(self, c => c.captcha_verify(action).await)
    }

    /// Any API 2.0 action.
    pub async fn call<A: Api2Action + ?Sized>(&self, action: &A) -> Result<A::Output, Error> {
        dispatch!(self, c => c.call_api2(action).await)
    }

    /// API 3.0 `DescribeCaptchaResult`.
    pub async fn describe_result(
        &self,
        action: &DescribeCaptchaResult,
    ) -> Result<CaptchaResult, Error> {
        dispatch!(self, c => c.describe_captcha_result(action).await)
    }

    /// Where the credential came from (fetched if needed), without its secrets.
    pub async fn credential_report(
        &self,
    ) -> Result<captcha_client::credentials::CredentialReport, Error> {
        dispatch!(self, c => c.credential_report().await)
    }

    /// How many times the client asked its credential source.
    pub fn credential_fetches(&self) -> u64 {
        match self {
            Self::Hyper(c) => c.credential_fetches(),
            Self::AsyncStd(c) => c.credential_fetches(),
        }
    }

    /// Any API 3.0 action.
    pub async fn call_api3<A: captcha_proto::Api3Action + ?Sized>(
        &self,
        action: &A,
    ) -> Result<A::Output, Error> {
        dispatch!(self, c => c.call_api3(action).await)
    }

    /// Any [`Exchange`].
    pub async fn exchange<E: Exchange + ?Sized>(&self, exchange: &E) -> Result<E::Output, Error> {
        dispatch!(self, c => c.exchange(exchange).await)
    }
}
