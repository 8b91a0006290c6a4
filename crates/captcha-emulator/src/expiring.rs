//! [`ExpiringMap`]: a sharded map whose entries are forgotten at a given clock second.
//! Nonces, tickets, images and scripts all live in one, so memory stays bounded: expired
//! entries are pruned on every insert, and a capacity caps what can be live at once.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Independent locks: concurrent requests rarely wait for each other.
const SHARDS: usize = 16;

/// What an insert does when the shard is at capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhenFull {
    /// Forget the oldest entry (tickets, images: a lost one just fails later).
    EvictOldest,
    /// Refuse the insert (nonces: forgetting one would allow a replay).
    Refuse,
}

/// The map is at capacity and refuses new entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Full;

pub(crate) struct ExpiringMap<K, V> {
    shards: Box<[Mutex<Shard<K, V>>]>,
    hasher: RandomState,
    shard_capacity: usize,
    when_full: WhenFull,
}

struct Shard<K, V> {
    map: HashMap<K, Slot<V>>,
    /// Insertion order, for pruning and eviction. A record whose insert number no longer
    /// matches the map's slot (removed or replaced since) is stale and skipped.
    order: VecDeque<Record<K>>,
    /// Number of the next insert.
    next_seq: u64,
    /// The clock second of the last full sweep (see [`Shard::make_room`]).
    swept_at: Option<u64>,
}

struct Slot<V> {
    forget_at: u64,
    seq: u64,
    value: V,
}

struct Record<K> {
    forget_at: u64,
    seq: u64,
    key: K,
}

impl<K: Hash + Eq + Clone, V> ExpiringMap<K, V> {
    /// A map holding at most about `capacity` live entries.
    pub(crate) fn new(capacity: usize, when_full: WhenFull) -> Self {
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    map: HashMap::new(),
                    order: VecDeque::new(),
                    next_seq: 0,
                    swept_at: None,
                })
            })
            .collect();
        Self {
            shards,
            hasher: RandomState::new(),
            shard_capacity: capacity.div_ceil(SHARDS).max(1),
            when_full,
        }
    }

    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> MutexGuard<'_, Shard<K, V>> {
        let index = (self.hasher.hash_one(key) % SHARDS as u64) as usize;
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores `value` under `key` until `forget_at`, replacing any previous entry.
    pub(crate) fn insert(&self, key: K, value: V, forget_at: u64, now: u64) -> Result<(), Full> {
        let mut shard = self.shard(&key);
        shard.prune(now);
        if !shard.map.contains_key(&key) {
            shard.make_room(self.shard_capacity, self.when_full, now)?;
        }
        shard.put(key, value, forget_at, self.shard_capacity);
        Ok(())
    }

    /// Stores `value` under `key` unless a live entry is already there: `Ok(false)` then.
    pub(crate) fn insert_new(
        &self,
        key: K,
        value: V,
        forget_at: u64,
        now: u64,
    ) -> Result<bool, Full> {
        let mut shard = self.shard(&key);
        shard.prune(now);
        if shard.map.get(&key).is_some_and(|slot| slot.forget_at > now) {
            return Ok(false);
        }
        if !shard.map.contains_key(&key) {
            shard.make_room(self.shard_capacity, self.when_full, now)?;
        }
        shard.put(key, value, forget_at, self.shard_capacity);
        Ok(true)
    }

    /// Runs `f` on the live entry under `key` (or `None`), under the shard's lock: the
    /// read-and-update is atomic with respect to every other call.
    pub(crate) fn with_live<Q, R>(
        &self,
        key: &Q,
        now: u64,
        f: impl FnOnce(Option<&mut V>) -> R,
    ) -> R
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut shard = self.shard(key);
        let live = shard
            .map
            .get_mut(key)
            .filter(|slot| slot.forget_at > now)
            .map(|slot| &mut slot.value);
        f(live)
    }

    /// Removes and returns the live entry under `key`.
    pub(crate) fn take_live<Q>(&self, key: &Q, now: u64) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut shard = self.shard(key);
        let slot = shard.map.remove(key)?;
        (slot.forget_at > now).then_some(slot.value)
    }

    /// Entries held, live or not yet pruned (tests and capacity checks).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        (0..SHARDS)
            .map(|i| {
                self.shards[i]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .map
                    .len()
            })
            .sum()
    }
}

impl<K: Hash + Eq + Clone, V> Shard<K, V> {
    fn put(&mut self, key: K, value: V, forget_at: u64, capacity: usize) {
        if self.order.len() > capacity.saturating_mul(2).saturating_add(64) {
            // Many removed or replaced entries left stale records behind: drop them.
            let order = std::mem::take(&mut self.order);
            self.order = order.into_iter().filter(|r| self.is_current(r)).collect();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.push_back(Record {
            forget_at,
            seq,
            key: key.clone(),
        });
        self.map.insert(
            key,
            Slot {
                forget_at,
                seq,
                value,
            },
        );
    }

    fn is_current(&self, record: &Record<K>) -> bool {
        self.map
            .get(&record.key)
            .is_some_and(|slot| slot.seq == record.seq)
    }

    /// Forgets every entry due by `now` that sits at the front of the order.
    fn prune(&mut self, now: u64) {
        while self.order.front().is_some_and(|r| r.forget_at <= now) {
            if let Some(record) = self.order.pop_front()
                && self.is_current(&record)
            {
                self.map.remove(&record.key);
            }
        }
    }

    /// Frees a slot for a new key when the shard is at capacity.
    fn make_room(&mut self, capacity: usize, when_full: WhenFull, now: u64) -> Result<(), Full> {
        if self.map.len() < capacity {
            return Ok(());
        }
        match when_full {
            WhenFull::Refuse => {
                // `prune` stops at the first live entry in insertion order, so a long-lived
                // one (a request stamped ahead of the clock) can keep expired ones behind
                // it. Before refusing, forget every expired entry: at most once per clock
                // second, as a full shard of live entries would pay for it on every insert.
                if self.swept_at != Some(now) {
                    self.swept_at = Some(now);
                    self.map.retain(|_, slot| slot.forget_at > now);
                    let order = std::mem::take(&mut self.order);
                    self.order = order.into_iter().filter(|r| self.is_current(r)).collect();
                }
                if self.map.len() < capacity {
                    Ok(())
                } else {
                    Err(Full)
                }
            }
            WhenFull::EvictOldest => {
                while let Some(record) = self.order.pop_front() {
                    if self.is_current(&record) {
                        self.map.remove(&record.key);
                        break;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_are_pruned() {
        let map = ExpiringMap::new(100_000, WhenFull::Refuse);
        map.insert("a".to_owned(), 1, 10, 0).unwrap();
        assert_eq!(map.with_live("a", 9, |v| v.copied()), Some(1));
        assert_eq!(map.with_live("a", 10, |v| v.copied()), None);
        // Pruning is per shard and keys hash with a random seed: enough inserts that every
        // one of the 16 shards gets some (a miss has probability ~16·(15/16)^1000 ≈ 1e-27).
        for i in 0..1000 {
            map.insert(format!("k{i}"), i, 100, 20).unwrap();
        }
        assert_eq!(
            map.len(),
            1000,
            "the expired entry is pruned by later inserts"
        );
    }

    #[test]
    fn insert_new_refuses_live_duplicates_only() {
        let map = ExpiringMap::new(100, WhenFull::Refuse);
        assert_eq!(map.insert_new(7u64, (), 10, 0), Ok(true));
        assert_eq!(map.insert_new(7u64, (), 10, 5), Ok(false));
        assert_eq!(map.insert_new(7u64, (), 20, 10), Ok(true));
    }

    #[test]
    fn capacity_refuses_or_evicts() {
        let refuse = ExpiringMap::new(SHARDS, WhenFull::Refuse);
        let results: Vec<_> = (0..200u64)
            .map(|i| refuse.insert_new(i, (), 100, 0))
            .collect();
        assert!(results.contains(&Err(Full)));
        assert!(refuse.len() <= SHARDS);
        // Once the window passes, room comes back.
        assert_eq!(refuse.insert_new(1000, (), 200, 100), Ok(true));

        let evict = ExpiringMap::new(SHARDS, WhenFull::EvictOldest);
        for i in 0..200u64 {
            evict.insert(i, i, 100, 0).unwrap();
        }
        assert!(evict.len() <= SHARDS);
        assert_eq!(evict.with_live(&199, 0, |v| v.copied()), Some(199));
    }

    /// A long-lived entry first in insertion order must not keep expired ones behind it
    /// counting against the capacity.
    #[test]
    fn expired_entries_behind_a_live_one_make_room() {
        let map = ExpiringMap::new(3 * SHARDS, WhenFull::Refuse);
        // Four keys of one shard (the hasher's seed is random: search for them).
        let shard_of = |key: u64| map.hasher.hash_one(key) % SHARDS as u64;
        let same: Vec<u64> = (0..)
            .filter(|&key| shard_of(key) == shard_of(0))
            .take(4)
            .collect();
        assert_eq!(map.insert_new(same[0], (), 1_000, 0), Ok(true));
        assert_eq!(map.insert_new(same[1], (), 10, 0), Ok(true));
        assert_eq!(map.insert_new(same[2], (), 10, 0), Ok(true));
        assert_eq!(
            map.insert_new(same[3], (), 10, 5),
            Err(Full),
            "full while live"
        );
        assert_eq!(map.insert_new(same[3], (), 600, 500), Ok(true));
        assert!(
            map.with_live(&same[0], 500, |v| v.is_some()),
            "the live one stays"
        );
    }

    #[test]
    fn take_removes_once() {
        let map = ExpiringMap::new(10, WhenFull::EvictOldest);
        map.insert("x".to_owned(), 3, 10, 0).unwrap();
        assert_eq!(map.take_live("x", 1), Some(3));
        assert_eq!(map.take_live("x", 1), None);
    }

    #[test]
    fn stale_records_are_compacted() {
        let map = ExpiringMap::new(SHARDS, WhenFull::EvictOldest);
        for i in 0..10_000u64 {
            map.insert(i % 3, i, 1_000, 0).unwrap();
        }
        let records: usize = map
            .shards
            .iter()
            .map(|s| s.lock().unwrap().order.len())
            .sum();
        assert!(records < 1_000, "{records} order records kept");
    }
}
