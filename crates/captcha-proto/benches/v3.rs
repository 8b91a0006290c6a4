//! API 3.0 (TC3-HMAC-SHA256): `DescribeCaptchaResult` encoding and `sign_request`, next to
//! the floor (the two SHA-256 hashes and four HMACs of the scheme plus hex, over the same
//! bytes).
//!
//! `cargo bench -p captcha-proto --bench v3`

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use captcha_proto::{api3, tc3};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

mod common;

fn tc3(c: &mut Criterion) {
    let config = common::v3_config();
    let action = common::describe();
    let stamp = common::stamp();
    let credential = common::credential();
    let input = common::tc3_input();
    let unsigned = {
        let signed = config.encode(&action, stamp).expect("encodable");
        let (mut parts, body) = signed.into_parts();
        parts.headers.remove(http::header::AUTHORIZATION);
        parts.headers.remove(tc3::TIMESTAMP_HEADER);
        http::Request::from_parts(parts, body)
    };

    let mut group = c.benchmark_group("v3_encode_describe");
    group.bench_function("sdk", |b| {
        b.iter(|| config.encode(black_box(&action), black_box(stamp)))
    });
    group.bench_function("floor", |b| {
        b.iter(|| common::floor_tc3(common::SECRET_KEY, black_box(&input)))
    });
    group.finish();

    let mut group = c.benchmark_group("v3_sign_request");
    group.bench_function("sdk", |b| {
        b.iter_batched_ref(
            || unsigned.clone(),
            |request| {
                tc3::sign_request(
                    request,
                    &credential,
                    api3::CAPTCHA_SERVICE,
                    common::TIMESTAMP,
                )
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("floor", |b| {
        b.iter(|| common::floor_tc3(common::SECRET_KEY, black_box(&input)))
    });
    group.finish();
}

criterion_group!(benches, tc3);
criterion_main!(benches);
