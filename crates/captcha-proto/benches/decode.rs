//! API 2.0 response decoding, next to its floor (serde_json straight into a borrowed
//! `{code, message, url}`).
//!
//! `cargo bench -p captcha-proto --bench decode`

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use captcha_proto::Api2Action;
use criterion::{Criterion, criterion_group, criterion_main};
use http::StatusCode;

mod common;

fn decode(c: &mut Criterion) {
    let check = common::check();
    let get_url = common::get_url();
    let cases: [(&str, &[u8]); 3] = [
        ("decode_check_pass", common::CHECK_PASS_BODY),
        ("decode_check_fail", common::CHECK_FAIL_BODY),
        ("decode_get_url", common::GET_URL_BODY),
    ];
    for (name, body) in cases {
        let mut group = c.benchmark_group(name);
        group.bench_function("sdk", |b| {
            if name == "decode_get_url" {
                b.iter(|| get_url.decode(StatusCode::OK, black_box(body)))
            } else {
                b.iter(|| check.decode(StatusCode::OK, black_box(body)))
            }
        });
        group.bench_function("floor", |b| b.iter(|| common::floor_decode(body)));
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
