//! The "bring your own client" path from the crate docs, run: `Api2Config::encode`, a bare
//! async-std socket with hyper's http1 connection, `Action::decode`. Against the emulator.

use captcha_async_std::{
    Api2Action, Api2Config, CaptchaCheck, CaptchaGetUrl, CaptchaType, CheckVerdict, Stamp,
};
use captcha_emulator::{BackgroundEmulator, Emulator};
use http_body_util::{BodyExt, Full};
use smol_hyper::rt::FuturesIo;

async fn round_trip(request: http::Request<Vec<u8>>) -> (http::StatusCode, bytes::Bytes) {
    let authority = request.uri().authority().unwrap().clone();
    let stream = async_std::net::TcpStream::connect(authority.as_str())
        .await
        .unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(FuturesIo::new(stream))
        .await
        .unwrap();
    async_std::task::spawn(connection);
    let (mut parts, body) = request.into_parts();
    parts.uri = parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .parse()
        .unwrap();
    parts
        .headers
        .insert(http::header::HOST, authority.as_str().parse().unwrap());
    let response = sender
        .send_request(http::Request::from_parts(
            parts,
            Full::new(bytes::Bytes::from(body)),
        ))
        .await
        .unwrap();
    let status = response.status();
    (
        status,
        response.into_body().collect().await.unwrap().to_bytes(),
    )
}

#[async_std::test]
async fn encode_send_yourself_decode() {
    let emulator =
        BackgroundEmulator::start(Emulator::builder(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let config = Api2Config::new(emulator.credential()).with_endpoint(emulator.endpoint());

    let action = CaptchaGetUrl::new();
    let (status, body) = round_trip(config.encode(&action, Stamp::now()).unwrap()).await;
    let url = action.decode(status, &body).unwrap();
    assert!(url.uri().host().is_some());

    let ip = "203.0.113.7".parse().unwrap();
    let check = CaptchaCheck::new(emulator.mint_ticket(ip, 9), ip, CaptchaType::Slider);
    let (status, body) = round_trip(config.encode(&check, Stamp::now()).unwrap()).await;
    assert_eq!(check.decode(status, &body).unwrap(), CheckVerdict::Pass);
}
