//! With the `metrics` feature, each check counts once in `captcha_axum_checks_total`,
//! labelled by outcome, reason and `CaptchaCode`.

#![cfg(feature = "metrics")]

mod support;

use captcha_axum::CHECKS_COUNTER;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use support::{USER, form_of, form_request, layered, peer, send, user};

#[test]
fn checks_are_counted_by_outcome_and_code() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // The emulator serves from its own thread; the checks run on this one, where the
    // recorder is installed.
    let emulator = captcha_emulator::BackgroundEmulator::start(
        captcha_emulator::Emulator::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            let client = captcha_hyper::ClientBuilder::new()
                .credential(emulator.credential())
                .api3_endpoint(emulator.api3_endpoint())
                .build()
                .unwrap();
            let guard = captcha_axum::CaptchaGuard::describe_captcha_result(
                client,
                captcha_emulator::DEMO_CAPTCHA_APP_ID,
                captcha_emulator::DEMO_APP_SECRET_KEY,
            )
            .build();
            let (router, _) = layered(guard, peer(USER));
            let minted = emulator
                .mint_api3_ticket(captcha_emulator::DEMO_CAPTCHA_APP_ID, user())
                .unwrap();
            send(&router, form_request(form_of(&minted))).await;
            send(&router, form_request(form_of(&minted))).await;
            send(&router, form_request(form_of(&minted))).await;
            send(&router, form_request("user=alice")).await;
        });
    });
    let counts: Vec<(Vec<(String, String)>, u64)> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .filter(|(key, ..)| key.key().name() == CHECKS_COUNTER)
        .map(|(key, _, _, value)| {
            let labels = key
                .key()
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            let DebugValue::Counter(count) = value else {
                panic!("{CHECKS_COUNTER} is a counter")
            };
            (labels, count)
        })
        .collect();
    let count_of = |outcome: &str, code: &str| {
        counts
            .iter()
            .filter(|(labels, _)| {
                labels.contains(&("outcome".to_owned(), outcome.to_owned()))
                    && labels.contains(&("code".to_owned(), code.to_owned()))
            })
            .map(|(_, count)| *count)
            .sum::<u64>()
    };
    assert_eq!(count_of("pass", "1"), 1, "{counts:?}");
    assert_eq!(count_of("rejected", "9"), 2, "{counts:?}");
    assert_eq!(count_of("malformed", "none"), 1, "{counts:?}");
}
