//! `CaptchaCheck` (docs/protocol.md, "CaptchaCheck"): spends a ticket minted by the emulator.

use bytes::Bytes;

use super::ActionContext;
use crate::reply::Reply;
use crate::tickets::CheckOutcome;

pub(crate) const NAME: &str = "CaptchaCheck";

/// The answer for a passing ticket.
const PASS: &[u8] = br#"{"code":0,"message":"No Error","codeDesc":"Success"}"#;

/// Code 0 for a valid, unexpired, unused ticket of the same `userIp` and `captchaType`;
/// 5100 with the reason otherwise. Missing `ticket`, `userIp` or `captchaType`: 4000.
pub(crate) fn run(ctx: &ActionContext<'_>) -> Result<Reply, Reply> {
    let ticket = ctx.required(NAME, "ticket")?;
    let user_ip = ctx.required(NAME, "userIp")?;
    let captcha_type = ctx.required_uint(NAME, "captchaType")?;
    let outcome = ctx
        .state
        .tickets
        .check(ticket, user_ip, captcha_type, ctx.now);
    let (message, code_desc) = match outcome {
        CheckOutcome::Pass => return Ok(Reply::api(0, Bytes::from_static(PASS))),
        CheckOutcome::Unknown => (
            "verification failed: the ticket is invalid",
            "TicketInvalid",
        ),
        CheckOutcome::Expired => (
            "verification failed: the ticket has expired",
            "TicketExpired",
        ),
        CheckOutcome::Used => (
            "verification failed: the ticket was already checked",
            "TicketUsed",
        ),
        CheckOutcome::WrongUserIp => (
            "verification failed: the ticket was issued for another userIp",
            "TicketMismatch",
        ),
        CheckOutcome::WrongCaptchaType => (
            "verification failed: the ticket was issued for another captchaType",
            "TicketMismatch",
        ),
    };
    Ok(Reply::api_error_with_desc(5100, message, code_desc))
}
