//! Replays every committed fuzz input (`fuzz/corpus/<target>/`, and `fuzz/artifacts/<target>/`
//! when a local fuzz run left crash files there) through the harnesses of
//! `captcha-fuzz-harness` (the ones the cargo-fuzz targets call), on stable Rust, as part
//! of `cargo test`.
//!
//! A missing or empty corpus directory fails the test, so the replay cannot pass vacuously.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use captcha_fuzz_harness::{Checks, RoundtripInput, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Every file of the corpus of `target` (non-empty), plus crash files of a local run.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let corpus = fuzz_dir().join("corpus").join(target);
    let mut files = read_files(&corpus)
        .unwrap_or_else(|e| panic!("corpus directory {} is missing: {e}", corpus.display()));
    assert!(
        !files.is_empty(),
        "corpus directory {} is empty",
        corpus.display()
    );
    if let Ok(artifacts) = read_files(&fuzz_dir().join("artifacts").join(target)) {
        files.extend(artifacts);
    }
    files
}

fn read_files(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            files.push((name, fs::read(&path)?));
        }
    }
    files.sort();
    Ok(files)
}

/// Runs `harness` on every input of `target`; fails naming every input that panicked.
fn replay(target: &str, harness: impl Fn(&str, &[u8])) -> usize {
    let files = inputs(target);
    let failed: Vec<&str> = files
        .iter()
        .filter(|(name, bytes)| {
            panic::catch_unwind(AssertUnwindSafe(|| harness(name, bytes))).is_err()
        })
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(failed.is_empty(), "{target}: failing inputs {failed:?}");
    files.len()
}

#[test]
fn every_fuzz_target_has_a_corpus() {
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let declared: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "captcha-fuzz")
        .collect();
    assert_eq!(
        declared, TARGETS,
        "fuzz targets and replayed corpora differ"
    );
    for target in TARGETS {
        assert!(!inputs(target).is_empty());
    }
}

/// Every input of every target through its harness with all oracles.
fn replay_full(target: &str) -> usize {
    replay(target, |_, bytes| {
        captcha_fuzz_harness::run(target, bytes, Checks::Full).expect("a known target");
    })
}

#[test]
fn api2_decode_corpus() {
    let count = replay_full("api2_decode");
    assert!(count >= 20, "only {count} api2_decode inputs");
}

#[test]
fn api3_decode_corpus() {
    let count = replay_full("api3_decode");
    assert!(count >= 20, "only {count} api3_decode inputs");
}

#[test]
fn parser_corpora() {
    for target in [
        "api3_disaster_ticket",
        "axum_fields",
        "credentials_metadata",
        "credentials_profile",
        "tc3_authorization",
    ] {
        assert!(replay_full(target) >= 5, "{target}");
    }
}

#[test]
fn v1_verify_corpus() {
    replay("v1_verify", |name, bytes| {
        let accepted = captcha_fuzz_harness::v1_verify(bytes, Checks::Full);
        // The `signed-*` seeds are the signed vectors D1–D3 of docs/protocol.md
        // ("Derived csec vectors").
        if name.starts_with("signed-") {
            assert!(accepted, "{name} is not accepted");
        }
        if name.starts_with("mismatch-") || name.starts_with("missing-") {
            assert!(!accepted, "{name} is accepted");
        }
    });
}

#[test]
fn tc3_verify_corpus() {
    replay("tc3_verify", |name, bytes| {
        let accepted = captcha_fuzz_harness::tc3_verify(bytes, Checks::Full);
        // `signed-*` seeds are requests signed with the harness's key: POST, GET, and
        // POST with an unsigned payload.
        if name.starts_with("signed-") {
            assert!(accepted, "{name} is not accepted");
        }
        if name.starts_with("mismatch-") {
            assert!(!accepted, "{name} is accepted");
        }
    });
}

#[test]
fn api2_roundtrip_corpus() {
    replay("api2_roundtrip", |name, bytes| {
        let result = captcha_fuzz_harness::roundtrip_bytes(bytes, Checks::Full);
        // Seeds are written with `RoundtripInput::to_bytes`: `valid-*` ones are real calls
        // that must encode, `invalid-*` ones must be refused.
        if name.starts_with("valid-") {
            assert_eq!(result, Ok(()), "{name}");
            assert_eq!(
                RoundtripInput::from_bytes(bytes).to_bytes(),
                bytes,
                "{name}"
            );
        }
        if name.starts_with("invalid-") {
            assert!(result.is_err(), "{name} is accepted");
        }
    });
}
