//! [`AnyClient`]: one blocking face over both transports, chosen by `--transport`.

use std::time::Duration;

use captcha_client::{ClientSettings, Error};
use captcha_proto::Exchange;
use captcha_proto::{Api2Config, CaptchaImage, CaptchaUrl};

use crate::args::TransportArg;
use crate::failure::Failure;

/// A built client of either transport, driven to completion on its own runtime.
pub enum AnyClient {
    /// captcha-hyper on a current-thread tokio runtime.
    Hyper(captcha_hyper::Client, tokio::runtime::Runtime),
    /// captcha-async-std.
    AsyncStd(captcha_async_std::Client),
}

impl AnyClient {
    /// Builds the chosen transport around `config` with a whole-call `timeout`.
    pub fn build(
        transport: TransportArg,
        config: Api2Config,
        timeout: Duration,
    ) -> Result<Self, Failure> {
        let mut settings = ClientSettings::new(config.credential().clone());
        settings.api2 = config;
        settings.timeout = timeout;
        Ok(match transport {
            TransportArg::Hyper => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        Failure::Transport(format!("cannot start the tokio runtime: {e}"))
                    })?;
                let client = {
                    let _context = runtime.enter();
                    captcha_hyper::Client::from_settings(settings)?
                };
                Self::Hyper(client, runtime)
            }
            TransportArg::AsyncStd => {
                Self::AsyncStd(captcha_async_std::Client::from_settings(settings)?)
            }
        })
    }

    /// The transport's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Hyper(..) => "hyper",
            Self::AsyncStd(_) => "async-std",
        }
    }

    /// Performs one exchange, blocking until it completes.
    pub fn exchange<E: Exchange>(&self, exchange: &E) -> Result<E::Output, Error> {
        match self {
            Self::Hyper(client, runtime) => runtime.block_on(client.exchange(exchange)),
            Self::AsyncStd(client) => async_std::task::block_on(client.exchange(exchange)),
        }
    }

    /// Downloads a captcha image and its `vsig` cookie.
    pub fn fetch_image(&self, url: &CaptchaUrl) -> Result<CaptchaImage, Error> {
        match self {
            Self::Hyper(client, runtime) => runtime.block_on(client.fetch_image(url)),
            Self::AsyncStd(client) => async_std::task::block_on(client.fetch_image(url)),
        }
    }
}
