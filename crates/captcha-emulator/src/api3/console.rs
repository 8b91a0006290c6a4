//! The console, data and statistics actions of captcha 2019-07-22, answered from the
//! configured apps: settings that `UpdateCaptchaAppIdInfo` changes and
//! `DescribeCaptchaAppIdInfo` reads back, and series whose counts are a deterministic
//! function of the app, the time and the type (the same request always gets the same
//! data; passes never exceed verifications, interceptions are what did not pass).
//! Requests are checked by `super::schema` first, then read into captcha-proto's typed
//! requests, so the emulator and the SDK agree on every field.

use std::collections::HashMap;
use std::sync::Mutex;

use captcha_proto::AppSecretKey;
use captcha_proto::api3::{
    AppIdInfo, AppStatisticsQuery, CaptchaOperDataInterceptUnit, CaptchaOperDataLoadTimeUnit,
    CaptchaOperDataRes, CaptchaOperDataTryTimesDistributeUnit, CaptchaOperDataTryTimesUnit,
    CaptchaOutcome, CaptchaQueryData, CaptchaStatisticObj, CaptchaTicketDataRes,
    CaptchaUserAllAppId, DataQuery, DataSeries, DataSumQuery, DataSummary,
    DescribeCaptchaAppIdInfo, DescribeCaptchaTicketData, InterceptPerTrendObj, OperData,
    OperDataQuery, RequestTrendObj, Statistics, TicketAmountUnit, TicketCheckTrendObj, TicketData,
    TicketInterceptUnit, TicketThroughUnit, TotalStatisticsQuery, UpdateCaptchaAppIdInfo,
    UserAllAppIds,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Refusal;
use super::calendar::{self, Unit};
use super::envelope::{self, INVALID_PARAMETER};
use super::schema;
use crate::reply::Reply;
use crate::state::State;

/// The Tencent Cloud APPID the emulator's account has.
const TC_APP_ID: i64 = 1_250_000_000;
/// The `CaptchaCode` statistics answer for an app that is not the account's.
const NO_SUCH_APP_CODE: i64 = 11_000;

/// The settings `UpdateCaptchaAppIdInfo` stored, by app.
#[derive(Debug, Default)]
pub(crate) struct AppSettings {
    by_app: Mutex<HashMap<u64, UpdateCaptchaAppIdInfo>>,
}

impl AppSettings {
    fn get(&self, app_id: u64) -> Option<UpdateCaptchaAppIdInfo> {
        let map = self.by_app.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&app_id).cloned()
    }

    fn set(&self, app_id: u64, settings: UpdateCaptchaAppIdInfo) {
        let mut map = self.by_app.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(app_id, settings);
    }
}

/// Answers one authenticated console, data or statistics action.
pub(crate) fn run(
    state: &State,
    action: &str,
    object: &Map<String, Value>,
    request_id: &str,
) -> Reply {
    match answer(state, action, object, request_id.to_owned()) {
        Ok(body) => Reply::api3(body.into()),
        Err((code, message)) => envelope::error(code, &message, request_id),
    }
}

fn answer(
    state: &State,
    action: &str,
    object: &Map<String, Value>,
    request_id: String,
) -> Result<Vec<u8>, Refusal> {
    schema::check(action, object)?;
    match action {
        "DescribeCaptchaAppIdInfo" => {
            let query: DescribeCaptchaAppIdInfo = read(object)?;
            respond(&app_id_info(state, query.captcha_app_id, request_id)?)
        }
        "UpdateCaptchaAppIdInfo" => {
            let update: UpdateCaptchaAppIdInfo = read(object)?;
            let app_id = known_app(state, u64::try_from(update.captcha_app_id).unwrap_or(0))?;
            state.app_settings.set(app_id, update);
            respond(&CaptchaOutcome {
                captcha_code: Some(0),
                captcha_msg: Some("OK".to_owned()),
                request_id,
            })
        }
        "DescribeCaptchaUserAllAppId" => respond(&all_apps(state, request_id)),
        "DescribeCaptchaData" | "DescribeCaptchaMiniData" => {
            respond(&data_series(state, &read(object)?, request_id)?)
        }
        "DescribeCaptchaDataSum" | "DescribeCaptchaMiniDataSum" => {
            respond(&data_summary(state, &read(object)?, request_id)?)
        }
        "DescribeCaptchaTicketData" => respond(&ticket_data(state, &read(object)?, request_id)?),
        "DescribeCaptchaOperData" | "DescribeCaptchaMiniOperData" => {
            respond(&oper_data(state, &read(object)?, request_id)?)
        }
        "GetRequestStatistics" | "GetTicketStatistics" => {
            let query: AppStatisticsQuery = read(object)?;
            let total = TotalStatisticsQuery {
                start_time_str: query.start_time_str,
                end_time_str: query.end_time_str,
                dimension: query.dimension,
            };
            let app = query
                .captcha_app_id
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|id| state.apps.contains(*id));
            respond(&statistics(&total, app.map(|id| vec![id]), request_id)?)
        }
        "GetTotalRequestStatistics" | "GetTotalTicketStatistics" => {
            let apps = state.apps.all().iter().map(|app| app.app_id).collect();
            respond(&statistics(&read(object)?, Some(apps), request_id)?)
        }
        other => Err((
            INVALID_PARAMETER,
            format!("the action {other} is not served here"),
        )),
    }
}

/// Reads a checked field map into its typed request.
fn read<T: DeserializeOwned>(object: &Map<String, Value>) -> Result<T, Refusal> {
    serde_json::from_value(Value::Object(object.clone())).map_err(|_| {
        (
            INVALID_PARAMETER,
            "the parameters do not fit the action".to_owned(),
        )
    })
}

/// `{"Response": answer}`.
fn respond<T: Serialize>(answer: &T) -> Result<Vec<u8>, Refusal> {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Envelope<'a, T> {
        response: &'a T,
    }
    serde_json::to_vec(&Envelope { response: answer }).map_err(|_| {
        (
            INVALID_PARAMETER,
            "the answer could not be written".to_owned(),
        )
    })
}

fn known_app(state: &State, app_id: u64) -> Result<u64, Refusal> {
    if state.apps.contains(app_id) {
        Ok(app_id)
    } else {
        Err((
            INVALID_PARAMETER,
            format!("CaptchaAppId {app_id} is not an app of this account"),
        ))
    }
}

/// An app's settings: the stored ones, else the console's defaults.
fn settings_of(state: &State, app_id: u64) -> UpdateCaptchaAppIdInfo {
    state
        .app_settings
        .get(app_id)
        .unwrap_or_else(|| UpdateCaptchaAppIdInfo {
            captcha_app_id: i64::try_from(app_id).unwrap_or(i64::MAX),
            app_name: format!("emulator app {app_id}"),
            domain_limit: String::new(),
            scene_type: 1,
            cap_type: 9,
            evil_intercept_grade: 0,
            smart_verify: 0,
            smart_engine: 1,
            scheme_color: "#1a79ff".to_owned(),
            captcha_language: 2052,
            mail_alarm: String::new(),
            top_full_screen: 0,
            traffic_threshold: 0,
        })
}

fn app_id_info(state: &State, app_id: u64, request_id: String) -> Result<AppIdInfo, Refusal> {
    let app_id = known_app(state, app_id)?;
    let settings = settings_of(state, app_id);
    let key = state
        .apps
        .all()
        .iter()
        .find(|app| app.app_id == app_id)
        .map(|app| app.app_secret_key.expose_secret().to_owned());
    Ok(AppIdInfo {
        scheme_color: Some(settings.scheme_color),
        language: Some(settings.captcha_language),
        scene_type: Some(settings.scene_type),
        evil_intercept_grade: Some(settings.evil_intercept_grade),
        smart_verify: Some(settings.smart_verify),
        smart_engine: Some(settings.smart_engine),
        cap_type: Some(settings.cap_type),
        app_name: Some(settings.app_name),
        domain_limit: Some(settings.domain_limit),
        mail_alarm: (!settings.mail_alarm.is_empty()).then(|| vec![settings.mail_alarm]),
        traffic_threshold: Some(settings.traffic_threshold),
        encrypt_key: key.map(AppSecretKey::new),
        top_full_screen: Some(settings.top_full_screen),
        captcha_code: Some(0),
        captcha_msg: Some(String::new()),
        request_id,
    })
}

fn all_apps(state: &State, request_id: String) -> UserAllAppIds {
    let data = state
        .apps
        .all()
        .iter()
        .map(|app| CaptchaUserAllAppId {
            captcha_app_id: i64::try_from(app.app_id).ok(),
            app_name: Some(settings_of(state, app.app_id).app_name),
            tc_app_id: Some(TC_APP_ID),
            channel_info: Some("web".to_owned()),
        })
        .collect();
    UserAllAppIds {
        data: Some(data),
        captcha_code: Some(0),
        captcha_msg: Some(String::new()),
        request_id,
    }
}

/// The unit and the start and end of a range written as digits, both in the same unit.
fn digit_range(start: i64, end: i64) -> Result<(Unit, i64, i64), Refusal> {
    let parse = |value: i64, name: &str| {
        calendar::parse_digits(value).ok_or_else(|| {
            (
                INVALID_PARAMETER,
                format!("{name} {value} is not a time like 20191129, 2019112900 or 201911291859"),
            )
        })
    };
    let (unit, from) = parse(start, "Start")?;
    let (end_unit, to) = parse(end, "End")?;
    if unit != end_unit {
        return Err((
            INVALID_PARAMETER,
            "Start and End must be written in the same unit".to_owned(),
        ));
    }
    if to < from {
        return Err((INVALID_PARAMETER, "End is before Start".to_owned()));
    }
    Ok((unit, from, to))
}

fn app_of(state: &State, captcha_app_id: i64) -> Result<u64, Refusal> {
    known_app(state, u64::try_from(captcha_app_id).unwrap_or(0))
}

/// Requests, passes, verifications and interceptions (`Type` 0–3) at one time.
fn series_count(app: u64, minutes: i64, kind: i64) -> i64 {
    let requests = 100 + calendar::count(&[app, minutes as u64], 900);
    let verifications = requests * 9 / 10;
    let passes = verifications * 9 / 10;
    match kind {
        0 => requests,
        1 => passes,
        2 => verifications,
        _ => requests - passes,
    }
}

fn data_series(
    state: &State,
    query: &DataQuery,
    request_id: String,
) -> Result<DataSeries, Refusal> {
    let app = app_of(state, query.captcha_app_id)?;
    if !(0..=3).contains(&query.r#type) {
        return Err((INVALID_PARAMETER, "Type must be 0, 1, 2 or 3".to_owned()));
    }
    let (unit, from, to) = digit_range(query.start, query.end)?;
    let data = calendar::steps(unit, from, to)
        .map(|t| CaptchaQueryData {
            cnt: series_count(app, t, query.r#type),
            date: calendar::format_digits(unit, t),
        })
        .collect();
    Ok(DataSeries {
        captcha_code: Some(0),
        data: Some(data),
        captcha_msg: Some(String::new()),
        request_id,
    })
}

fn data_summary(
    state: &State,
    query: &DataSumQuery,
    request_id: String,
) -> Result<DataSummary, Refusal> {
    let app = app_of(state, query.captcha_app_id)?;
    let (unit, from, to) = digit_range(query.start, query.end)?;
    let sum = |kind| {
        calendar::steps(unit, from, to)
            .map(|t| series_count(app, t, kind))
            .sum()
    };
    let requests: i64 = sum(0);
    let passes: i64 = sum(1);
    let tickets = passes;
    let ticket_passes = tickets * 19 / 20;
    Ok(DataSummary {
        get_sum: Some(requests),
        vfy_succ_sum: Some(passes),
        vfy_sum: Some(sum(2)),
        attack_sum: Some(sum(3)),
        captcha_msg: Some("OK".to_owned()),
        captcha_code: Some(0),
        check_ticket_sum: Some(tickets),
        ticket_throughput_sum: Some(ticket_passes),
        ticket_intercept_sum: Some(tickets - ticket_passes),
        request_id,
    })
}

/// The days from `start` to `end` (or `start`), written as days.
fn day_range(start: i64, end: Option<i64>) -> Result<(i64, i64), Refusal> {
    let (unit, from, to) = digit_range(start, end.unwrap_or(start))?;
    if unit != Unit::Day {
        return Err((
            INVALID_PARAMETER,
            "Start and End must be days like 20200909".to_owned(),
        ));
    }
    Ok((from, to))
}

fn ticket_data(
    state: &State,
    query: &DescribeCaptchaTicketData,
    request_id: String,
) -> Result<TicketData, Refusal> {
    let app = app_of(state, query.captcha_app_id)?;
    let (from, to) = day_range(query.start, query.end)?;
    let mut data = CaptchaTicketDataRes::default();
    for day in calendar::steps(Unit::Day, from, to) {
        let key = Some(calendar::format_digits(Unit::Day, day));
        let amount = series_count(app, day, 1);
        let through = amount * 19 / 20;
        data.ticket_amount_array.push(TicketAmountUnit {
            date_key: key.clone(),
            amount: Some(amount),
        });
        data.ticket_through_array.push(TicketThroughUnit {
            date_key: key.clone(),
            through: Some(through),
        });
        data.ticket_intercept_array.push(TicketInterceptUnit {
            date_key: key,
            intercept: Some(amount - through),
        });
    }
    Ok(TicketData {
        captcha_code: Some(0),
        captcha_msg: Some("success".to_owned()),
        data: Some(data),
        request_id,
    })
}

fn oper_data(
    state: &State,
    query: &OperDataQuery,
    request_id: String,
) -> Result<OperData, Refusal> {
    let app = known_app(state, query.captcha_app_id)?;
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let (from, to) = day_range(as_i64(query.start), query.end.map(as_i64))?;
    let days: Vec<(i64, Option<String>)> = calendar::steps(Unit::Day, from, to)
        .map(|day| (day, Some(calendar::format_digits(Unit::Day, day))))
        .collect();
    // Tenths, as the console shows them.
    let tenths = |seed: &[u64], limit| calendar::count(seed, limit) as f64 / 10.0;
    let mut data = CaptchaOperDataRes::default();
    match query.r#type {
        1 => {
            data.oper_data_load_time_unit_array = Some(
                days.iter()
                    .map(|(day, key)| CaptchaOperDataLoadTimeUnit {
                        date_key: key.clone(),
                        market_load_time: Some(1.0 + tenths(&[*day as u64], 10)),
                        app_id_load_time: Some(0.5 + tenths(&[app, *day as u64], 15)),
                    })
                    .collect(),
            );
        }
        2 => {
            data.oper_data_intercept_unit_array = Some(
                days.iter()
                    .map(|(day, key)| {
                        let stopped = series_count(app, *day, 3) as f64;
                        CaptchaOperDataInterceptUnit {
                            date_key: key.clone(),
                            all_stop_cnt: Some(stopped),
                            pic_stop_cnt: Some((stopped / 4.0).floor()),
                            strategy_stop_cnt: Some(stopped - (stopped / 4.0).floor()),
                        }
                    })
                    .collect(),
            );
        }
        3 => {
            data.oper_data_try_times_unit_array = Some(
                days.iter()
                    .map(|(day, key)| CaptchaOperDataTryTimesUnit {
                        date_key: key.clone(),
                        cnt_per_pass: Some(vec![1.0 + tenths(&[app, *day as u64], 10)]),
                        market_cnt_per_pass: Some(1.0 + tenths(&[*day as u64], 10)),
                    })
                    .collect(),
            );
        }
        4 => {
            data.oper_data_try_times_distribute_unit_array = Some(
                (1..=5)
                    .map(|tries| CaptchaOperDataTryTimesDistributeUnit {
                        try_count: Some(tries),
                        user_count: Some(
                            1000 / (tries * tries) + calendar::count(&[app, tries as u64], 50),
                        ),
                    })
                    .collect(),
            );
        }
        _ => return Err((INVALID_PARAMETER, "Type must be 1, 2, 3 or 4".to_owned())),
    }
    Ok(OperData {
        captcha_code: Some(0),
        captcha_msg: Some("success".to_owned()),
        data: Some(data),
        request_id,
    })
}

/// Totals and trends over `apps` (`None`: the app asked for is not the account's).
fn statistics(
    query: &TotalStatisticsQuery,
    apps: Option<Vec<u64>>,
    request_id: String,
) -> Result<Statistics, Refusal> {
    let unit = match query.dimension.trim() {
        "1" => Unit::Minute,
        "2" => Unit::Hour,
        "3" => Unit::Day,
        _ => {
            return Err((
                INVALID_PARAMETER,
                "Dimension must be \"1\" (minutes), \"2\" (hours) or \"3\" (days)".to_owned(),
            ));
        }
    };
    let parse = |text: &str, name: &str| {
        calendar::parse_text(text).ok_or_else(|| {
            (
                INVALID_PARAMETER,
                format!("{name} must be a time like 2022-05-14 10:00"),
            )
        })
    };
    let from = parse(&query.start_time_str, "StartTimeStr")?;
    let to = parse(&query.end_time_str, "EndTimeStr")?;
    if to < from {
        return Err((
            INVALID_PARAMETER,
            "EndTimeStr is before StartTimeStr".to_owned(),
        ));
    }
    let Some(apps) = apps else {
        return Ok(Statistics {
            data: None,
            captcha_code: Some(NO_SUCH_APP_CODE),
            captcha_msg: Some("CaptchaAppId is not an app of this account".to_owned()),
            request_id,
        });
    };
    let total = |t: i64, kind: i64| {
        apps.iter()
            .map(|app| series_count(*app, t, kind))
            .sum::<i64>()
    };
    let mut data = CaptchaStatisticObj::default();
    let (mut requests, mut interceptions, mut tickets) = (Vec::new(), Vec::new(), Vec::new());
    for t in calendar::steps(unit, from, to) {
        let ftime = calendar::format_trend(t);
        let (action, verify, through, intercept) =
            (total(t, 0), total(t, 2), total(t, 1), total(t, 3));
        let ticket_through = through * 19 / 20;
        data.action_total += action;
        data.verify_total += verify;
        data.verify_through_total += through;
        data.verify_intercept_total += intercept;
        data.ticket_total += through;
        data.ticket_through_total += ticket_through;
        data.ticket_intercept_total += through - ticket_through;
        let rate = |part: i64| {
            if action == 0 {
                0.0
            } else {
                part as f64 / action as f64
            }
        };
        requests.push(RequestTrendObj {
            ftime: ftime.clone(),
            request_action: action,
            request_verify: verify,
            request_throughput: through,
            request_intercept: u64::try_from(intercept).unwrap_or(0),
        });
        interceptions.push(InterceptPerTrendObj {
            ftime: ftime.clone(),
            request_intercept_per: rate(intercept),
            answer_intercept_per: rate(intercept / 2),
            policy_intercept_per: rate(intercept - intercept / 2),
        });
        tickets.push(TicketCheckTrendObj {
            ftime,
            ticket_count: through,
            ticket_throughput: ticket_through,
            ticket_intercept: through - ticket_through,
        });
    }
    data.request_trend = Some(requests);
    data.intercept_per_trend = Some(interceptions);
    data.ticket_check_trend = Some(tickets);
    Ok(Statistics {
        data: Some(data),
        captcha_code: Some(0),
        captcha_msg: Some(String::new()),
        request_id,
    })
}
