//! Nothing is missing: our own table of the 18 actions of captcha 2019-07-22 (every input
//! and output field with its wire name, type, and whether it is required or may be `null`,
//! nested objects included), checked against the typed code.
//!
//! - [`CAPTCHA_ACTIONS`] names exactly the table's 18 actions.
//! - Each of the 14 serde requests, built from the table, writes exactly the table's input
//!   keys (all of them, or only the required ones), with its action, service and version;
//!   its `REQUIRED` is the table's required set; an empty required string (or a
//!   `CaptchaAppId` of 0) is an `EncodeError` naming the field; unknown fields are refused and
//!   numeric strings accepted.
//! - Each of the 4 ticket checks writes exactly the table's inputs with every setter and the
//!   required ones without, refuses empty required values by name, and is single-use.
//! - Every answer generated from the table (numbers sometimes quoted, unknown keys beside
//!   every object and `Response`) decodes, and what it decodes to carries every table field
//!   with its value at every level, and nothing else. Removing a required member of a nested
//!   object is an `InvalidPath` naming it; `null` in a nullable field, or an absent optional
//!   field, decodes to `None`; `Response.Error` is `ResponseError::Api3` for every action.

use std::collections::BTreeSet;
use std::net::IpAddr;

use captcha_proto::api3::{
    Api3Action, CAPTCHA_ACTIONS, CaptchaResult, DescribeCaptchaAppIdInfo, DescribeCaptchaData,
    DescribeCaptchaDataSum, DescribeCaptchaMiniData, DescribeCaptchaMiniDataSum,
    DescribeCaptchaMiniOperData, DescribeCaptchaMiniResult, DescribeCaptchaMiniRiskResult,
    DescribeCaptchaOperData, DescribeCaptchaRceResult, DescribeCaptchaResult,
    DescribeCaptchaTicketData, DescribeCaptchaUserAllAppId, GetRequestStatistics,
    GetTicketStatistics, GetTotalRequestStatistics, GetTotalTicketStatistics,
    UpdateCaptchaAppIdInfo,
};
use captcha_proto::{DecodeErrorKind, EncodeError, ResponseError};
use http::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

/// A wire type.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Str,
    Int,
    Uint,
    Float,
    List(&'static Ty),
    Obj(&'static Object),
}

/// A named object type and its members.
#[derive(Debug)]
struct Object {
    name: &'static str,
    fields: &'static [Field],
}

/// One member: wire name, type, required, may be `null`.
#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    ty: Ty,
    required: bool,
    nullable: bool,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
        nullable: false,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
        nullable: false,
    }
}

impl Field {
    const fn null(self) -> Self {
        Field {
            nullable: true,
            ..self
        }
    }
}

/// One action: its name, request fields and answer fields (inside `Response`).
struct Action {
    name: &'static str,
    input: &'static [Field],
    output: &'static [Field],
}

use Ty::{Float, Int, List, Obj, Str, Uint};

const CAPTCHA_QUERY_DATA: Object = Object {
    name: "CaptchaQueryData",
    fields: &[req("Cnt", Int), req("Date", Str)],
};

const CAPTCHA_USER_ALL_APP_ID: Object = Object {
    name: "CaptchaUserAllAppId",
    fields: &[
        opt("CaptchaAppId", Int),
        opt("AppName", Str),
        opt("TcAppId", Int),
        opt("ChannelInfo", Str),
    ],
};

const OPER_LOAD_TIME_UNIT: Object = Object {
    name: "CaptchaOperDataLoadTimeUnit",
    fields: &[
        opt("DateKey", Str),
        opt("MarketLoadTime", Float),
        opt("AppIdLoadTime", Float),
    ],
};

const OPER_INTERCEPT_UNIT: Object = Object {
    name: "CaptchaOperDataInterceptUnit",
    fields: &[
        opt("DateKey", Str),
        opt("AllStopCnt", Float),
        opt("PicStopCnt", Float),
        opt("StrategyStopCnt", Float),
    ],
};

const OPER_TRY_TIMES_UNIT: Object = Object {
    name: "CaptchaOperDataTryTimesUnit",
    fields: &[
        opt("DateKey", Str),
        opt("CntPerPass", List(&Float)),
        opt("MarketCntPerPass", Float),
    ],
};

const OPER_TRY_TIMES_DISTRIBUTE_UNIT: Object = Object {
    name: "CaptchaOperDataTryTimesDistributeUnit",
    fields: &[opt("TryCount", Int), opt("UserCount", Int)],
};

const CAPTCHA_OPER_DATA_RES: Object = Object {
    name: "CaptchaOperDataRes",
    fields: &[
        req(
            "OperDataLoadTimeUnitArray",
            List(&Obj(&OPER_LOAD_TIME_UNIT)),
        )
        .null(),
        req(
            "OperDataInterceptUnitArray",
            List(&Obj(&OPER_INTERCEPT_UNIT)),
        )
        .null(),
        req(
            "OperDataTryTimesUnitArray",
            List(&Obj(&OPER_TRY_TIMES_UNIT)),
        )
        .null(),
        req(
            "OperDataTryTimesDistributeUnitArray",
            List(&Obj(&OPER_TRY_TIMES_DISTRIBUTE_UNIT)),
        )
        .null(),
    ],
};

const TICKET_AMOUNT_UNIT: Object = Object {
    name: "TicketAmountUnit",
    fields: &[opt("DateKey", Str), opt("Amount", Int)],
};

const TICKET_THROUGH_UNIT: Object = Object {
    name: "TicketThroughUnit",
    fields: &[opt("DateKey", Str), opt("Through", Int)],
};

const TICKET_INTERCEPT_UNIT: Object = Object {
    name: "TicketInterceptUnit",
    fields: &[opt("DateKey", Str), opt("Intercept", Int)],
};

const CAPTCHA_TICKET_DATA_RES: Object = Object {
    name: "CaptchaTicketDataRes",
    fields: &[
        req("TicketAmountArray", List(&Obj(&TICKET_AMOUNT_UNIT))),
        req("TicketThroughArray", List(&Obj(&TICKET_THROUGH_UNIT))),
        req("TicketInterceptArray", List(&Obj(&TICKET_INTERCEPT_UNIT))),
    ],
};

const REQUEST_TREND_OBJ: Object = Object {
    name: "RequestTrendObj",
    fields: &[
        req("Ftime", Str),
        req("RequestAction", Int),
        req("RequestVerify", Int),
        req("RequestThroughput", Int),
        req("RequestIntercept", Uint),
    ],
};

const INTERCEPT_PER_TREND_OBJ: Object = Object {
    name: "InterceptPerTrendObj",
    fields: &[
        req("Ftime", Str),
        req("RequestInterceptPer", Float),
        req("AnswerInterceptPer", Float),
        req("PolicyInterceptPer", Float),
    ],
};

const TICKET_CHECK_TREND_OBJ: Object = Object {
    name: "TicketCheckTrendObj",
    fields: &[
        req("Ftime", Str),
        req("TicketCount", Int),
        req("TicketThroughput", Int),
        req("TicketIntercept", Int),
    ],
};

const CAPTCHA_STATISTIC_OBJ: Object = Object {
    name: "CaptchaStatisticObj",
    fields: &[
        req("ActionTotal", Int),
        req("VerifyTotal", Int),
        req("VerifyThroughTotal", Int),
        req("VerifyInterceptTotal", Int),
        req("TicketTotal", Int),
        req("TicketThroughTotal", Int),
        req("TicketInterceptTotal", Int),
        req("RequestTrend", List(&Obj(&REQUEST_TREND_OBJ))).null(),
        req("InterceptPerTrend", List(&Obj(&INTERCEPT_PER_TREND_OBJ))).null(),
        req("TicketCheckTrend", List(&Obj(&TICKET_CHECK_TREND_OBJ))).null(),
    ],
};

const RCE_RESULT: Object = Object {
    name: "RceResult",
    fields: &[
        opt("UserId", Str),
        opt("PostTime", Int),
        opt("AssociateAccount", Str),
        opt("UserIp", Str),
        opt("RiskLevel", Str),
        opt("RiskType", List(&Int)),
        opt("ConstId", Str),
        opt("RiskInformation", Str),
    ],
};

const OUTPUT_MANAGE_MARKETING_RISK_VALUE: Object = Object {
    name: "OutputManageMarketingRiskValue",
    fields: &[
        opt("UserId", Str),
        opt("PostTime", Int),
        opt("AssociateAccount", Str),
        opt("UserIp", Str),
        opt("RiskLevel", Str),
        opt("RiskType", List(&Int)).null(),
    ],
};

// Requests.

const DATA_IN: &[Field] = &[
    req("CaptchaAppId", Int),
    req("Start", Int),
    req("End", Int),
    req("Type", Int),
];
const DATA_SUM_IN: &[Field] = &[req("CaptchaAppId", Int), req("Start", Int), req("End", Int)];
const OPER_DATA_IN: &[Field] = &[
    req("CaptchaAppId", Uint),
    req("Start", Uint),
    req("Type", Uint),
    opt("End", Uint),
];
const APP_STATISTICS_IN: &[Field] = &[
    req("CaptchaAppId", Str),
    req("StartTimeStr", Str),
    req("EndTimeStr", Str),
    req("Dimension", Str),
];
const TOTAL_STATISTICS_IN: &[Field] = &[
    req("StartTimeStr", Str),
    req("EndTimeStr", Str),
    req("Dimension", Str),
];
const WEB_TICKET_IN: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("Randstr", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
    opt("NeedGetCaptchaTime", Int),
];
const MINI_TICKET_IN: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
];
const MINI_RISK_IN: &[Field] = &[
    req("CaptchaType", Uint),
    req("Ticket", Str),
    req("UserIp", Str),
    req("CaptchaAppId", Uint),
    req("AppSecretKey", Str),
    opt("BusinessId", Uint),
    opt("SceneId", Uint),
    opt("MacAddress", Str),
    opt("Imei", Str),
    opt("SceneCode", Int),
    opt("WeChatOpenId", Str),
];

// Answers (Tencent marks every top-level answer field optional).

const OUTCOME_OUT: &[Field] = &[
    opt("CaptchaCode", Int),
    opt("CaptchaMsg", Str),
    opt("RequestId", Str),
];
const DATA_OUT: &[Field] = &[
    opt("CaptchaCode", Int),
    opt("Data", List(&Obj(&CAPTCHA_QUERY_DATA))),
    opt("CaptchaMsg", Str),
    opt("RequestId", Str),
];
const DATA_SUM_OUT: &[Field] = &[
    opt("GetSum", Int),
    opt("VfySuccSum", Int),
    opt("VfySum", Int),
    opt("AttackSum", Int),
    opt("CaptchaMsg", Str),
    opt("CaptchaCode", Int),
    opt("CheckTicketSum", Int),
    opt("TicketThroughputSum", Int),
    opt("TicketInterceptSum", Int),
    opt("RequestId", Str),
];
const OPER_DATA_OUT: &[Field] = &[
    opt("CaptchaCode", Int),
    opt("CaptchaMsg", Str),
    opt("Data", Obj(&CAPTCHA_OPER_DATA_RES)),
    opt("RequestId", Str),
];
const STATISTICS_OUT: &[Field] = &[
    opt("Data", Obj(&CAPTCHA_STATISTIC_OBJ)).null(),
    opt("CaptchaCode", Int),
    opt("CaptchaMsg", Str),
    opt("RequestId", Str),
];

/// The 18 actions, in Tencent's alphabetical order.
const TABLE: [Action; 18] = [
    Action {
        name: "DescribeCaptchaAppIdInfo",
        input: &[req("CaptchaAppId", Uint)],
        output: &[
            opt("SchemeColor", Str),
            opt("Language", Int),
            opt("SceneType", Int),
            opt("EvilInterceptGrade", Int),
            opt("SmartVerify", Int),
            opt("SmartEngine", Int),
            opt("CapType", Int),
            opt("AppName", Str),
            opt("DomainLimit", Str),
            opt("MailAlarm", List(&Str)).null(),
            opt("TrafficThreshold", Int),
            opt("EncryptKey", Str),
            opt("TopFullScreen", Int),
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "DescribeCaptchaData",
        input: DATA_IN,
        output: DATA_OUT,
    },
    Action {
        name: "DescribeCaptchaDataSum",
        input: DATA_SUM_IN,
        output: DATA_SUM_OUT,
    },
    Action {
        name: "DescribeCaptchaMiniData",
        input: DATA_IN,
        output: DATA_OUT,
    },
    Action {
        name: "DescribeCaptchaMiniDataSum",
        input: DATA_SUM_IN,
        output: DATA_SUM_OUT,
    },
    Action {
        name: "DescribeCaptchaMiniOperData",
        input: OPER_DATA_IN,
        output: OPER_DATA_OUT,
    },
    Action {
        name: "DescribeCaptchaMiniResult",
        input: MINI_TICKET_IN,
        output: OUTCOME_OUT,
    },
    Action {
        name: "DescribeCaptchaMiniRiskResult",
        input: MINI_RISK_IN,
        output: &[
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt(
                "ManageMarketingRiskValue",
                Obj(&OUTPUT_MANAGE_MARKETING_RISK_VALUE),
            ),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "DescribeCaptchaOperData",
        input: OPER_DATA_IN,
        output: OPER_DATA_OUT,
    },
    Action {
        name: "DescribeCaptchaRceResult",
        input: WEB_TICKET_IN,
        output: &[
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt("EvilLevel", Int),
            opt("GetCaptchaTime", Int),
            opt("EvilBitmap", Int).null(),
            opt("SubmitCaptchaTime", Int),
            opt("RceResult", Obj(&RCE_RESULT)),
            opt("DeviceRiskCategory", Str),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "DescribeCaptchaResult",
        input: WEB_TICKET_IN,
        output: &[
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt("EvilLevel", Int),
            opt("GetCaptchaTime", Int),
            opt("EvilBitmap", Int).null(),
            opt("SubmitCaptchaTime", Int),
            opt("DeviceRiskCategory", Str).null(),
            opt("Score", Int),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "DescribeCaptchaTicketData",
        input: &[req("CaptchaAppId", Int), req("Start", Int), opt("End", Int)],
        output: &[
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt("Data", Obj(&CAPTCHA_TICKET_DATA_RES)),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "DescribeCaptchaUserAllAppId",
        input: &[],
        output: &[
            opt("Data", List(&Obj(&CAPTCHA_USER_ALL_APP_ID))),
            opt("CaptchaCode", Int),
            opt("CaptchaMsg", Str),
            opt("RequestId", Str),
        ],
    },
    Action {
        name: "GetRequestStatistics",
        input: APP_STATISTICS_IN,
        output: STATISTICS_OUT,
    },
    Action {
        name: "GetTicketStatistics",
        input: APP_STATISTICS_IN,
        output: STATISTICS_OUT,
    },
    Action {
        name: "GetTotalRequestStatistics",
        input: TOTAL_STATISTICS_IN,
        output: STATISTICS_OUT,
    },
    Action {
        name: "GetTotalTicketStatistics",
        input: TOTAL_STATISTICS_IN,
        output: STATISTICS_OUT,
    },
    Action {
        name: "UpdateCaptchaAppIdInfo",
        input: &[
            req("CaptchaAppId", Int),
            req("AppName", Str),
            req("DomainLimit", Str),
            req("SceneType", Int),
            req("CapType", Int),
            req("EvilInterceptGrade", Int),
            req("SmartVerify", Int),
            req("SmartEngine", Int),
            req("SchemeColor", Str),
            req("CaptchaLanguage", Int),
            req("MailAlarm", Str),
            req("TopFullScreen", Int),
            req("TrafficThreshold", Int),
        ],
        output: OUTCOME_OUT,
    },
];

/// The ticket checks: builder types, not serde structs.
const TICKET_CHECKS: [&str; 4] = [
    "DescribeCaptchaResult",
    "DescribeCaptchaRceResult",
    "DescribeCaptchaMiniResult",
    "DescribeCaptchaMiniRiskResult",
];

/// Answer fields the SDK needs although Tencent marks them optional: without them an answer
/// is a decode error (every action needs `RequestId`; a ticket check needs its verdict).
fn sdk_requires(action: &str, path: &str) -> bool {
    path == "RequestId" || (TICKET_CHECKS.contains(&action) && path == "CaptchaCode")
}

fn action(name: &str) -> &'static Action {
    TABLE
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the table"))
}

// ---------------------------------------------------------------------------------------
// Sample values generated from the table
// ---------------------------------------------------------------------------------------

/// Elements in every generated list.
const LIST_LEN: usize = 2;

fn fnv(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A positive number of four or five digits, different for (almost) every name.
fn int_sample(name: &str, salt: usize) -> u64 {
    1_000 + fnv(name) % 90_000 + salt as u64
}

/// Whether the sample of `name` travels as a numeric string.
fn quoted(name: &str, salt: usize) -> bool {
    (fnv(name) >> 17).wrapping_add(salt as u64) % 2 == 1
}

/// How a sample is written: as it travels (numbers sometimes quoted, unknown `Extra` keys
/// in every object), or as the typed code writes it back (plain numbers, table keys only).
#[derive(Clone, Copy, PartialEq)]
enum Form {
    Wire,
    Canonical,
}

fn sample(ty: &Ty, name: &str, salt: usize, form: Form) -> Value {
    let number = |value: Value| {
        if form == Form::Wire && quoted(name, salt) {
            Value::String(value.to_string())
        } else {
            value
        }
    };
    match ty {
        Str => Value::String(format!("{name}-{salt}")),
        Int => number(json!(i64::try_from(int_sample(name, salt)).unwrap())),
        Uint => number(json!(int_sample(name, salt))),
        Float => number(json!(int_sample(name, salt) as f64 + 0.25)),
        List(element) => Value::Array(
            (0..LIST_LEN)
                .map(|i| sample(element, name, salt + i, form))
                .collect(),
        ),
        Obj(object) => object_sample(object.fields, salt, form),
    }
}

fn object_sample(fields: &[Field], salt: usize, form: Form) -> Value {
    let mut map: Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.to_owned(), sample(&f.ty, f.name, salt, form)))
        .collect();
    if form == Form::Wire {
        map.insert("Extra".into(), json!({"Unknown": [1, "two", null]}));
    }
    Value::Object(map)
}

/// The full answer body as a server would send it.
fn wire_body(response: &Value) -> Vec<u8> {
    json!({"retcode": 0, "retmsg": "ok", "Response": response})
        .to_string()
        .into_bytes()
}

/// Every field of an answer at every level, with its readable path (as decode errors name
/// it) and its JSON pointer inside `Response`.
struct Site {
    path: String,
    pointer: String,
    field: Field,
}

fn sites(fields: &[Field], path: &str, pointer: &str, out: &mut Vec<Site>) {
    for field in fields {
        let path = if path.is_empty() {
            field.name.to_owned()
        } else {
            format!("{path}.{}", field.name)
        };
        let pointer = format!("{pointer}/{}", field.name);
        match field.ty {
            Obj(object) => sites(object.fields, &path, &pointer, out),
            List(Obj(object)) => {
                for i in 0..LIST_LEN {
                    sites(
                        object.fields,
                        &format!("{path}[{i}]"),
                        &format!("{pointer}/{i}"),
                        out,
                    );
                }
            }
            _ => {}
        }
        out.push(Site {
            path,
            pointer,
            field: *field,
        });
    }
}

fn all_sites(fields: &[Field]) -> Vec<Site> {
    let mut out = Vec::new();
    sites(fields, "", "", &mut out);
    out
}

/// Removes the member at `pointer` (its parent must be an object).
fn remove_at(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let removed = value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|object| object.remove(key));
    assert!(removed.is_some(), "nothing at {pointer}");
}

fn set_at(value: &mut Value, pointer: &str, new: Value) {
    *value
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("nothing at {pointer}")) = new;
}

/// The first place where `actual` differs from `expected`, if any.
fn difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let ek: BTreeSet<_> = e.keys().collect();
            let ak: BTreeSet<_> = a.keys().collect();
            if ek != ak {
                return Some(format!(
                    "{path}: keys differ: missing {:?}, extra {:?}",
                    ek.difference(&ak).collect::<Vec<_>>(),
                    ak.difference(&ek).collect::<Vec<_>>()
                ));
            }
            e.iter()
                .find_map(|(k, v)| difference(v, &a[k], &format!("{path}.{k}")))
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => e
            .iter()
            .zip(a)
            .enumerate()
            .find_map(|(i, (e, a))| difference(e, a, &format!("{path}[{i}]"))),
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}

// ---------------------------------------------------------------------------------------
// The typed code, action by action
// ---------------------------------------------------------------------------------------

/// Decodes an answer with an action's `decode` and writes what it read back as JSON, under
/// the wire names (serde answers re-serialised; ticket checks mapped field by field).
type Decoder = fn(StatusCode, &[u8]) -> Result<Value, ResponseError>;

/// What a serde request gives once deserialised from JSON.
struct Built {
    name: String,
    service: String,
    version: String,
    payload: Result<Vec<u8>, EncodeError>,
}

/// One of the 14 serde request types.
struct SerdeRequest {
    name: &'static str,
    action_const: &'static str,
    required: &'static [&'static str],
    build: fn(Value) -> Result<Built, serde_json::Error>,
    decode: Decoder,
}

fn build<T: DeserializeOwned + Api3Action>(json: Value) -> Result<Built, serde_json::Error> {
    let request: T = serde_json::from_value(json)?;
    Ok(Built {
        name: request.name().to_owned(),
        service: request.service().to_owned(),
        version: request.version().to_owned(),
        payload: request.payload(),
    })
}

fn decode_serde<T>(status: StatusCode, body: &[u8]) -> Result<Value, ResponseError>
where
    T: Api3Action + Default,
    T::Output: Serialize,
{
    T::default()
        .decode(status, body)
        .map(|output| serde_json::to_value(output).expect("answers serialise"))
}

macro_rules! serde_requests {
    ($($t:ident),* $(,)?) => {{
        vec![$(SerdeRequest {
            name: stringify!($t),
            action_const: $t::ACTION,
            required: $t::REQUIRED,
            build: build::<$t>,
            decode: decode_serde::<$t>,
        }),*]
    }};
}

fn serde_requests() -> Vec<SerdeRequest> {
    serde_requests![
        DescribeCaptchaAppIdInfo,
        DescribeCaptchaData,
        DescribeCaptchaDataSum,
        DescribeCaptchaMiniData,
        DescribeCaptchaMiniDataSum,
        DescribeCaptchaMiniOperData,
        DescribeCaptchaOperData,
        DescribeCaptchaTicketData,
        DescribeCaptchaUserAllAppId,
        GetRequestStatistics,
        GetTicketStatistics,
        GetTotalRequestStatistics,
        GetTotalTicketStatistics,
        UpdateCaptchaAppIdInfo,
    ]
}

fn ip() -> IpAddr {
    "203.0.113.7".parse().unwrap()
}

fn web(ticket: &str, randstr: &str, app_id: u64, key: &str) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(ticket, randstr, ip(), app_id, key)
}

fn mini(ticket: &str, app_id: u64, key: &str) -> DescribeCaptchaMiniResult {
    DescribeCaptchaMiniResult::new(ticket, ip(), app_id, key)
}

fn web_check() -> DescribeCaptchaResult {
    web("t03ticket", "@Vki", 199999164, "app-secret-key")
}

fn mini_check() -> DescribeCaptchaMiniResult {
    mini("t03mini", 199999164, "app-secret-key")
}

/// The verdict fields every ticket check decodes, under their wire names.
fn captcha_result_value(result: &CaptchaResult) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("CaptchaCode".into(), json!(result.code));
    map.insert("CaptchaMsg".into(), json!(result.message));
    map.insert("EvilLevel".into(), json!(result.evil_level));
    map.insert("GetCaptchaTime".into(), json!(result.get_captcha_time));
    map.insert("EvilBitmap".into(), json!(result.evil_bitmap));
    map.insert(
        "SubmitCaptchaTime".into(),
        json!(result.submit_captcha_time),
    );
    map.insert(
        "DeviceRiskCategory".into(),
        json!(result.device_risk_category),
    );
    map.insert("Score".into(), json!(result.score));
    map.insert("RequestId".into(), json!(result.request_id));
    map
}

fn decode_web(status: StatusCode, body: &[u8]) -> Result<Value, ResponseError> {
    let result = web_check().decode(status, body)?;
    Ok(Value::Object(captcha_result_value(&result)))
}

fn decode_rce(status: StatusCode, body: &[u8]) -> Result<Value, ResponseError> {
    let result = DescribeCaptchaRceResult::from(web_check()).decode(status, body)?;
    let mut map = captcha_result_value(&result.result);
    map.insert("RceResult".into(), json!(result.rce_result));
    Ok(Value::Object(map))
}

fn decode_mini(status: StatusCode, body: &[u8]) -> Result<Value, ResponseError> {
    let result = mini_check().decode(status, body)?;
    Ok(Value::Object(captcha_result_value(&result)))
}

fn decode_mini_risk(status: StatusCode, body: &[u8]) -> Result<Value, ResponseError> {
    let result = DescribeCaptchaMiniRiskResult::from(mini_check()).decode(status, body)?;
    let mut map = captcha_result_value(&result.result);
    map.insert(
        "ManageMarketingRiskValue".into(),
        json!(result.manage_marketing_risk_value),
    );
    Ok(Value::Object(map))
}

fn decoder(name: &str) -> Decoder {
    match name {
        "DescribeCaptchaResult" => decode_web,
        "DescribeCaptchaRceResult" => decode_rce,
        "DescribeCaptchaMiniResult" => decode_mini,
        "DescribeCaptchaMiniRiskResult" => decode_mini_risk,
        _ => {
            serde_requests()
                .into_iter()
                .find(|r| r.name == name)
                .unwrap_or_else(|| panic!("no typed request for {name}"))
                .decode
        }
    }
}

/// Decodes `response` with `action`'s decoder; for a ticket check, the typed fields the
/// action's answer does not have must be `None`, and are dropped.
fn decode_as(action: &Action, response: &Value) -> Result<Value, ResponseError> {
    let mut value = decoder(action.name)(StatusCode::OK, &wire_body(response))?;
    if TICKET_CHECKS.contains(&action.name) {
        let map = value.as_object_mut().unwrap();
        let foreign: Vec<String> = map
            .keys()
            .filter(|k| !action.output.iter().any(|f| f.name == k.as_str()))
            .cloned()
            .collect();
        for key in foreign {
            let value = map.remove(&key).unwrap();
            assert!(
                value.is_null(),
                "{}: {key} is not in the answer, yet decoded to {value}",
                action.name
            );
        }
    }
    Ok(value)
}

fn payload_object(payload: &[u8]) -> Map<String, Value> {
    match serde_json::from_slice(payload) {
        Ok(Value::Object(map)) => map,
        other => panic!("payload is not a JSON object: {other:?}"),
    }
}

fn keys(map: &Map<String, Value>) -> BTreeSet<&str> {
    map.keys().map(String::as_str).collect()
}

fn names<'a>(fields: impl IntoIterator<Item = &'a Field>) -> BTreeSet<&'a str> {
    fields.into_iter().map(|f| f.name).collect()
}

fn conforms(ty: &Ty, value: &Value) -> bool {
    match (ty, value) {
        (Str, Value::String(_)) => true,
        (Int, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Uint, Value::Number(n)) => n.is_u64(),
        (Float, Value::Number(_)) => true,
        (List(element), Value::Array(items)) => items.iter().all(|v| conforms(element, v)),
        (Obj(object), Value::Object(map)) => object
            .fields
            .iter()
            .all(|f| map.get(f.name).is_none_or(|v| conforms(&f.ty, v))),
        _ => false,
    }
}

/// The wire name an encode error blames.
fn blamed(error: &EncodeError) -> Option<&'static str> {
    match error {
        EncodeError::EmptyField { field } | EncodeError::InvalidValue { field, .. } => Some(field),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// The table itself
// ---------------------------------------------------------------------------------------

#[test]
fn the_table_is_well_formed() {
    let names: BTreeSet<_> = TABLE.iter().map(|a| a.name).collect();
    assert_eq!(names.len(), 18, "an action is listed twice");
    let mut objects = BTreeSet::new();
    for action in &TABLE {
        assert_eq!(
            names_are_unique(action.input),
            action.input.len(),
            "{}",
            action.name
        );
        for site in all_sites(action.output) {
            if let Obj(object) | List(&Obj(object)) = site.field.ty {
                objects.insert(object.name);
                assert_eq!(
                    names_are_unique(object.fields),
                    object.fields.len(),
                    "{}",
                    object.name
                );
            }
        }
        // Distinct samples, so a field read from the wrong key is caught.
        let samples: BTreeSet<_> = action
            .output
            .iter()
            .filter(|f| matches!(f.ty, Int | Uint | Float))
            .map(|f| int_sample(f.name, 0))
            .collect();
        let numeric = action
            .output
            .iter()
            .filter(|f| matches!(f.ty, Int | Uint | Float))
            .count();
        assert_eq!(samples.len(), numeric, "{}: samples collide", action.name);
    }
    // Every nested object of the brief is in the table.
    for object in [
        "CaptchaQueryData",
        "CaptchaOperDataRes",
        "CaptchaOperDataLoadTimeUnit",
        "CaptchaOperDataInterceptUnit",
        "CaptchaOperDataTryTimesUnit",
        "CaptchaOperDataTryTimesDistributeUnit",
        "CaptchaTicketDataRes",
        "TicketAmountUnit",
        "TicketThroughUnit",
        "TicketInterceptUnit",
        "CaptchaUserAllAppId",
        "CaptchaStatisticObj",
        "RequestTrendObj",
        "InterceptPerTrendObj",
        "TicketCheckTrendObj",
        "RceResult",
        "OutputManageMarketingRiskValue",
    ] {
        assert!(objects.contains(object), "{object} is not reachable");
    }
    assert_eq!(objects.len(), 17);
}

fn names_are_unique(fields: &[Field]) -> usize {
    names(fields).len()
}

#[test]
fn captcha_actions_are_the_tables_18() {
    assert_eq!(CAPTCHA_ACTIONS.len(), 18);
    let listed: BTreeSet<&str> = CAPTCHA_ACTIONS.iter().copied().collect();
    assert_eq!(listed.len(), 18, "CAPTCHA_ACTIONS repeats a name");
    let table: BTreeSet<&str> = TABLE.iter().map(|a| a.name).collect();
    assert_eq!(listed, table);
}

#[test]
fn every_action_is_typed_as_a_serde_request_or_a_ticket_check() {
    let serde: BTreeSet<&str> = serde_requests().iter().map(|r| r.name).collect();
    assert_eq!(serde.len(), 14);
    let tickets: BTreeSet<&str> = TICKET_CHECKS.into_iter().collect();
    assert!(serde.is_disjoint(&tickets));
    let typed: BTreeSet<&str> = serde.union(&tickets).copied().collect();
    let table: BTreeSet<&str> = TABLE.iter().map(|a| a.name).collect();
    assert_eq!(typed, table);
}

// ---------------------------------------------------------------------------------------
// Serde requests
// ---------------------------------------------------------------------------------------

/// A request JSON from the table: every field or only the required ones, numbers as JSON
/// numbers or as numeric strings.
fn request_json(fields: &[Field], only_required: bool, quote_numbers: bool) -> Value {
    let map: Map<String, Value> = fields
        .iter()
        .filter(|f| f.required || !only_required)
        .map(|f| {
            let value = sample(&f.ty, f.name, 0, Form::Canonical);
            let value = match value {
                Value::Number(n) if quote_numbers => Value::String(n.to_string()),
                other => other,
            };
            (f.name.to_owned(), value)
        })
        .collect();
    Value::Object(map)
}

#[test]
fn serde_requests_write_exactly_the_tables_inputs() {
    for request in serde_requests() {
        let table = action(request.name);
        for only_required in [false, true] {
            let expected: Map<String, Value> = table
                .input
                .iter()
                .filter(|f| f.required || !only_required)
                .map(|f| (f.name.to_owned(), sample(&f.ty, f.name, 0, Form::Canonical)))
                .collect();
            for quote_numbers in [false, true] {
                let json = request_json(table.input, only_required, quote_numbers);
                let built = (request.build)(json.clone())
                    .unwrap_or_else(|e| panic!("{}: {json} does not deserialise: {e}", table.name));
                assert_eq!(request.action_const, table.name);
                assert_eq!(built.name, table.name);
                assert_eq!(built.service, "captcha");
                assert_eq!(built.version, "2019-07-22");
                let payload = built
                    .payload
                    .unwrap_or_else(|e| panic!("{}: payload of {json}: {e}", table.name));
                let payload = payload_object(&payload);
                assert_eq!(
                    keys(&payload),
                    keys(&expected),
                    "{} (only required: {only_required})",
                    table.name
                );
                assert_eq!(
                    Value::Object(payload),
                    Value::Object(expected.clone()),
                    "{} (numbers quoted: {quote_numbers})",
                    table.name
                );
            }
        }
    }
}

#[test]
fn serde_requests_declare_the_tables_required_fields() {
    for request in serde_requests() {
        let table = action(request.name);
        let declared: BTreeSet<&str> = request.required.iter().copied().collect();
        assert_eq!(
            declared.len(),
            request.required.len(),
            "{}: REQUIRED repeats a name",
            table.name
        );
        assert_eq!(
            declared,
            names(table.input.iter().filter(|f| f.required)),
            "{}",
            table.name
        );
    }
}

#[test]
fn serde_requests_refuse_empty_required_values_by_name() {
    let mut checked = 0;
    for request in serde_requests() {
        let table = action(request.name);
        for field in table.input.iter().filter(|f| f.required) {
            let empty = match (field.ty, field.name) {
                // An empty domain limit or alarm address means "none": sent as is.
                (Str, "DomainLimit" | "MailAlarm") => {
                    let mut json = request_json(table.input, false, false);
                    json[field.name] = json!("");
                    let built = (request.build)(json).expect("an empty value deserializes");
                    let body = built.payload.expect("an empty value is sent");
                    let body: Value = serde_json::from_slice(&body).expect("a JSON body");
                    assert_eq!(body[field.name], "", "{}", table.name);
                    continue;
                }
                (Str, _) => json!(""),
                (Int | Uint, "CaptchaAppId") => json!(0),
                _ => continue,
            };
            let mut json = request_json(table.input, false, false);
            json[field.name] = empty;
            let built = (request.build)(json)
                .unwrap_or_else(|e| panic!("{}.{}: {e}", table.name, field.name));
            let error = built
                .payload
                .expect_err(&format!("{}: empty {} accepted", table.name, field.name));
            assert_eq!(
                blamed(&error),
                Some(field.name),
                "{}: {error:?}",
                table.name
            );
            if matches!(field.ty, Str) {
                assert_eq!(error, EncodeError::EmptyField { field: field.name });
            }
            checked += 1;
        }
    }
    // 11 CaptchaAppIds (2 of them strings), 3 strings of each of the 4 statistics actions,
    // 2 strings of UpdateCaptchaAppIdInfo (its DomainLimit and MailAlarm may be empty).
    assert_eq!(checked, 11 + 12 + 2);
}

#[test]
fn serde_requests_refuse_unknown_fields() {
    for request in serde_requests() {
        let table = action(request.name);
        for only_required in [false, true] {
            let mut json = request_json(table.input, only_required, false);
            json["Extra"] = json!(1);
            assert!(
                (request.build)(json).is_err(),
                "{}: an unknown field was accepted",
                table.name
            );
        }
    }
}

#[test]
fn serde_requests_read_numbers_given_as_strings() {
    for request in serde_requests() {
        let table = action(request.name);
        for field in table.input.iter().filter(|f| matches!(f.ty, Int | Uint)) {
            let mut json = request_json(table.input, false, false);
            json[field.name] = json!("12");
            let built = (request.build)(json)
                .unwrap_or_else(|e| panic!("{}.{}: \"12\" refused: {e}", table.name, field.name));
            let payload = payload_object(&built.payload.unwrap());
            assert_eq!(payload[field.name], json!(12), "{}", table.name);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ticket checks
// ---------------------------------------------------------------------------------------

/// A ticket check as its payload and its single-use flag.
struct Check {
    name: &'static str,
    payload: Result<Vec<u8>, EncodeError>,
    single_use: bool,
}

fn check<A: Api3Action>(action: A) -> Check {
    let name = TICKET_CHECKS
        .into_iter()
        .find(|n| *n == action.name())
        .expect("a ticket check");
    assert_eq!(action.service(), "captcha");
    assert_eq!(action.version(), "2019-07-22");
    Check {
        name,
        payload: action.payload(),
        single_use: action.single_use(),
    }
}

fn with_web_setters(check: DescribeCaptchaResult) -> DescribeCaptchaResult {
    check
        .captcha_type(9)
        .business_id(3)
        .scene_id(4)
        .mac_address("00-1B-44-11-3A-B7")
        .imei("490154203237518")
        .need_get_captcha_time(true)
}

fn with_mini_setters(check: DescribeCaptchaMiniResult) -> DescribeCaptchaMiniResult {
    check
        .captcha_type(9)
        .business_id(3)
        .scene_id(4)
        .mac_address("00-1B-44-11-3A-B7")
        .imei("490154203237518")
}

/// The four checks, each with every setter (`true`) or none.
fn ticket_checks(setters: bool) -> [Check; 4] {
    if setters {
        [
            check(with_web_setters(web_check())),
            check(DescribeCaptchaRceResult::from(
                with_web_setters(web_check()),
            )),
            check(with_mini_setters(mini_check())),
            check(
                DescribeCaptchaMiniRiskResult::from(with_mini_setters(mini_check()))
                    .scene_code(2)
                    .we_chat_open_id("oWx-open-id"),
            ),
        ]
    } else {
        [
            check(web_check()),
            check(DescribeCaptchaRceResult::from(web_check())),
            check(mini_check()),
            check(DescribeCaptchaMiniRiskResult::from(mini_check())),
        ]
    }
}

#[test]
fn ticket_checks_write_exactly_the_tables_inputs() {
    for setters in [true, false] {
        let checks = ticket_checks(setters);
        let covered: BTreeSet<&str> = checks.iter().map(|c| c.name).collect();
        assert_eq!(covered, TICKET_CHECKS.into_iter().collect());
        for check in checks {
            let table = action(check.name);
            let payload = payload_object(check.payload.as_ref().unwrap());
            let expected = names(table.input.iter().filter(|f| f.required || setters));
            assert_eq!(
                keys(&payload),
                expected,
                "{} (setters: {setters})",
                check.name
            );
            for field in table.input {
                if let Some(value) = payload.get(field.name) {
                    assert!(
                        conforms(&field.ty, value),
                        "{}.{} = {value} is not a {:?}",
                        check.name,
                        field.name,
                        field.ty
                    );
                }
            }
            assert_eq!(
                payload["Ticket"],
                json!(if check.name.contains("Mini") {
                    "t03mini"
                } else {
                    "t03ticket"
                })
            );
            assert_eq!(payload["CaptchaAppId"], json!(199999164));
            assert_eq!(payload["AppSecretKey"], json!("app-secret-key"));
            assert_eq!(payload["UserIp"], json!("203.0.113.7"));
            assert_eq!(payload["CaptchaType"], json!(9));
            if setters {
                assert_eq!(payload["BusinessId"], json!(3));
                assert_eq!(payload["SceneId"], json!(4));
                assert_eq!(payload["Imei"], json!("490154203237518"));
            }
            assert!(check.single_use, "{} must be single-use", check.name);
        }
    }
}

#[test]
fn ticket_checks_refuse_empty_required_values_by_name() {
    let web_cases = [
        (web("", "@Vki", 199999164, "k"), "Ticket"),
        (web("t", "", 199999164, "k"), "Randstr"),
        (web("t", "@Vki", 199999164, ""), "AppSecretKey"),
        (web("t", "@Vki", 0, "k"), "CaptchaAppId"),
        (
            web("t", "@Vki", 199999164, "k").captcha_type(0),
            "CaptchaType",
        ),
        (
            web("t", "@Vki", 199999164, "k").mac_address(""),
            "MacAddress",
        ),
        (web("t", "@Vki", 199999164, "k").imei(""), "Imei"),
    ];
    for (check, field) in web_cases {
        let error = check.payload().unwrap_err();
        assert_eq!(blamed(&error), Some(field), "{error:?}");
        let rce = DescribeCaptchaRceResult::from(check).payload().unwrap_err();
        assert_eq!(rce, error);
    }
    let mini_cases = [
        (mini("", 199999164, "k"), "Ticket"),
        (mini("t", 199999164, ""), "AppSecretKey"),
        (mini("t", 0, "k"), "CaptchaAppId"),
        (mini("t", 199999164, "k").captcha_type(0), "CaptchaType"),
        (mini("t", 199999164, "k").mac_address(""), "MacAddress"),
        (mini("t", 199999164, "k").imei(""), "Imei"),
    ];
    for (check, field) in mini_cases {
        let error = check.payload().unwrap_err();
        assert_eq!(blamed(&error), Some(field), "{error:?}");
        let risk = DescribeCaptchaMiniRiskResult::from(check)
            .payload()
            .unwrap_err();
        assert_eq!(risk, error);
    }
    for field in ["Ticket", "Randstr", "AppSecretKey"] {
        let check = match field {
            "Ticket" => web("", "r", 1, "k"),
            "Randstr" => web("t", "", 1, "k"),
            _ => web("t", "r", 1, ""),
        };
        assert_eq!(check.payload(), Err(EncodeError::EmptyField { field }));
    }
    assert_eq!(
        mini("", 1, "k").payload(),
        Err(EncodeError::EmptyField { field: "Ticket" })
    );
    assert_eq!(
        mini("t", 1, "").payload(),
        Err(EncodeError::EmptyField {
            field: "AppSecretKey"
        })
    );
    assert_eq!(
        DescribeCaptchaMiniRiskResult::from(mini("t", 1, "k"))
            .we_chat_open_id("")
            .payload(),
        Err(EncodeError::EmptyField {
            field: "WeChatOpenId"
        })
    );
}

// ---------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------

#[test]
fn every_answer_decodes_with_every_table_field_at_every_level() {
    for action in &TABLE {
        let wire = object_sample(action.output, 0, Form::Wire);
        let expected = object_sample(action.output, 0, Form::Canonical);
        let decoded = decode_as(action, &wire)
            .unwrap_or_else(|e| panic!("{}: the table's answer fails: {e:?}", action.name));
        if let Some(difference) = difference(&expected, &decoded, action.name) {
            panic!("{difference}");
        }
    }
}

#[test]
fn the_samples_mix_numbers_and_numeric_strings() {
    let (mut numbers, mut strings) = (0, 0);
    for action in &TABLE {
        for site in all_sites(action.output) {
            if matches!(site.field.ty, Int | Uint | Float) {
                let wire = object_sample(action.output, 0, Form::Wire);
                match wire.pointer(&site.pointer) {
                    Some(Value::Number(_)) => numbers += 1,
                    Some(Value::String(_)) => strings += 1,
                    other => panic!("{}: {other:?}", site.path),
                }
            }
        }
    }
    assert!(
        numbers > 20 && strings > 20,
        "{numbers} numbers, {strings} strings"
    );
}

#[test]
fn ticket_checks_carry_the_sample_values() {
    let wire = |name: &str| object_sample(action(name).output, 0, Form::Wire);
    let int = |name: &str| i64::try_from(int_sample(name, 0)).unwrap();

    let result = web_check()
        .decode(StatusCode::OK, &wire_body(&wire("DescribeCaptchaResult")))
        .unwrap();
    assert_eq!(result.code, int("CaptchaCode"));
    assert_eq!(result.evil_level, Some(int("EvilLevel")));
    assert_eq!(result.score, Some(int("Score")));
    assert_eq!(result.evil_bitmap, Some(int("EvilBitmap")));
    assert_eq!(result.get_captcha_time, Some(int("GetCaptchaTime")));
    assert_eq!(result.submit_captcha_time, Some(int("SubmitCaptchaTime")));
    assert_eq!(
        result.device_risk_category.as_deref(),
        Some("DeviceRiskCategory-0")
    );
    assert_eq!(result.message.as_deref(), Some("CaptchaMsg-0"));
    assert_eq!(result.request_id, "RequestId-0");

    let rce = DescribeCaptchaRceResult::from(web_check())
        .decode(
            StatusCode::OK,
            &wire_body(&wire("DescribeCaptchaRceResult")),
        )
        .unwrap();
    assert_eq!(rce.result.evil_level, Some(int("EvilLevel")));
    let risk = rce.rce_result.unwrap();
    assert_eq!(risk.risk_level.as_deref(), Some("RiskLevel-0"));
    assert_eq!(risk.post_time, Some(int("PostTime")));
    assert_eq!(
        risk.risk_type,
        Some(vec![
            i64::try_from(int_sample("RiskType", 0)).unwrap(),
            i64::try_from(int_sample("RiskType", 1)).unwrap()
        ])
    );
    assert_eq!(risk.const_id.as_deref(), Some("ConstId-0"));

    let mini = mini_check()
        .decode(
            StatusCode::OK,
            &wire_body(&wire("DescribeCaptchaMiniResult")),
        )
        .unwrap();
    assert_eq!(mini.code, int("CaptchaCode"));
    assert_eq!(mini.request_id, "RequestId-0");

    let mini_risk = DescribeCaptchaMiniRiskResult::from(mini_check())
        .decode(
            StatusCode::OK,
            &wire_body(&wire("DescribeCaptchaMiniRiskResult")),
        )
        .unwrap();
    let value = mini_risk.manage_marketing_risk_value.unwrap();
    assert_eq!(value.risk_type.as_ref().map(Vec::len), Some(2));
    assert_eq!(
        value.risk_type.unwrap()[0],
        i64::try_from(int_sample("RiskType", 0)).unwrap()
    );
    assert_eq!(value.user_id.as_deref(), Some("UserId-0"));
    assert_eq!(value.risk_level.as_deref(), Some("RiskLevel-0"));
}

#[test]
fn a_missing_required_nested_member_is_an_invalid_path_naming_it() {
    let mut checked = 0;
    for action in &TABLE {
        for site in all_sites(action.output) {
            if !site.field.required || site.field.nullable {
                continue;
            }
            let mut wire = object_sample(action.output, 0, Form::Wire);
            remove_at(&mut wire, &site.pointer);
            match decode_as(action, &wire) {
                Err(ResponseError::Decode(error)) => match error.kind() {
                    DecodeErrorKind::InvalidPath { path, reason } => {
                        assert_eq!(path, &site.path, "{}", action.name);
                        assert_eq!(*reason, "is missing", "{}: {path}", action.name);
                    }
                    other => panic!("{}: {}: {other:?}", action.name, site.path),
                },
                other => panic!(
                    "{}: without {} decodes to {other:?}",
                    action.name, site.path
                ),
            }
            checked += 1;
        }
    }
    // Counted by hand: CaptchaQueryData 2 members × 2 elements × 2 actions = 8; CaptchaTicketDataRes 3;
    // CaptchaStatisticObj 7 + trends (5 + 4 + 4) × 2 elements = 33, × 4 actions = 132.
    assert_eq!(checked, 8 + 3 + 132);
}

#[test]
fn a_wrongly_typed_nested_member_is_an_invalid_path_naming_it() {
    for (name, pointer, path) in [
        ("DescribeCaptchaData", "/Data/1/Cnt", "Data[1].Cnt"),
        (
            "GetRequestStatistics",
            "/Data/RequestTrend/0/RequestIntercept",
            "Data.RequestTrend[0].RequestIntercept",
        ),
        (
            "DescribeCaptchaOperData",
            "/Data/OperDataTryTimesUnitArray/1/CntPerPass",
            "Data.OperDataTryTimesUnitArray[1].CntPerPass",
        ),
        (
            "DescribeCaptchaRceResult",
            "/RceResult/RiskType",
            "RceResult.RiskType",
        ),
    ] {
        let action = action(name);
        let mut wire = object_sample(action.output, 0, Form::Wire);
        set_at(&mut wire, pointer, json!({"not": "a number"}));
        match decode_as(action, &wire) {
            Err(ResponseError::Decode(error)) => assert_eq!(
                error.kind(),
                &DecodeErrorKind::InvalidPath {
                    path: path.to_owned(),
                    reason: "has the wrong type"
                }
            ),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn null_in_a_nullable_field_decodes_to_none() {
    let mut checked = 0;
    for action in &TABLE {
        for site in all_sites(action.output) {
            if !site.field.nullable {
                continue;
            }
            let mut wire = object_sample(action.output, 0, Form::Wire);
            let mut expected = object_sample(action.output, 0, Form::Canonical);
            set_at(&mut wire, &site.pointer, Value::Null);
            set_at(&mut expected, &site.pointer, Value::Null);
            let decoded = decode_as(action, &wire)
                .unwrap_or_else(|e| panic!("{}: {} = null: {e:?}", action.name, site.path));
            if let Some(difference) = difference(&expected, &decoded, action.name) {
                panic!("{} = null: {difference}", site.path);
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}

#[test]
fn an_absent_optional_field_decodes_to_none() {
    for action in &TABLE {
        for site in all_sites(action.output) {
            if site.field.required {
                continue;
            }
            let mut wire = object_sample(action.output, 0, Form::Wire);
            remove_at(&mut wire, &site.pointer);
            let decoded = decode_as(action, &wire);
            if sdk_requires(action.name, &site.path) {
                let Err(ResponseError::Decode(error)) = decoded else {
                    panic!("{}: without {}: {decoded:?}", action.name, site.path);
                };
                let names_it = match error.kind() {
                    DecodeErrorKind::InvalidPath { path, .. } => path == &site.path,
                    DecodeErrorKind::MissingField { field } => *field == site.path,
                    _ => false,
                };
                assert!(names_it, "{}: {error:?}", action.name);
                continue;
            }
            let mut expected = object_sample(action.output, 0, Form::Canonical);
            set_at(&mut expected, &site.pointer, Value::Null);
            let decoded =
                decoded.unwrap_or_else(|e| panic!("{}: without {}: {e:?}", action.name, site.path));
            if let Some(difference) = difference(&expected, &decoded, action.name) {
                panic!("without {}: {difference}", site.path);
            }
        }
    }
}

#[test]
fn response_error_is_api3_for_every_action() {
    let body = br#"{"Response":{"Error":{"Code":"ResourceNotFound.AppId","Message":"no such app"},"RequestId":"r-err"}}"#;
    for action in &TABLE {
        for status in [StatusCode::OK, StatusCode::BAD_REQUEST] {
            match decoder(action.name)(status, body) {
                Err(ResponseError::Api3(error)) => {
                    assert_eq!(error.code(), "ResourceNotFound.AppId", "{}", action.name);
                    assert_eq!(error.message(), "no such app");
                    assert_eq!(error.request_id(), Some("r-err"));
                }
                other => panic!("{}: {other:?}", action.name),
            }
        }
    }
}
