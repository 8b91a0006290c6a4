//! The action's fields of a GET query or a form body, as the same map the JSON body gives
//! (`super::describe` reads both alike). Every value arrives as text: the SDKs flatten nested
//! values to dotted keys (`Tags.0.Key=a`) and write numbers as digits (`CaptchaType=9`), so
//! the digits of a numeric field of the action (`super::schema`) become a JSON number here;
//! anything else stays text, which the action then refuses as `InvalidParameter` naming the
//! field.

use serde_json::{Map, Number, Value};

use super::Refusal;
use super::envelope::INVALID_PARAMETER;
use super::schema;
use crate::common::shorten;
use crate::params::{MAX_PARAMS, WireParams};

/// Reads `params` of `action` into a field map, leaving out the names in `common`
/// (signature v1's common parameters, which travel with the action's own). Refuses more
/// than [`MAX_PARAMS`] parameters and a name given twice.
pub(crate) fn fields(
    action: &str,
    params: &WireParams<'_>,
    common: &[&str],
) -> Result<Map<String, Value>, Refusal> {
    check_shape(params)?;
    Ok(params
        .iter()
        .filter(|(name, _)| !common.contains(name))
        .map(|(name, value)| (name.to_owned(), field_value(action, name, value)))
        .collect())
}

/// Refuses a request with too many parameters, or with one given more than once.
pub(crate) fn check_shape(params: &WireParams<'_>) -> Result<(), Refusal> {
    if params.too_many() {
        return Err((
            INVALID_PARAMETER,
            format!("the request carries more than {MAX_PARAMS} parameters"),
        ));
    }
    if let Some(name) = params.duplicate() {
        return Err((
            INVALID_PARAMETER,
            format!("the parameter `{}` is given more than once", shorten(&name)),
        ));
    }
    Ok(())
}

/// A numeric field's digits (with a leading `-` for a negative one) as a number; every
/// other value as text.
fn field_value(action: &str, name: &str, value: &str) -> Value {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if schema::is_numeric(action, name)
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        if let Ok(number) = value.parse::<u64>() {
            return Value::Number(Number::from(number));
        }
        if let Ok(number) = value.parse::<i64>() {
            return Value::Number(Number::from(number));
        }
    }
    Value::String(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_fields_become_numbers_and_the_rest_stays_text() {
        let params = WireParams::parse(
            b"CaptchaType=9&CaptchaAppId=190000000&Ticket=123&UserIp=1.2.3.4&SceneId=x1&BusinessId=-1&Action=A",
        );
        let map = fields("DescribeCaptchaResult", &params, &["Action"]).unwrap();
        assert_eq!(map["CaptchaType"], Value::from(9u64));
        assert_eq!(map["CaptchaAppId"], Value::from(190_000_000u64));
        assert_eq!(map["Ticket"], Value::from("123"));
        assert_eq!(map["SceneId"], Value::from("x1"));
        assert_eq!(map["BusinessId"], Value::from(-1i64));
        assert!(!map.contains_key("Action"));
    }

    #[test]
    fn a_string_field_of_digits_stays_text() {
        let params = WireParams::parse(b"CaptchaAppId=190000000&Dimension=3");
        let map = fields("GetRequestStatistics", &params, &[]).unwrap();
        assert_eq!(map["CaptchaAppId"], Value::from("190000000"));
        assert_eq!(map["Dimension"], Value::from("3"));
    }

    #[test]
    fn duplicates_are_refused() {
        let params = WireParams::parse(b"Ticket=a&Ticket=b");
        let (code, message) = fields("DescribeCaptchaResult", &params, &[]).unwrap_err();
        assert_eq!(code, INVALID_PARAMETER);
        assert!(message.contains("`Ticket`"), "{message}");
    }
}
