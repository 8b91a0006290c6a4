//! [`ImageExchange`]: fetching a captcha image as an [`Exchange`], so transports need no
//! special path for it.

use http::{Request, Response};

use super::{CaptchaImage, CaptchaUrl};
use crate::error::{EncodeError, ResponseError};
use crate::exchange::Exchange;
use crate::stamp::Stamp;

/// The GET of a `CaptchaGetUrl` image URL; decodes to the image and its `vsig` signature.
#[derive(Debug, Clone, Copy)]
pub struct ImageExchange<'a> {
    /// The one-time image URL.
    pub url: &'a CaptchaUrl,
    /// The `User-Agent` to send.
    pub user_agent: &'a str,
}

impl Exchange for ImageExchange<'_> {
    type Output = CaptchaImage;

    fn action_name(&self) -> &str {
        "CaptchaImage"
    }

    /// The image URL carries its own one-time signature: nothing to sign, the stamp is unused.
    fn encode(&self, _stamp: Stamp) -> Result<Request<Vec<u8>>, EncodeError> {
        Ok(CaptchaImage::request(self.url, self.user_agent))
    }

    fn decode(&self, response: &Response<Vec<u8>>) -> Result<CaptchaImage, ResponseError> {
        Ok(CaptchaImage::decode(
            response.status(),
            response.headers(),
            response.body(),
        )?)
    }

    /// A failed fetch can be repeated until the URL is used; the image itself is not a ticket.
    fn single_use(&self) -> bool {
        false
    }
}
