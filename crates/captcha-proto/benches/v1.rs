//! API 2.0: string to sign, signature and whole-request encoding of `CaptchaCheck` and
//! `CaptchaGetUrl`, each next to its floor (bare HMAC + base64 over the same bytes).
//!
//! `cargo bench -p captcha-proto --bench v1`

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use captcha_proto::{HttpMethod, v1};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn string_to_sign(c: &mut Criterion) {
    let config = common::config(HttpMethod::Get);
    let check = common::check();
    let stamp = common::stamp();
    c.bench_function("v1_string_to_sign_check", |b| {
        b.iter(|| config.string_to_sign(black_box(&check), black_box(stamp)))
    });
}

fn sign(c: &mut Criterion) {
    let key = common::SECRET_KEY.as_bytes();
    let secret = common::credential().secret_key().clone();
    let check = common::check();
    let stamp = common::stamp();
    let sha1_text = common::config(HttpMethod::Get)
        .string_to_sign(&check, stamp)
        .expect("encodable");
    let sha256_text = common::config_sha256()
        .string_to_sign(&check, stamp)
        .expect("encodable");

    let mut group = c.benchmark_group("sign_sha1");
    group.bench_function("sdk", |b| {
        b.iter(|| {
            v1::sign(
                &secret,
                v1::SignatureMethod::HmacSha1,
                black_box(&sha1_text),
            )
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| common::floor_sha1(key, black_box(sha1_text.as_bytes())))
    });
    group.finish();

    let mut group = c.benchmark_group("sign_sha256");
    group.bench_function("sdk", |b| {
        b.iter(|| {
            v1::sign(
                &secret,
                v1::SignatureMethod::HmacSha256,
                black_box(&sha256_text),
            )
        })
    });
    group.bench_function("floor", |b| {
        b.iter(|| common::floor_sha256(key, black_box(sha256_text.as_bytes())))
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    let key = common::SECRET_KEY.as_bytes();
    let check = common::check();
    let get_url = common::get_url();
    let stamp = common::stamp();
    let get = common::config(HttpMethod::Get);
    let post = common::config(HttpMethod::Post);
    let cases = [
        ("encode_check_get", get.string_to_sign(&check, stamp)),
        ("encode_check_post", post.string_to_sign(&check, stamp)),
        ("encode_get_url", get.string_to_sign(&get_url, stamp)),
    ];
    for (name, text) in cases {
        let text = text.expect("encodable");
        let mut group = c.benchmark_group(name);
        group.bench_function("sdk", |b| match name {
            "encode_check_get" => b.iter(|| get.encode(black_box(&check), black_box(stamp))),
            "encode_check_post" => b.iter(|| post.encode(black_box(&check), black_box(stamp))),
            _ => b.iter(|| get.encode(black_box(&get_url), black_box(stamp))),
        });
        group.bench_function("floor", |b| {
            b.iter(|| common::floor_sha1(key, black_box(text.as_bytes())))
        });
        group.finish();
    }
}

criterion_group!(benches, string_to_sign, sign, encode);
criterion_main!(benches);
