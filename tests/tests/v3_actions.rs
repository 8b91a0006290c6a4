//! All 18 actions of captcha 2019-07-22, typed in captcha-proto, sent by both transports in
//! every API 3.0 signing mode to the emulator on 127.0.0.1: the ticket checks pass a fresh
//! ticket of their kind once, the console actions read back what `UpdateCaptchaAppIdInfo`
//! set, and the data and statistics actions answer series over the range asked for. A
//! missing required field is an `EncodeError` naming it, before anything is sent.

use captcha_emulator::{
    Api3TicketKind, BackgroundEmulator, DEMO_APP_SECRET_KEY, DEMO_CAPTCHA_APP_ID, Emulator,
};
use captcha_proto::api3::{
    Api3Signature, AppStatisticsQuery, CAPTCHA_ACTIONS, DataQuery, DataSumQuery,
    DescribeCaptchaAppIdInfo, DescribeCaptchaData, DescribeCaptchaDataSum, DescribeCaptchaMiniData,
    DescribeCaptchaMiniDataSum, DescribeCaptchaMiniOperData, DescribeCaptchaMiniResult,
    DescribeCaptchaMiniRiskResult, DescribeCaptchaOperData, DescribeCaptchaRceResult,
    DescribeCaptchaTicketData, DescribeCaptchaUserAllAppId, GetRequestStatistics,
    GetTicketStatistics, GetTotalRequestStatistics, GetTotalTicketStatistics, OperDataQuery,
    TotalStatisticsQuery, UpdateCaptchaAppIdInfo,
};
use captcha_proto::{EncodeError, HttpMethod};
use captcha_tests::emulator::{api3_check, client_in_mode, mint_api3, start, user_ip};
use captcha_tests::{TestClient, Transport};

const MODES: [(Api3Signature, HttpMethod); 6] = [
    (Api3Signature::Tc3, HttpMethod::Post),
    (Api3Signature::Tc3, HttpMethod::Get),
    (Api3Signature::HmacSha1, HttpMethod::Post),
    (Api3Signature::HmacSha1, HttpMethod::Get),
    (Api3Signature::HmacSha256, HttpMethod::Post),
    (Api3Signature::HmacSha256, HttpMethod::Get),
];

fn mini_check(emulator: &BackgroundEmulator) -> DescribeCaptchaMiniResult {
    let minted = emulator
        .mint_api3_ticket_of(Api3TicketKind::Mini, DEMO_CAPTCHA_APP_ID, user_ip())
        .expect("the demo app is configured");
    DescribeCaptchaMiniResult::new(
        minted.ticket,
        user_ip(),
        DEMO_CAPTCHA_APP_ID,
        DEMO_APP_SECRET_KEY,
    )
}

fn stats() -> TotalStatisticsQuery {
    TotalStatisticsQuery {
        start_time_str: "2022-05-14 10:00".into(),
        end_time_str: "2022-05-14 12:00".into(),
        dimension: "2".into(),
    }
}

fn app_stats() -> AppStatisticsQuery {
    let total = stats();
    AppStatisticsQuery {
        captcha_app_id: DEMO_CAPTCHA_APP_ID.to_string(),
        start_time_str: total.start_time_str,
        end_time_str: total.end_time_str,
        dimension: total.dimension,
    }
}

/// Sends every action once; returns the names of those that answered as expected.
async fn every_action(
    client: &TestClient,
    emulator: &BackgroundEmulator,
    name: &str,
) -> Vec<&'static str> {
    let mut served = Vec::new();
    let app = i64::try_from(DEMO_CAPTCHA_APP_ID).expect("the demo app id fits");

    let web = client
        .describe_result(&api3_check(&mint_api3(emulator)))
        .await;
    assert!(
        web.unwrap_or_else(|e| panic!("{name}: {e:?}")).is_pass(),
        "{name}"
    );
    served.push("DescribeCaptchaResult");

    let rce = DescribeCaptchaRceResult::from(api3_check(&mint_api3(emulator)));
    let answer = client
        .call_api3(&rce)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(answer.result.is_pass(), "{name}");
    let level = answer.rce_result.and_then(|rce| rce.risk_level);
    assert_eq!(level.as_deref(), Some("pass"), "{name}");
    served.push(DescribeCaptchaRceResult::ACTION);

    let mini = mini_check(emulator);
    let first = client
        .call_api3(&mini)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let again = client
        .call_api3(&mini)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(
        (first.code, again.code),
        (1, 9),
        "{name}: a mini ticket passes once"
    );
    served.push(DescribeCaptchaMiniResult::ACTION);

    let risk = DescribeCaptchaMiniRiskResult::from(mini_check(emulator)).scene_code(2);
    let answer = client
        .call_api3(&risk)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(answer.result.is_pass(), "{name}");
    assert!(answer.manage_marketing_risk_value.is_some(), "{name}");
    served.push(DescribeCaptchaMiniRiskResult::ACTION);

    let update = UpdateCaptchaAppIdInfo {
        captcha_app_id: app,
        app_name: format!("sign-in {name}"),
        domain_limit: "login.example.com".into(),
        scene_type: 1,
        cap_type: 14,
        evil_intercept_grade: 100,
        smart_verify: 0,
        smart_engine: 0,
        scheme_color: "#1a79ff".into(),
        captcha_language: 2052,
        mail_alarm: "ops@example.com".into(),
        top_full_screen: 0,
        traffic_threshold: 0,
    };
    let updated = client
        .call_api3(&update)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(updated.captcha_code, Some(0), "{name}");
    served.push(UpdateCaptchaAppIdInfo::ACTION);

    let info = DescribeCaptchaAppIdInfo {
        captcha_app_id: DEMO_CAPTCHA_APP_ID,
    };
    let info = client
        .call_api3(&info)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(
        info.app_name,
        Some(format!("sign-in {name}")),
        "{name}: the update is kept"
    );
    assert_eq!(
        info.encrypt_key
            .map(|key| key.expose_secret().to_owned())
            .as_deref(),
        Some(DEMO_APP_SECRET_KEY),
        "{name}"
    );
    served.push(DescribeCaptchaAppIdInfo::ACTION);

    let apps = client.call_api3(&DescribeCaptchaUserAllAppId {}).await;
    let apps = apps
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .data
        .unwrap_or_default();
    assert_eq!(apps.len(), 1, "{name}");
    assert_eq!(apps[0].captcha_app_id, Some(app), "{name}");
    served.push(DescribeCaptchaUserAllAppId::ACTION);

    let minutes = DataQuery {
        captcha_app_id: app,
        start: 201911292359,
        end: 201911300001,
        r#type: 1,
    };
    let series = client.call_api3(&DescribeCaptchaData(minutes)).await;
    let dates: Vec<String> = series
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|point| point.date)
        .collect();
    assert_eq!(
        dates,
        ["201911292359", "201911300000", "201911300001"],
        "{name}"
    );
    served.push(DescribeCaptchaData::ACTION);

    let hours = DataQuery {
        captcha_app_id: app,
        start: 2019112900,
        end: 2019112902,
        r#type: 0,
    };
    let series = client.call_api3(&DescribeCaptchaMiniData(hours)).await;
    let points = series
        .unwrap_or_else(|e| panic!("{name}: {e:?}"))
        .data
        .unwrap_or_default();
    assert_eq!(points.len(), 3, "{name}");
    assert!(points.iter().all(|point| point.cnt > 0), "{name}");
    served.push(DescribeCaptchaMiniData::ACTION);

    let days = DataSumQuery {
        captcha_app_id: app,
        start: 20191201,
        end: 20191202,
    };
    for summary in [
        client
            .call_api3(&DescribeCaptchaDataSum(days.clone()))
            .await,
        client.call_api3(&DescribeCaptchaMiniDataSum(days)).await,
    ] {
        let summary = summary.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let (requests, verified, passed) = (summary.get_sum, summary.vfy_sum, summary.vfy_succ_sum);
        assert!(
            requests >= verified && verified >= passed && passed > Some(0),
            "{name}: {summary:?}"
        );
    }
    served.extend([
        DescribeCaptchaDataSum::ACTION,
        DescribeCaptchaMiniDataSum::ACTION,
    ]);

    let tickets = DescribeCaptchaTicketData {
        captcha_app_id: app,
        start: 20200909,
        end: Some(20200910),
    };
    let tickets = client
        .call_api3(&tickets)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let data = tickets.data.expect("ticket data");
    assert_eq!(data.ticket_amount_array.len(), 2, "{name}");
    served.push(DescribeCaptchaTicketData::ACTION);

    let oper = OperDataQuery {
        captcha_app_id: DEMO_CAPTCHA_APP_ID,
        start: 20191129,
        r#type: 4,
        end: None,
    };
    for answer in [
        client
            .call_api3(&DescribeCaptchaOperData(oper.clone()))
            .await,
        client.call_api3(&DescribeCaptchaMiniOperData(oper)).await,
    ] {
        let data = answer
            .unwrap_or_else(|e| panic!("{name}: {e:?}"))
            .data
            .expect("oper data");
        assert!(
            data.oper_data_try_times_distribute_unit_array.is_some(),
            "{name}"
        );
        assert!(data.oper_data_load_time_unit_array.is_none(), "{name}");
    }
    served.extend([
        DescribeCaptchaOperData::ACTION,
        DescribeCaptchaMiniOperData::ACTION,
    ]);

    for answer in [
        client.call_api3(&GetRequestStatistics(app_stats())).await,
        client.call_api3(&GetTicketStatistics(app_stats())).await,
        client.call_api3(&GetTotalRequestStatistics(stats())).await,
        client.call_api3(&GetTotalTicketStatistics(stats())).await,
    ] {
        let data = answer
            .unwrap_or_else(|e| panic!("{name}: {e:?}"))
            .data
            .expect("statistics");
        let trend = data.request_trend.unwrap_or_default();
        assert_eq!(trend.len(), 3, "{name}: three hours");
        assert_eq!(trend[0].ftime, "05-14 10:00", "{name}");
        assert_eq!(
            data.action_total,
            trend.iter().map(|t| t.request_action).sum::<i64>(),
            "{name}"
        );
    }
    served.extend([
        GetRequestStatistics::ACTION,
        GetTicketStatistics::ACTION,
        GetTotalRequestStatistics::ACTION,
        GetTotalTicketStatistics::ACTION,
    ]);
    served
}

#[test]
fn every_action_in_every_mode_through_both_transports() {
    for transport in Transport::ALL {
        let emulator = start(Emulator::demo());
        for (signature, method) in MODES {
            let name = format!("{} {signature} {}", transport.name(), method.as_str());
            let client = client_in_mode(transport, &emulator, signature, method);
            let mut served = transport.block_on_one_thread(every_action(&client, &emulator, &name));
            served.sort_unstable();
            let mut all = CAPTCHA_ACTIONS.to_vec();
            all.sort_unstable();
            assert_eq!(served, all, "{name}: every action");
        }
        let stats = emulator.stats();
        for action in CAPTCHA_ACTIONS {
            assert!(stats.requests(action) >= 6, "{action} counted in every mode");
        }
        emulator.shutdown();
    }
}

#[test]
fn a_missing_required_field_is_refused_before_sending() {
    let emulator = start(Emulator::demo());
    let client = client_in_mode(
        Transport::Hyper,
        &emulator,
        Api3Signature::Tc3,
        HttpMethod::Post,
    );
    let query = TotalStatisticsQuery {
        dimension: String::new(),
        ..stats()
    };
    let error = Transport::Hyper
        .block_on_one_thread(client.call_api3(&GetTotalTicketStatistics(query)))
        .expect_err("an empty Dimension is refused");
    let shown = error.to_string();
    assert!(shown.contains("Dimension"), "{shown}");
    assert!(
        matches!(
            error,
            captcha_client::Error::Encode(EncodeError::EmptyField { field: "Dimension" })
        ),
        "{error:?}"
    );
    assert_eq!(emulator.stats().requests_total, 0, "nothing was sent");
    emulator.shutdown();
}
