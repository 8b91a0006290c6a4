//! The answer of the four ticket checks, read in one pass over the body: the verdict
//! fields, and the risk objects of `DescribeCaptchaRceResult` and
//! `DescribeCaptchaMiniRiskResult`. Strings borrow from the body until a field is kept.

use std::borrow::Cow;

use serde::de::MapAccess;

use super::envelope::{Reply, ResponseBody};
use super::json::{Key, Raw, Read, Shape, Skip, WrongType};
use super::result::{CaptchaResult, Verdict};
use crate::error::ResponseError;

/// What the ticket checks read of `Response`: the verdict fields, and the risk object of
/// the action, if it answers one.
pub(super) struct TicketAnswer<'de> {
    /// The fields of [`CaptchaResult`].
    pub verdict: VerdictFields<'de>,
    /// The name of the risk object: `RceResult`, `ManageMarketingRiskValue` or none.
    risk_name: Option<&'static str>,
    /// The risk object.
    pub risk: RiskObject<'de>,
}

impl TicketAnswer<'_> {
    /// An answer with the risk object `risk_name`, if any (another is an unknown key).
    pub(super) fn new(risk_name: Option<&'static str>) -> Self {
        Self {
            verdict: VerdictFields::default(),
            risk_name,
            risk: RiskObject::default(),
        }
    }
}

/// The fields of [`CaptchaResult`], as read.
#[derive(Default)]
pub(super) struct VerdictFields<'de> {
    captcha_code: Raw<'de>,
    captcha_msg: Raw<'de>,
    evil_level: Raw<'de>,
    get_captcha_time: Raw<'de>,
    submit_captcha_time: Raw<'de>,
    evil_bitmap: Raw<'de>,
    device_risk_category: Raw<'de>,
    score: Raw<'de>,
    request_id: Raw<'de>,
}

impl<'de> ResponseBody<'de> for TicketAnswer<'de> {
    fn reset(&mut self) {
        *self = Self::new(self.risk_name);
    }

    fn read_field<A: MapAccess<'de>>(
        &mut self,
        key: Cow<'de, str>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let fields = &mut self.verdict;
        let slot = match &*key {
            "CaptchaCode" => &mut fields.captcha_code,
            "CaptchaMsg" => &mut fields.captcha_msg,
            "EvilLevel" => &mut fields.evil_level,
            "GetCaptchaTime" => &mut fields.get_captcha_time,
            "SubmitCaptchaTime" => &mut fields.submit_captcha_time,
            "EvilBitmap" => &mut fields.evil_bitmap,
            "DeviceRiskCategory" => &mut fields.device_risk_category,
            "Score" => &mut fields.score,
            "RequestId" => &mut fields.request_id,
            name if self.risk_name == Some(name) => {
                return map.next_value_seed(Read(RiskShape(&mut self.risk)));
            }
            _ => {
                map.next_value::<Skip>()?;
                return Ok(());
            }
        };
        *slot = map.next_value()?;
        Ok(())
    }

    fn request_id(&self) -> Option<&str> {
        self.verdict.request_id.as_text()
    }
}

impl VerdictFields<'_> {
    /// The result, or a decode error naming the first field at fault: `CaptchaCode`, then
    /// `RequestId` (both required), then the others in the order of [`CaptchaResult`].
    pub(super) fn into_result(
        self,
        reply: Reply<'_>,
        disaster_recovery_ticket: bool,
    ) -> Result<CaptchaResult, ResponseError> {
        self.convert(disaster_recovery_ticket)
            .map_err(|fault| match fault {
                Fault::Missing(field) => reply.missing(field),
                Fault::NotInteger(field) => reply.invalid(field, "is not an integer"),
                Fault::NotString(field) => reply.invalid(field, "is not a string"),
            })
    }

    // Faults stay small until one is reported: a `ResponseError` in every `Result` of the
    // way costs copies.
    fn convert(self, disaster_recovery_ticket: bool) -> Result<CaptchaResult, Fault> {
        let int = |field, raw: Raw<'_>| raw.integer().map_err(|WrongType| Fault::NotInteger(field));
        let text =
            |field, raw: Raw<'_>| raw.into_text().map_err(|WrongType| Fault::NotString(field));
        let code = int("CaptchaCode", self.captcha_code)?.ok_or(Fault::Missing("CaptchaCode"))?;
        let request_id = text("RequestId", self.request_id)?.ok_or(Fault::Missing("RequestId"))?;
        Ok(CaptchaResult {
            verdict: Verdict::from_code(code, disaster_recovery_ticket),
            code,
            message: text("CaptchaMsg", self.captcha_msg)?,
            evil_level: int("EvilLevel", self.evil_level)?,
            get_captcha_time: int("GetCaptchaTime", self.get_captcha_time)?,
            submit_captcha_time: int("SubmitCaptchaTime", self.submit_captcha_time)?,
            evil_bitmap: int("EvilBitmap", self.evil_bitmap)?,
            device_risk_category: text("DeviceRiskCategory", self.device_risk_category)?,
            score: int("Score", self.score)?,
            request_id,
        })
    }
}

/// What is wrong with a verdict field.
enum Fault {
    Missing(&'static str),
    NotInteger(&'static str),
    NotString(&'static str),
}

/// A risk object (`RceResult`, `ManageMarketingRiskValue`), as read (in place: no enum
/// around the fields, which would be built aside and moved).
#[derive(Default)]
pub(super) struct RiskObject<'de> {
    kind: RiskKind,
    fields: RiskFields<'de>,
}

/// What the value of a risk object is.
#[derive(Default, Clone, Copy)]
enum RiskKind {
    /// Absent or `null`.
    #[default]
    None,
    /// Not an object.
    WrongType,
    /// An object, read into the fields.
    Object,
}

/// The fields of a risk object, as read (`ConstId` and `RiskInformation` only in
/// `RceResult`).
#[derive(Default)]
struct RiskFields<'de> {
    user_id: Raw<'de>,
    post_time: Raw<'de>,
    associate_account: Raw<'de>,
    user_ip: Raw<'de>,
    risk_level: Raw<'de>,
    risk_type: RiskTypes,
    const_id: Raw<'de>,
    risk_information: Raw<'de>,
}

/// `RiskType`, as read: a list of integers.
#[derive(Default)]
enum RiskTypes {
    /// Absent or `null`.
    #[default]
    None,
    /// Not a list.
    WrongType,
    /// The list, or the index of its first element that is not an integer.
    List(Result<Vec<i64>, usize>),
}

struct RiskShape<'a, 'de>(&'a mut RiskObject<'de>);

impl<'de> Shape<'de> for RiskShape<'_, 'de> {
    type Value = ();

    fn value(self, raw: Raw<'de>) {
        self.0.kind = if raw.is_none() {
            RiskKind::None
        } else {
            RiskKind::WrongType
        };
    }

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.kind = RiskKind::Object;
        let fields = &mut self.0.fields;
        *fields = RiskFields::default();
        while let Some(Key(key)) = map.next_key()? {
            let slot = match &*key {
                "UserId" => &mut fields.user_id,
                "PostTime" => &mut fields.post_time,
                "AssociateAccount" => &mut fields.associate_account,
                "UserIp" => &mut fields.user_ip,
                "RiskLevel" => &mut fields.risk_level,
                "ConstId" => &mut fields.const_id,
                "RiskInformation" => &mut fields.risk_information,
                "RiskType" => {
                    fields.risk_type = map.next_value_seed(Read(RiskTypesShape))?;
                    continue;
                }
                _ => {
                    map.next_value::<Skip>()?;
                    continue;
                }
            };
            *slot = map.next_value()?;
        }
        Ok(())
    }
}

struct RiskTypesShape;

impl<'de> Shape<'de> for RiskTypesShape {
    type Value = RiskTypes;

    fn value(self, raw: Raw<'de>) -> RiskTypes {
        if raw.is_none() {
            RiskTypes::None
        } else {
            RiskTypes::WrongType
        }
    }

    fn array<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RiskTypes, A::Error> {
        let mut list = Ok(Vec::new());
        let mut index = 0;
        while let Some(element) = seq.next_element::<Raw<'_>>()? {
            match (&mut list, element.integer_element()) {
                (Ok(list), Ok(value)) => list.push(value),
                (Ok(_), Err(WrongType)) => list = Err(index),
                (Err(_), _) => {}
            }
            index += 1;
        }
        Ok(RiskTypes::List(list))
    }
}

/// The fields of a risk object, checked.
pub(super) struct RiskValues {
    pub user_id: Option<String>,
    pub post_time: Option<i64>,
    pub associate_account: Option<String>,
    pub user_ip: Option<String>,
    pub risk_level: Option<String>,
    pub risk_type: Option<Vec<i64>>,
    pub const_id: Option<String>,
    pub risk_information: Option<String>,
}

impl RiskObject<'_> {
    /// The object `name` (`None` when absent or `null`), or a decode error at the path of
    /// its first field at fault. `rce` says whether `ConstId` and `RiskInformation` are
    /// fields (of `RceResult`) or unknown keys (of `ManageMarketingRiskValue`).
    pub(super) fn check(
        self,
        name: &'static str,
        rce: bool,
        reply: Reply<'_>,
    ) -> Result<Option<RiskValues>, ResponseError> {
        self.convert(rce).map_err(|fault| {
            reply.wrong_type_at(match fault {
                RiskFault::Object => name.to_owned(),
                RiskFault::Field(field) => format!("{name}.{field}"),
                RiskFault::RiskType(index) => format!("{name}.RiskType[{index}]"),
            })
        })
    }

    fn convert(self, rce: bool) -> Result<Option<RiskValues>, RiskFault> {
        match self.kind {
            RiskKind::None => return Ok(None),
            RiskKind::WrongType => return Err(RiskFault::Object),
            RiskKind::Object => {}
        }
        let fields = self.fields;
        let text =
            |field, raw: Raw<'_>| raw.into_text().map_err(|WrongType| RiskFault::Field(field));
        let rce_text = |field, raw: Raw<'_>| if rce { text(field, raw) } else { Ok(None) };
        // In the order of their names, so that the field an error names does not depend
        // on the order of the keys in the body.
        let associate_account = text("AssociateAccount", fields.associate_account)?;
        let const_id = rce_text("ConstId", fields.const_id)?;
        let post_time =
            (fields.post_time.integer()).map_err(|WrongType| RiskFault::Field("PostTime"))?;
        let risk_information = rce_text("RiskInformation", fields.risk_information)?;
        let risk_level = text("RiskLevel", fields.risk_level)?;
        let risk_type = match fields.risk_type {
            RiskTypes::None => None,
            RiskTypes::WrongType => return Err(RiskFault::Field("RiskType")),
            RiskTypes::List(Err(index)) => return Err(RiskFault::RiskType(index)),
            RiskTypes::List(Ok(list)) => Some(list),
        };
        Ok(Some(RiskValues {
            user_id: text("UserId", fields.user_id)?,
            post_time,
            associate_account,
            user_ip: text("UserIp", fields.user_ip)?,
            risk_level,
            risk_type,
            const_id,
            risk_information,
        }))
    }
}

/// Where a risk object has the wrong type.
enum RiskFault {
    /// The object itself.
    Object,
    /// A field.
    Field(&'static str),
    /// An element of `RiskType`, by index.
    RiskType(usize),
}
