//! The output: the RSS curve and the summary line on stdout, the memory bound, and the
//! invariants that decide the exit status.

use std::sync::atomic::Ordering;

use serde_json::json;

use crate::emulator::Exit;
use crate::options::Options;
use crate::state::Soak;

/// Prints the RSS curve and the summary of a finished run: `rss_end` measured after the last
/// slow client, `load_seconds` while the workers ran, `seconds` the whole run. False when an
/// invariant failed (each one named on stderr).
pub fn report(
    options: &Options,
    soak: &Soak,
    exit: Exit,
    rss_end: u64,
    load_seconds: f64,
    seconds: f64,
) -> bool {
    let Exit {
        alive,
        status,
        panics,
    } = exit;
    let mut samples = soak
        .samples
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    samples.sort_unstable();
    for (done, rss) in &samples {
        println!("{}", json!({"requests": done, "rss_kib": rss}));
    }
    let half = options.requests / 2;
    let peak = |keep: &dyn Fn(u64) -> bool| {
        samples
            .iter()
            .filter(|(done, _)| keep(*done))
            .map(|s| s.1)
            .max()
            .unwrap_or(0)
    };
    let first_half = peak(&|done| done <= half);
    let last_half = peak(&|done| done > half).max(rss_end);
    let bound = first_half + first_half / 4 + 8 * 1024;
    let bounded = last_half <= bound;
    let rss_start = samples.first().map_or(0, |s| s.1);
    let rss_peak = samples.iter().map(|s| s.1).max().unwrap_or(0).max(rss_end);

    let tally = soak.tally.lock().unwrap_or_else(|e| e.into_inner());
    let total: u64 = tally.requests.values().sum();
    let wrong: u64 = tally.wrong.values().sum();
    let transport: u64 = tally.transport.values().sum();
    println!(
        "{}",
        json!({
            "requests": total,
            "requests_by_kind": tally.requests,
            "wrong_answers": wrong,
            "wrong_by_kind": tally.wrong,
            "transport_errors": transport,
            "transport_errors_by_kind": tally.transport,
            "emulator_alive": alive,
            "emulator_exit_ok": status.success(),
            "emulator_panics": panics,
            "rss_start_kib": rss_start,
            "rss_peak_kib": rss_peak,
            "rss_end_kib": rss_end,
            "rss_first_half_peak_kib": first_half,
            "rss_last_half_peak_kib": last_half,
            "rss_bound_kib": bound,
            "memory_bounded": bounded,
            "stalls_checked": soak.stalls.load(Ordering::Relaxed),
            "concurrency": options.concurrency,
            "slow_clients": options.slow,
            "ticket_ttl_s": options.ticket_ttl,
            "max_skew_s": options.max_skew,
            "requests_per_s": (total as f64 / load_seconds).round(),
            "load_seconds": (load_seconds * 10.0).round() / 10.0,
            "seconds": (seconds * 10.0).round() / 10.0,
        })
    );
    let mut ok = true;
    let mut fail = |failed: bool, why: &str| {
        if failed {
            eprintln!("soak: FAILED: {why}");
            ok = false;
        }
    };
    fail(wrong > 0, "wrong answers");
    fail(transport > 0, "transport errors on requests that must pass");
    fail(!alive, "the emulator was not running at the end");
    fail(!status.success(), "the emulator did not exit cleanly");
    fail(panics > 0, "the emulator panicked");
    fail(
        !bounded,
        "the emulator's memory grew in the last half of the run",
    );
    ok
}
