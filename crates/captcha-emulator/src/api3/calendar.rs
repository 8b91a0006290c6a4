//! The times of the data and statistics actions, as Tencent writes them: digits by unit
//! (`20191129` a day, `2019112900` an hour, `201911291859` a minute) or text
//! (`2022-05-14 10:00`), stepped through from a start to an end to label the points of a
//! series.

/// Most points in one series: a longer range is cut, as a console would page it.
pub(crate) const MAX_POINTS: usize = 100;

/// A step of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Minute,
    Hour,
    Day,
}

impl Unit {
    fn minutes(self) -> i64 {
        match self {
            Self::Minute => 1,
            Self::Hour => 60,
            Self::Day => 1440,
        }
    }
}

/// Minutes since 1970-01-01 of a civil date and time (proleptic Gregorian).
fn to_minutes(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> i64 {
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (days * 24 + hour) * 60 + minute
}

/// The civil date and time of minutes since 1970-01-01.
fn from_minutes(minutes: i64) -> (i64, i64, i64, i64, i64) {
    let days = minutes.div_euclid(1440);
    let in_day = minutes.rem_euclid(1440);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, in_day / 60, in_day % 60)
}

/// A valid civil time, in minutes since 1970, or `None`.
fn civil(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> Option<i64> {
    let valid = (1970..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute);
    let minutes = to_minutes(year, month, day, hour, minute);
    // A day past the month's end comes back as another date.
    (valid && from_minutes(minutes) == (year, month, day, hour, minute)).then_some(minutes)
}

/// A time written as digits: its unit by length, and minutes since 1970.
pub(crate) fn parse_digits(value: i64) -> Option<(Unit, i64)> {
    let text = value.to_string();
    let part = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (unit, hour, minute) = match text.len() {
        8 => (Unit::Day, 0, 0),
        10 => (Unit::Hour, part(8..10)?, 0),
        12 => (Unit::Minute, part(8..10)?, part(10..12)?),
        _ => return None,
    };
    let minutes = civil(part(0..4)?, part(4..6)?, part(6..8)?, hour, minute)?;
    Some((unit, minutes))
}

/// A time written as digits in `unit`.
pub(crate) fn format_digits(unit: Unit, minutes: i64) -> String {
    let (y, mo, d, h, mi) = from_minutes(minutes);
    match unit {
        Unit::Day => format!("{y:04}{mo:02}{d:02}"),
        Unit::Hour => format!("{y:04}{mo:02}{d:02}{h:02}"),
        Unit::Minute => format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}"),
    }
}

/// A time written as `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DD`, in minutes since 1970.
pub(crate) fn parse_text(value: &str) -> Option<i64> {
    let value = value.trim();
    let (date, time) = value.split_once(' ').unwrap_or((value, "00:00"));
    let mut date = date.split('-').map(|p| p.parse::<i64>().ok());
    let mut time = time.split(':').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (date.next()??, date.next()??, date.next()??);
    let (hour, minute) = (time.next()??, time.next()??);
    if date.next().is_some() {
        return None;
    }
    civil(year, month, day, hour, minute)
}

/// A point's label in the statistics trends: `MM-DD HH:MM`.
pub(crate) fn format_trend(minutes: i64) -> String {
    let (_, mo, d, h, mi) = from_minutes(minutes);
    format!("{mo:02}-{d:02} {h:02}:{mi:02}")
}

/// The times from `start` to `end` (inclusive) by `unit`, at most [`MAX_POINTS`].
pub(crate) fn steps(unit: Unit, start: i64, end: i64) -> impl Iterator<Item = i64> {
    (0..MAX_POINTS as i64)
        .map(move |i| start + i * unit.minutes())
        .take_while(move |t| *t <= end)
}

/// A deterministic count in `0..limit` for a point: the same request gets the same data.
pub(crate) fn count(seed: &[u64], limit: u64) -> i64 {
    // splitmix64 over the seed parts.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for part in seed {
        state = state
            .wrapping_add(*part)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        state = z ^ (z >> 31);
    }
    i64::try_from(state % limit.max(1)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_trip_by_unit() {
        for (value, unit) in [
            (20191129, Unit::Day),
            (2019112900, Unit::Hour),
            (201911291859, Unit::Minute),
            (20240229, Unit::Day),
        ] {
            let (got_unit, minutes) = parse_digits(value).unwrap();
            assert_eq!(got_unit, unit);
            assert_eq!(format_digits(unit, minutes), value.to_string());
        }
        for bad in [20190230, 20191301, 2019112924, 201911291860, 123, 20230229] {
            assert_eq!(parse_digits(bad), None, "{bad}");
        }
    }

    #[test]
    fn steps_cross_days_and_stop_at_the_end() {
        let (unit, start) = parse_digits(201911292359).unwrap();
        let (_, end) = parse_digits(201911300001).unwrap();
        let labels: Vec<_> = steps(unit, start, end)
            .map(|t| format_digits(unit, t))
            .collect();
        assert_eq!(labels, ["201911292359", "201911300000", "201911300001"]);
        let (unit, start) = parse_digits(20190101).unwrap();
        assert_eq!(steps(unit, start, start + 1_000_000).count(), MAX_POINTS);
    }

    #[test]
    fn text_times() {
        let start = parse_text("2022-05-14 10:00").unwrap();
        assert_eq!(format_trend(start), "05-14 10:00");
        assert_eq!(parse_text("2022-05-14 10:00:59"), Some(start));
        assert_eq!(parse_text("2022-05-14"), Some(start - 600));
        for bad in [
            "",
            "2022-13-01",
            "yesterday",
            "2022-05-14 25:00",
            "2022-05-14-1",
        ] {
            assert_eq!(parse_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_are_deterministic_and_bounded() {
        assert_eq!(count(&[1, 2], 100), count(&[1, 2], 100));
        assert_ne!(count(&[1, 2], 1 << 40), count(&[2, 1], 1 << 40));
        assert!((0..100).contains(&count(&[7], 100)));
    }
}
