//! The mix: the units of work per 100, their interleaved schedule, and the workers that
//! take them in turn until the budget is spent.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::sdk::Sdk;
use crate::state::Soak;

/// A unit of work.
#[derive(Clone, Copy)]
pub enum Unit {
    DescribeHyper,
    DescribeAsyncStd,
    CheckApi2,
    WrongAppKey,
    Tampered,
    Expired,
    Oversized,
    Malformed,
}

/// The mix: units per 100 (see the module documentation).
const MIX: [(Unit, usize); 8] = [
    (Unit::DescribeHyper, 30),
    (Unit::DescribeAsyncStd, 30),
    (Unit::CheckApi2, 8),
    (Unit::WrongAppKey, 4),
    (Unit::Tampered, 4),
    (Unit::Expired, 4),
    (Unit::Oversized, 4),
    (Unit::Malformed, 16),
];

/// The 100 units in an interleaved order, each kind spread evenly over the cycle, with
/// each unit's rank among the units of its kind in the cycle and their number.
pub fn schedule() -> Vec<(Unit, u64, u64)> {
    let mut slots: Vec<(f64, usize, Unit, u64, u64)> = Vec::new();
    for (kind, (unit, count)) in MIX.iter().enumerate() {
        for i in 0..*count {
            let at = (i as f64 + 0.5) / *count as f64;
            slots.push((at, kind, *unit, i as u64, *count as u64));
        }
    }
    slots.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    slots
        .into_iter()
        .map(|(_, _, unit, rank, count)| (unit, rank, count))
        .collect()
}

pub async fn worker(soak: Arc<Soak>, next: Arc<AtomicU64>, schedule: Arc<Vec<(Unit, u64, u64)>>) {
    let cycle = schedule.len() as u64;
    while soak.open() {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let (unit, rank, count) = schedule[(index % cycle) as usize];
        // How many units of this kind came before: variants are taken in turn.
        let ordinal = index / cycle * count + rank;
        let sdk = if ordinal.is_multiple_of(2) {
            Sdk::Hyper
        } else {
            Sdk::AsyncStd
        };
        match unit {
            Unit::DescribeHyper => {
                soak.valid_describe(Sdk::Hyper, "describe_hyper", ordinal.is_multiple_of(5))
                    .await;
            }
            Unit::DescribeAsyncStd => {
                soak.valid_describe(
                    Sdk::AsyncStd,
                    "describe_async_std",
                    ordinal.is_multiple_of(5),
                )
                .await;
            }
            Unit::CheckApi2 => soak.valid_check(sdk, (ordinal / 2).is_multiple_of(2)).await,
            Unit::WrongAppKey => soak.wrong_app_key(sdk).await,
            Unit::Tampered => soak.tampered(ordinal).await,
            Unit::Expired => soak.expired(ordinal).await,
            Unit::Oversized => soak.oversized(ordinal).await,
            Unit::Malformed => soak.malformed(ordinal).await,
        }
    }
}
