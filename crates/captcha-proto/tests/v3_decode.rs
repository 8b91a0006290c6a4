//! Decoding `DescribeCaptchaResult` answers (docs/protocol.md, "DescribeCaptchaResult"): every documented
//! `CaptchaCode` is an `Ok` verdict, `Response.Error` is a `Api3Error`, and malformed
//! bodies are `DecodeError`s.

use captcha_proto::Exchange;
use captcha_proto::api3::{
    self, Api3Action, Api3Config, Api3Exchange, Api3RawAction, CaptchaResult,
    DescribeCaptchaResult, RejectReason, Verdict,
};
use captcha_proto::tc3;
use captcha_proto::{Credential, DecodeErrorKind, ResponseError};
use http::StatusCode;

const OK: StatusCode = StatusCode::OK;

fn action(ticket: &str) -> DescribeCaptchaResult {
    DescribeCaptchaResult::new(
        ticket,
        "@Vki",
        "127.0.0.1".parse().unwrap(),
        199999164,
        "key",
    )
}

fn answer(code: i64, message: &str) -> Vec<u8> {
    format!(r#"{{"Response":{{"CaptchaCode":{code},"CaptchaMsg":"{message}","EvilLevel":0,"RequestId":"req-{code}"}}}}"#)
        .into_bytes()
}

#[test]
fn every_documented_code_is_a_verdict() {
    use RejectReason::*;
    let table = [
        (0, "not valid", NotValid),
        (6, "user code len error", UserCodeLength),
        (7, "captcha no match", RandstrMismatch),
        (8, "ticket expired", TicketExpired),
        (9, "ticket reused", TicketReused),
        (10, "Sequnce invalid", SequenceInvalid),
        (11, "Cookie invalid", CookieInvalid),
        (12, "sig len error", SignatureLength),
        (13, "verify ip no match", IpMismatch),
        (15, "decrypt fail", DecryptFailed),
        (16, "appid-ticket mismatch", AppIdMismatch),
        (17, "cmd no much", CommandMismatch),
        (18, "uin no match", UinMismatch),
        (19, "seq redirect", SequenceRedirect),
        (20, "opt no vcode", NoVerificationCode),
        (21, "diff", RiskDetected),
        (22, "captcha type not match", CaptchaTypeMismatch),
        (23, "verify type error", VerifyTypeError),
        (24, "invalid pkg", InvalidPackage),
        (25, "bad visitor", BadVisitor),
        (26, "system busy", SystemBusy),
        (100, "appid-secretkey-ticket mismatch", AppSecretMismatch),
        (104, "Ticket Reuse", TicketReused),
        (14, "undocumented", Other(14)),
        (-1, "negative", Other(-1)),
        (2, "two", Other(2)),
    ];
    let check = action("t03ticket");
    for (code, message, reason) in table {
        let result = check.decode(OK, &answer(code, message)).unwrap();
        assert_eq!(result.verdict, Verdict::Reject(reason), "code {code}");
        assert!(!result.is_pass(), "code {code}");
        assert_eq!(result.code, code);
        assert_eq!(result.message.as_deref(), Some(message));
        assert_eq!(result.request_id, format!("req-{code}"));
        assert!(!reason.description().is_empty());
    }
    let pass = check.decode(OK, &answer(1, "OK")).unwrap();
    assert_eq!(pass.verdict, Verdict::Pass);
    assert!(pass.is_pass());
    assert_eq!(pass.verdict.reject_reason(), None);
}

#[test]
fn code_21_depends_on_the_ticket_sent() {
    let body = answer(21, "diff");
    let risky = action("t03ticket").decode(OK, &body).unwrap();
    assert_eq!(risky.verdict, Verdict::Reject(RejectReason::RiskDetected));
    assert!(!risky.is_disaster_recovery());
    let recovery = action("trerror_1001_199999164_1729583235")
        .decode(OK, &body)
        .unwrap();
    assert_eq!(
        recovery.verdict,
        Verdict::Reject(RejectReason::DisasterRecoveryTicket)
    );
    assert!(recovery.is_disaster_recovery() && !recovery.is_pass());
    // A trerror ticket that passes (code 1) is still a pass; other codes keep their meaning.
    assert!(
        action("trerror_x")
            .decode(OK, &answer(1, "OK"))
            .unwrap()
            .is_pass()
    );
    assert_eq!(
        action("trerror_x")
            .decode(OK, &answer(8, "expired"))
            .unwrap()
            .verdict,
        Verdict::Reject(RejectReason::TicketExpired)
    );
}

#[test]
fn tccli_example_decodes_as_not_passed() {
    let body = br#"{
    "Response": {
        "CaptchaCode": 0,
        "CaptchaMsg": "not valid",
        "EvilLevel": 0,
        "GetCaptchaTime": 1729583235,
        "SubmitCaptchaTime": 1729583239,
        "EvilBitmap": 0,
        "RequestId": "7c370964-7deb-4008-8b29-47e87e60c1e0"
    },
    "retcode": 0,
    "retmsg": "success"
}"#;
    let result = action("tr03XaCUZ").decode(OK, body).unwrap();
    assert_eq!(result.verdict, Verdict::Reject(RejectReason::NotValid));
    assert!(!result.is_pass());
    assert_eq!(result.code, 0);
    assert_eq!(result.message.as_deref(), Some("not valid"));
    assert_eq!(result.evil_level, Some(0));
    assert_eq!(result.get_captcha_time, Some(1729583235));
    assert_eq!(result.submit_captcha_time, Some(1729583239));
    assert_eq!(result.evil_bitmap, Some(0));
    assert_eq!(result.device_risk_category, None);
    assert_eq!(result.score, None);
    assert_eq!(result.request_id, "7c370964-7deb-4008-8b29-47e87e60c1e0");
}

#[test]
fn newest_fields_and_lenient_numbers() {
    let body = br#"{"Response":{"CaptchaCode":"1","CaptchaMsg":null,"EvilLevel":100.0,
        "GetCaptchaTime":null,"SubmitCaptchaTime":" 1729583239 ","EvilBitmap":4,
        "DeviceRiskCategory":"emulator","Score":87,"RequestId":"r"}}"#;
    let result: CaptchaResult = api3::decode_captcha_result(OK, body, false).unwrap();
    assert!(result.is_pass());
    assert_eq!(result.message, None);
    assert_eq!(result.evil_level, Some(100));
    assert_eq!(result.get_captcha_time, None);
    assert_eq!(result.submit_captcha_time, Some(1729583239));
    assert_eq!(result.evil_bitmap, Some(4));
    assert_eq!(result.device_risk_category.as_deref(), Some("emulator"));
    assert_eq!(result.score, Some(87));
}

#[test]
fn error_envelope_is_a_service_error() {
    let cases = [
        ("AuthFailure.SignatureFailure", true, false, false),
        ("AuthFailure.SignatureExpire", true, true, false),
        ("UnauthorizedOperation.Unauthorized", true, false, false),
        ("RequestLimitExceeded", false, false, true),
        ("InternalError", false, false, true),
        ("InvalidParameter", false, false, false),
        ("MissingParameter", false, false, false),
    ];
    for status in [
        StatusCode::OK,
        StatusCode::BAD_REQUEST,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        for (code, auth, expired, retryable) in cases {
            let body = format!(
                r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"refused: {code}"}},"RequestId":"6e4b2b3c-0000-4000-8000-000000000001"}}}}"#
            );
            let err = action("t").decode(status, body.as_bytes()).unwrap_err();
            let ResponseError::Api3(service) = &err else {
                panic!("{err:?}");
            };
            assert_eq!(service.code(), code);
            assert_eq!(service.message(), format!("refused: {code}"));
            assert_eq!(
                service.request_id(),
                Some("6e4b2b3c-0000-4000-8000-000000000001")
            );
            assert_eq!(service.is_auth_failure(), auth, "{code}");
            assert_eq!(service.is_signature_expired(), expired, "{code}");
            assert_eq!(err.is_retryable(), retryable, "{code}");
        }
    }
    // Without a RequestId or Message the refusal is still read.
    let err = action("t")
        .decode(OK, br#"{"Response":{"Error":{"Code":"InternalError"}}}"#)
        .unwrap_err();
    let ResponseError::Api3(service) = err else {
        panic!()
    };
    assert_eq!(
        (service.code(), service.message(), service.request_id()),
        ("InternalError", "", None)
    );
}

fn decode_kind(status: StatusCode, body: &[u8]) -> DecodeErrorKind {
    match action("t").decode(status, body) {
        Err(ResponseError::Decode(e)) => {
            assert_eq!(e.status(), status);
            e.kind().clone()
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn malformed_bodies_are_decode_errors() {
    assert!(matches!(
        decode_kind(OK, b"<html>"),
        DecodeErrorKind::NotJson { .. }
    ));
    assert!(matches!(
        decode_kind(OK, b""),
        DecodeErrorKind::NotJson { .. }
    ));
    assert_eq!(decode_kind(OK, b"\xff\xfe{"), DecodeErrorKind::NotUtf8);
    assert_eq!(
        decode_kind(OK, br#"{"code":0}"#),
        DecodeErrorKind::MissingField { field: "Response" }
    );
    assert_eq!(
        decode_kind(OK, br#"[1,2]"#),
        DecodeErrorKind::MissingField { field: "Response" }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":"x"}"#),
        DecodeErrorKind::InvalidField {
            field: "Response",
            reason: "is not an object"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"RequestId":"r"}}"#),
        DecodeErrorKind::MissingField {
            field: "CaptchaCode"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":null,"RequestId":"r"}}"#),
        DecodeErrorKind::MissingField {
            field: "CaptchaCode"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":1}}"#),
        DecodeErrorKind::MissingField { field: "RequestId" }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":"one","RequestId":"r"}}"#),
        DecodeErrorKind::InvalidField {
            field: "CaptchaCode",
            reason: "is not an integer"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":1.5,"RequestId":"r"}}"#),
        DecodeErrorKind::InvalidField {
            field: "CaptchaCode",
            reason: "is not an integer"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":1e300,"RequestId":"r"}}"#),
        DecodeErrorKind::InvalidField {
            field: "CaptchaCode",
            reason: "is not an integer"
        }
    );
    assert_eq!(
        decode_kind(
            OK,
            br#"{"Response":{"CaptchaCode":1,"CaptchaMsg":5,"RequestId":"r"}}"#
        ),
        DecodeErrorKind::InvalidField {
            field: "CaptchaMsg",
            reason: "is not a string"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"CaptchaCode":1,"RequestId":7}}"#),
        DecodeErrorKind::InvalidField {
            field: "RequestId",
            reason: "is not a string"
        }
    );
    assert_eq!(
        decode_kind(
            OK,
            br#"{"Response":{"Error":{"Message":"m"},"RequestId":"r"}}"#
        ),
        DecodeErrorKind::MissingField {
            field: "Error.Code"
        }
    );
    assert_eq!(
        decode_kind(OK, br#"{"Response":{"Error":"boom","RequestId":"r"}}"#),
        DecodeErrorKind::InvalidField {
            field: "Error",
            reason: "is not an object"
        }
    );
    // A failure status without an error envelope is a status error, even with a verdict.
    let gateway = StatusCode::BAD_GATEWAY;
    assert_eq!(
        decode_kind(gateway, b"<html>502</html>"),
        DecodeErrorKind::Status
    );
    assert_eq!(
        decode_kind(gateway, &answer(1, "OK")),
        DecodeErrorKind::Status
    );
    assert_eq!(decode_kind(gateway, b"{}"), DecodeErrorKind::Status);
}

#[test]
fn decode_error_snippets_mask_secrets() {
    let body = br#"{"Response":{"AppSecretKey":"leaked-app-secret","Ticket":"leaked-ticket","RequestId":"r"}}"#;
    let err = action("t").decode(OK, body).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("leaked-app-secret") && !text.contains("leaked-ticket"),
        "{text}"
    );
}

#[test]
fn exchange_drives_the_v3_call() {
    let config = Api3Config::new(Credential::new("AKIDexample", "secret").unwrap());
    let check = action("t03ticket");
    let exchange = Api3Exchange {
        config: &config,
        action: &check,
    };
    assert_eq!(exchange.action_name(), "DescribeCaptchaResult");
    assert!(exchange.single_use());
    let stamp = captcha_proto::Stamp::new(1_700_000_000, 3).unwrap();
    let request = exchange.encode(stamp).unwrap();
    assert_eq!(request.headers()["x-tc-action"], "DescribeCaptchaResult");
    tc3::verify_request(&request, config.credential(), "captcha").unwrap();
    let result = exchange
        .decode(&http::Response::new(answer(7, "captcha no match").to_vec()))
        .unwrap();
    assert_eq!(
        result.verdict,
        Verdict::Reject(RejectReason::RandstrMismatch)
    );

    let raw = Api3RawAction::new("cvm", "2017-03-12", "DescribeInstances");
    let exchange = Api3Exchange {
        config: &config,
        action: &raw,
    };
    assert!(!exchange.single_use());
    assert!(raw.clone().mark_single_use().single_use());
    let object = exchange
        .decode(&http::Response::new(
            br#"{"Response":{"TotalCount":2,"RequestId":"r"}}"#.to_vec(),
        ))
        .unwrap();
    assert_eq!(object["TotalCount"], 2);
    assert!(matches!(
        exchange.decode(&http::Response::new(
            br#"{"Response":{"Error":{"Code":"InvalidAction","Message":"m"},"RequestId":"r"}}"#
                .to_vec()
        )),
        Err(ResponseError::Api3(_))
    ));
    // `decode_response` reads an http::Response as a transport hands it over.
    let response = http::Response::builder()
        .status(200)
        .body(answer(1, "OK"))
        .unwrap();
    assert!(check.decode_response(&response).unwrap().is_pass());
}

#[test]
fn a_key_given_twice_takes_its_last_value() {
    let check = action("t03ticket");
    let twice =
        br#"{"Response":{"CaptchaCode":9,"RequestId":"a","CaptchaCode":1,"RequestId":"b"}}"#;
    let result = check.decode(OK, twice).unwrap();
    assert_eq!((result.code, result.request_id.as_str()), (1, "b"));
    // The last `Response` counts, refusal or not.
    let refused_then_answered = br#"{"Response":{"Error":{"Code":"InternalError"}},"Response":{"CaptchaCode":8,"RequestId":"r"}}"#;
    assert_eq!(check.decode(OK, refused_then_answered).unwrap().code, 8);
    let answered_then_refused = br#"{"Response":{"CaptchaCode":8,"RequestId":"r"},"Response":{"Error":{"Code":"InternalError","Code":"LimitExceeded"}}}"#;
    match check.decode(OK, answered_then_refused) {
        Err(ResponseError::Api3(e)) => assert_eq!(e.code(), "LimitExceeded"),
        other => panic!("{other:?}"),
    }
    let rce = api3::DescribeCaptchaRceResult::from(check);
    let body = br#"{"Response":{"CaptchaCode":1,"RequestId":"r","RceResult":{"RiskLevel":"review","RiskLevel":"pass"}}}"#;
    let risk = rce.decode(OK, body).unwrap().rce_result.unwrap();
    assert_eq!(risk.risk_level.as_deref(), Some("pass"));
}

#[test]
fn risk_objects_name_the_path_at_fault() {
    let rce = api3::DescribeCaptchaRceResult::from(action("t03ticket"));
    let path_of = |risk: &str| {
        let body =
            format!(r#"{{"Response":{{"CaptchaCode":1,"RequestId":"r","RceResult":{risk}}}}}"#);
        match rce.decode(OK, body.as_bytes()) {
            Err(ResponseError::Decode(e)) => match e.kind() {
                DecodeErrorKind::InvalidPath { path, reason } => {
                    assert_eq!(*reason, "has the wrong type");
                    path.clone()
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(path_of(r#""pass""#), "RceResult");
    // An array is not an object, even one serde could fill a struct from by position.
    assert_eq!(path_of("[]"), "RceResult");
    assert_eq!(
        path_of(r#"{"RiskType":[1,"2",true]}"#),
        "RceResult.RiskType[2]"
    );
    assert_eq!(path_of(r#"{"RiskType":{}}"#), "RceResult.RiskType");
    // Of two wrong fields, the first by name, whatever their order in the body.
    assert_eq!(
        path_of(r#"{"UserIp":1,"PostTime":"x"}"#),
        "RceResult.PostTime"
    );
    assert_eq!(
        path_of(r#"{"PostTime":"x","UserIp":1}"#),
        "RceResult.PostTime"
    );
    // `Response.Error` comes first.
    let body = br#"{"Response":{"RceResult":7,"Error":{"Code":"InternalError"}}}"#;
    assert!(matches!(rce.decode(OK, body), Err(ResponseError::Api3(_))));
}

#[test]
fn integral_floats_are_integers_below_9_2e18() {
    let code = |number: &str| {
        let body = format!(r#"{{"Response":{{"CaptchaCode":{number},"RequestId":"r"}}}}"#);
        action("t")
            .decode(OK, body.as_bytes())
            .map(|result| result.code)
    };
    assert_eq!(code("1.0"), Ok(1));
    assert_eq!(code("-0.0"), Ok(0));
    assert_eq!(code("9.1e18"), Ok(9_100_000_000_000_000_000));
    assert!(code("9.3e18").is_err());
    assert!(code("18446744073709551615").is_err());
}
