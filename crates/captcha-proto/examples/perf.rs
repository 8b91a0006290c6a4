//! Cost per call of the sans-IO core, next to its cryptographic floor, in one process.
//!
//! ```text
//! cargo run --release -p captcha-proto --example perf
//! ```
//!
//! Prints one JSON object per line:
//! `{"bench": NAME, "ns_per_op": X, "allocs_per_op": N, "floor_ns_per_op": F, "ratio_to_floor": R}`
//! (the last two only where a floor exists; see `benches/common/mod.rs` for what each floor
//! does). Each measurement is warmed up, then timed in batches of about 30 ms that alternate
//! with its floor's; the figure is the median batch. Allocations are counted by a counting
//! global allocator over one batch (`allocs_per_op` counts `alloc` and `realloc` calls). The counter adds a few nanoseconds
//! to every allocation, so these timings are slightly above the criterion benches'
//! (`cargo bench -p captcha-proto`), which run without it.
//!
//! Options: `--quick` (shorter batches, for a smoke run), `--fastest` (300 batches of about
//! 1 ms, reporting the fastest instead of the median: on a machine shared with busy
//! processes, some short batches run without being preempted), `--filter WORD` (only benches
//! whose name contains WORD), `--exact` (only the bench named WORD), `--iterations N` (run each operation exactly N times, untimed
//! and without its floor, printing nothing: for `valgrind --tool=callgrind` or `perf`).

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use captcha_proto::api3::Api3Action;
use captcha_proto::{Api2Action, HttpMethod, Stamp, v1};
use http::Request;
use http::uri::{Parts, PathAndQuery, Uri};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[path = "../benches/common/mod.rs"]
mod common;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// How long to time one measurement.
#[derive(Clone, Copy)]
struct Budget {
    warm_up: Duration,
    batch: Duration,
    batches: usize,
    /// Report the fastest batch rather than the median.
    fastest: bool,
}

impl Budget {
    const FULL: Self = Self {
        warm_up: Duration::from_millis(100),
        batch: Duration::from_millis(30),
        batches: 9,
        fastest: false,
    };
    const QUICK: Self = Self {
        warm_up: Duration::from_millis(5),
        batch: Duration::from_millis(2),
        batches: 3,
        fastest: false,
    };
    const FASTEST: Self = Self {
        warm_up: Duration::from_millis(100),
        batch: Duration::from_millis(1),
        batches: 300,
        fastest: true,
    };

    /// The figure of a measurement's batch times.
    fn pick(self, times: &mut [f64]) -> f64 {
        if self.fastest {
            times.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            median(times)
        }
    }
}

/// Time (the median or fastest batch) and allocation count of one operation.
struct Measured {
    ns_per_op: f64,
    allocs_per_op: f64,
}

/// Measures `op` and its floor, if any: each is warmed up and its batch sized to the
/// budget, then their batches alternate, so that a change in the machine's speed during
/// the run (a busy neighbour on a shared host) weighs on both alike and the ratio between
/// them holds. Allocations are counted over one batch.
fn measure(
    budget: Budget,
    op: &mut dyn FnMut() -> usize,
    mut floor: Option<&mut dyn FnMut() -> usize>,
) -> (Measured, Option<Measured>) {
    let size = batch_size(budget, op);
    let floor_size = floor.as_mut().map(|floor| batch_size(budget, *floor));
    let (mut times, mut floor_times) = (Vec::new(), Vec::new());
    for _ in 0..budget.batches {
        times.push(time_batch(op, size));
        if let (Some(floor), Some(floor_size)) = (floor.as_mut(), floor_size) {
            floor_times.push(time_batch(*floor, floor_size));
        }
    }
    let measured = Measured {
        ns_per_op: budget.pick(&mut times),
        allocs_per_op: allocations(op, size),
    };
    let floor = floor.zip(floor_size).map(|(floor, floor_size)| Measured {
        ns_per_op: budget.pick(&mut floor_times),
        allocs_per_op: allocations(floor, floor_size),
    });
    (measured, floor)
}

/// Nanoseconds per run over one batch of `size` runs.
fn time_batch(op: &mut dyn FnMut() -> usize, size: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..size {
        black_box(op());
    }
    start.elapsed().as_nanos() as f64 / size as f64
}

/// Allocations (and reallocations) per run over one batch of `size` runs.
fn allocations(op: &mut dyn FnMut() -> usize, size: u64) -> f64 {
    let region = Region::new(GLOBAL);
    for _ in 0..size {
        black_box(op());
    }
    let change = region.change();
    (change.allocations + change.reallocations) as f64 / size as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `op` until warm; returns how many runs fill one batch of the budget.
fn batch_size(budget: Budget, op: &mut dyn FnMut() -> usize) -> u64 {
    let started = Instant::now();
    let mut warm_up_runs: u64 = 0;
    while started.elapsed() < budget.warm_up || warm_up_runs < 10 {
        black_box(op());
        warm_up_runs += 1;
    }
    let per_op = started.elapsed().as_secs_f64() / warm_up_runs as f64;
    ((budget.batch.as_secs_f64() / per_op) as u64).max(1)
}

/// One line of output.
fn report(name: &str, measured: &Measured, floor: Option<&Measured>) {
    let mut line = json!({
        "bench": name,
        "ns_per_op": round(measured.ns_per_op, 1),
        "allocs_per_op": count(measured.allocs_per_op),
    });
    if let Some(floor) = floor {
        line["floor_ns_per_op"] = json!(round(floor.ns_per_op, 1));
        line["ratio_to_floor"] = json!(round(measured.ns_per_op / floor.ns_per_op, 2));
    }
    println!("{line}");
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// A whole number when the count is one (deterministic code), else two decimals.
fn count(value: f64) -> Value {
    if (value - value.round()).abs() < 0.005 {
        json!(value.round() as u64)
    } else {
        json!(round(value, 2))
    }
}

/// Command-line options.
struct Options {
    budget: Budget,
    filter: Option<String>,
    /// Whether `filter` names one bench rather than part of a name.
    exact: bool,
    iterations: Option<u64>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        budget: Budget::FULL,
        filter: None,
        exact: false,
        iterations: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.budget = Budget::QUICK,
            "--fastest" => options.budget = Budget::FASTEST,
            "--filter" => options.filter = Some(args.next().ok_or("--filter needs a word")?),
            "--exact" => options.exact = true,
            "--iterations" => {
                let n = args.next().ok_or("--iterations needs a number")?;
                options.iterations = Some(n.parse().map_err(|_| format!("bad count {n:?}"))?);
            }
            "--help" | "-h" => {
                return Err(
                    "usage: perf [--quick | --fastest] [--filter WORD [--exact]] [--iterations N]"
                        .to_owned(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

/// Measures and reports `op` (and its floor) if the filter wants it.
fn run_one(
    options: &Options,
    name: &str,
    op: &mut dyn FnMut() -> usize,
    floor: Option<&mut dyn FnMut() -> usize>,
) {
    let wanted = |f: &str| {
        if options.exact {
            name == f
        } else {
            name.contains(f)
        }
    };
    if options.filter.as_deref().is_some_and(|f| !wanted(f)) {
        return;
    }
    if let Some(iterations) = options.iterations {
        for _ in 0..iterations {
            black_box(op());
        }
        return;
    }
    let (measured, floor) = measure(options.budget, op, floor);
    report(name, &measured, floor.as_ref());
}

fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let run =
        |name: &str, op: &mut dyn FnMut() -> usize, floor: Option<&mut dyn FnMut() -> usize>| {
            run_one(&options, name, op, floor)
        };

    let key = common::SECRET_KEY.as_bytes();
    let secret = common::credential().secret_key().clone();
    let check = common::check();
    let get_url = common::get_url();
    let stamp = common::stamp();
    let get = common::config(HttpMethod::Get);
    let post = common::config(HttpMethod::Post);
    let sha256 = common::config_sha256();
    let get_text = get.string_to_sign(&check, stamp).expect("encodable");
    let post_text = post.string_to_sign(&check, stamp).expect("encodable");
    let sha256_text = sha256.string_to_sign(&check, stamp).expect("encodable");
    let get_url_text = get.string_to_sign(&get_url, stamp).expect("encodable");
    // `Stamp::now()` nonces are mostly 19 digits, the fixed one 10: sign as many bytes.
    let clock_like_text = get
        .string_to_sign(&check, common::clock_like_stamp())
        .expect("encodable");
    let signer_sha1 = v1::Signer::new(&secret, v1::SignatureMethod::HmacSha1);
    // The floor of every bench that signs `get_text` (the CaptchaCheck GET string to sign).
    let mut floor_get = || {
        common::floor_sha1(key, get_text.as_bytes())
            .as_bytes()
            .len()
    };

    run(
        "v1_string_to_sign_check",
        &mut || get.string_to_sign(&check, stamp).expect("encodable").len(),
        None,
    );
    run(
        "v1_sign_sha1",
        &mut || {
            v1::sign(&secret, v1::SignatureMethod::HmacSha1, &get_text)
                .expose_secret()
                .len()
        },
        Some(&mut floor_get),
    );
    run(
        "v1_sign_sha256",
        &mut || {
            v1::sign(&secret, v1::SignatureMethod::HmacSha256, &sha256_text)
                .expose_secret()
                .len()
        },
        Some(&mut || {
            common::floor_sha256(key, sha256_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );
    // The encode every `*_check_get` bench is about.
    let encode_check_get = || {
        get.encode(&check, stamp)
            .expect("encodable")
            .uri()
            .path()
            .len()
    };
    run(
        "encode_check_get",
        &mut encode_check_get.clone(),
        Some(&mut floor_get),
    );
    // What `encode_check_get` costs without any parameter work: the same query, written in
    // advance, copied into a fresh buffer, signed with the keyed signer, its signature
    // appended and the whole parsed into the request's `Uri`. No encoder that returns an
    // `http::Request` can cost less; the gap between the two is what `Params` costs.
    let encoded_uri = get.encode(&check, stamp).expect("encodable").uri().clone();
    let unsigned = {
        let full = encoded_uri.path_and_query().expect("a query").as_str();
        full[..full.rfind("&Signature=").expect("signed")].to_owned()
    };
    let query_start = unsigned.find('?').expect("a query") + 1;
    let signed_prefix = &get_text[..get_text.find('?').expect("a query") + 1];
    // Signs the query in `form`, appends the signature and parses the whole into the
    // request's `Uri`: the part of an encode that no parameter writer can avoid.
    // The request's `Uri` from a finished path and query: `http` checks every byte of it.
    let uri_of = |form: Vec<u8>| {
        let mut parts = Parts::default();
        parts.scheme = encoded_uri.scheme().cloned();
        parts.authority = encoded_uri.authority().cloned();
        parts.path_and_query =
            Some(PathAndQuery::from_maybe_shared(Bytes::from(form)).expect("a valid query"));
        Uri::from_parts(parts).expect("a valid URI")
    };
    let sign_into_request = |mut form: Vec<u8>| {
        let mut signing = signer_sha1.start();
        signing.update(signed_prefix.as_bytes());
        signing.update(&form[query_start..]);
        let signature = signing.finish();
        form.extend_from_slice(b"&Signature=");
        for piece in utf8_percent_encode(signature.expose_secret(), NON_ALPHANUMERIC) {
            form.extend_from_slice(piece.as_bytes());
        }
        let mut request = Request::new(Vec::<u8>::new());
        *request.uri_mut() = uri_of(form);
        request
    };
    let request_only = || {
        let mut form = Vec::with_capacity(512);
        form.extend_from_slice(unsigned.as_bytes());
        sign_into_request(form)
    };
    assert_eq!(request_only().uri(), &encoded_uri, "the same request");
    run(
        "request_only_check_get",
        &mut || request_only().uri().path().len(),
        Some(&mut floor_get),
    );
    // The `http` crate's share of that bound alone: the finished path and query copied into
    // a fresh buffer and made the request's `Uri` (`PathAndQuery` checks every byte). No
    // parameters, no signature: what any encoder returning an `http::Request` pays on top
    // of the HMAC for this query.
    let finished = encoded_uri.path_and_query().expect("a query").as_str();
    let uri_only = || {
        let mut form = Vec::with_capacity(512);
        form.extend_from_slice(black_box(finished).as_bytes());
        uri_of(form)
    };
    assert_eq!(uri_only(), encoded_uri, "the same URI");
    run(
        "uri_only_check_get",
        &mut || uri_only().path().len(),
        Some(&mut floor_get),
    );
    // The same request with its parameters written by hand for this one call: static text
    // between the values, the config's fixed parameters as one piece, no checks but the
    // ticket's "nothing to escape", no `Params`. The least a parameter writer can add to
    // `request_only_check_get`; the gap to `encode_check_get` is what the general one adds.
    let fixed_common = {
        let query = &unsigned[query_start..];
        let from = query.find("&Region=").expect("a region") + 1;
        query[from..query.find("&Timestamp=").expect("a timestamp")].to_owned()
    };
    let user_ip: std::net::Ipv4Addr = common::USER_IP.parse().expect("an IPv4 address");
    let handwritten = || {
        let mut form = Vec::with_capacity(512);
        form.extend_from_slice(b"/v2/index.php?Action=CaptchaCheck&Nonce=");
        form.extend_from_slice(itoa::Buffer::new().format(stamp.nonce()).as_bytes());
        form.push(b'&');
        form.extend_from_slice(fixed_common.as_bytes());
        form.extend_from_slice(b"&Timestamp=");
        form.extend_from_slice(itoa::Buffer::new().format(stamp.timestamp()).as_bytes());
        form.extend_from_slice(b"&accountType=0&captchaType=9&ticket=");
        let ticket = black_box(common::TICKET).as_bytes();
        let unreserved =
            |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        assert!(ticket.iter().all(unreserved), "nothing to escape");
        form.extend_from_slice(ticket);
        form.extend_from_slice(b"&userIp=");
        for (i, octet) in user_ip.octets().into_iter().enumerate() {
            if i > 0 {
                form.push(b'.');
            }
            form.extend_from_slice(itoa::Buffer::new().format(octet).as_bytes());
        }
        sign_into_request(form)
    };
    assert_eq!(handwritten().uri(), &encoded_uri, "the same request");
    run(
        "handwritten_check_get",
        &mut || handwritten().uri().path().len(),
        Some(&mut floor_get),
    );
    // The encoder against the handwritten request, their batches alternating in this one
    // process so that the machine's drift weighs on both alike: `ratio_to_floor` is
    // encode ÷ handwritten.
    run(
        "encode_vs_handwritten_check_get",
        &mut encode_check_get.clone(),
        Some(&mut || handwritten().uri().path().len()),
    );
    run(
        "v1_sign_sha1_keyed",
        &mut || signer_sha1.sign(get_text.as_bytes()).expose_secret().len(),
        Some(&mut floor_get),
    );
    run(
        "stamp_now",
        &mut || usize::from(Stamp::now().nonce() > 0),
        None,
    );
    run(
        "encode_now_check_get",
        &mut || {
            get.encode(&check, Stamp::now())
                .expect("encodable")
                .uri()
                .path()
                .len()
        },
        Some(&mut || {
            common::floor_sha1(key, clock_like_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );
    // The escaping path: a ticket with `*` padding is signed raw and sent escaped, so the
    // query is written pair by pair instead of taken from the signed text.
    let padded = common::check_padded_ticket();
    let padded_text = get.string_to_sign(&padded, stamp).expect("encodable");
    run(
        "encode_check_get_padded_ticket",
        &mut || {
            get.encode(&padded, stamp)
                .expect("encodable")
                .uri()
                .path()
                .len()
        },
        Some(&mut || {
            common::floor_sha1(key, padded_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );
    run(
        "encode_check_post",
        &mut || post.encode(&check, stamp).expect("encodable").body().len(),
        Some(&mut || {
            common::floor_sha1(key, post_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );
    run(
        "encode_check_sha256_get",
        &mut || {
            sha256
                .encode(&check, stamp)
                .expect("encodable")
                .uri()
                .path()
                .len()
        },
        Some(&mut || {
            common::floor_sha256(key, sha256_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );
    run(
        "encode_get_url",
        &mut || {
            get.encode(&get_url, stamp)
                .expect("encodable")
                .uri()
                .path()
                .len()
        },
        Some(&mut || {
            common::floor_sha1(key, get_url_text.as_bytes())
                .as_bytes()
                .len()
        }),
    );

    let ok = http::StatusCode::OK;
    run(
        "decode_check_pass",
        &mut || {
            usize::from(
                check
                    .decode(ok, common::CHECK_PASS_BODY)
                    .expect("decodes")
                    .is_pass(),
            )
        },
        Some(&mut || common::floor_decode(common::CHECK_PASS_BODY) as usize),
    );
    run(
        "decode_check_fail",
        &mut || {
            usize::from(
                check
                    .decode(ok, common::CHECK_FAIL_BODY)
                    .expect("decodes")
                    .is_pass(),
            )
        },
        Some(&mut || common::floor_decode(common::CHECK_FAIL_BODY) as usize),
    );
    run(
        "decode_get_url",
        &mut || {
            get_url
                .decode(ok, common::GET_URL_BODY)
                .expect("decodes")
                .uri()
                .path()
                .len()
        },
        Some(&mut || common::floor_decode(common::GET_URL_BODY) as usize),
    );

    let v3 = common::v3_config();
    let describe = common::describe();
    let tc3 = common::tc3_input();
    run(
        "v3_encode_describe",
        &mut || {
            v3.encode(&describe, stamp)
                .expect("encodable")
                .headers()
                .len()
        },
        Some(&mut || usize::from(common::floor_tc3(common::SECRET_KEY, &tc3)[0])),
    );

    // The answers of the four ticket checks, decoded as a transport does; the floor reads
    // the same bytes as JSON and keeps nothing.
    let (rce, mini, mini_risk) = (common::rce(), common::mini(), common::mini_risk());
    let floor_json = |body: &'static [u8]| move || common::floor_json(body);
    run(
        "v3_decode_describe",
        &mut || {
            let result = describe.decode(ok, common::DESCRIBE_PASS_BODY);
            usize::from(result.expect("decodes").is_pass())
        },
        Some(&mut floor_json(common::DESCRIBE_PASS_BODY)),
    );
    run(
        "v3_decode_rce",
        &mut || {
            let result = rce.decode(ok, common::RCE_PASS_BODY).expect("decodes");
            usize::from(result.result.is_pass() && result.rce_result.is_some())
        },
        Some(&mut floor_json(common::RCE_PASS_BODY)),
    );
    run(
        "v3_decode_mini",
        &mut || {
            let result = mini.decode(ok, common::MINI_PASS_BODY);
            usize::from(result.expect("decodes").is_pass())
        },
        Some(&mut floor_json(common::MINI_PASS_BODY)),
    );
    run(
        "v3_decode_mini_risk",
        &mut || {
            let result = mini_risk
                .decode(ok, common::MINI_RISK_PASS_BODY)
                .expect("decodes");
            usize::from(result.result.is_pass() && result.manage_marketing_risk_value.is_some())
        },
        Some(&mut floor_json(common::MINI_RISK_PASS_BODY)),
    );
}
