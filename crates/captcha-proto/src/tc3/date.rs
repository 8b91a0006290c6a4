//! The UTC calendar date of a UNIX timestamp, for the TC3 credential scope.
//!
//! The date is derived here, from the timestamp, so that no caller can pass a local date:
//! Tencent's documentation warns that a UTC+8 date makes calls made around midnight fail.

/// A proleptic Gregorian date in UTC.
///
/// ```
/// use captcha_proto::tc3::UtcDate;
/// let date = UtcDate::from_timestamp(1551113065);
/// assert_eq!(date.to_string(), "2019-02-25");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDate {
    year: u64,
    month: u8,
    day: u8,
}

/// Seconds in a UTC day (TC3 ignores leap seconds, as UNIX time does).
const SECONDS_PER_DAY: u64 = 86_400;

impl UtcDate {
    /// The UTC date on which `timestamp` (UNIX seconds) falls.
    pub fn from_timestamp(timestamp: u64) -> Self {
        civil_from_days(Self::day_number(timestamp))
    }

    /// The days from 1970-01-01 to the UTC date of `timestamp`: equal for two timestamps
    /// exactly when their dates are.
    pub(crate) fn day_number(timestamp: u64) -> u64 {
        timestamp / SECONDS_PER_DAY
    }

    /// `YYYY-MM-DD` on the stack (what `Display` writes).
    pub(crate) fn text(self) -> DateText {
        let mut text = DateText {
            bytes: [b'0'; DATE_TEXT_CAPACITY],
            len: 0,
        };
        let mut digits = itoa::Buffer::new();
        let year = digits.format(self.year).as_bytes();
        // At least four digits for the year, zero-padded.
        let start = 4usize.saturating_sub(year.len());
        text.bytes[start..start + year.len()].copy_from_slice(year);
        let mut len = start + year.len();
        for part in [self.month, self.day] {
            text.bytes[len] = b'-';
            text.bytes[len + 1] = b'0' + part / 10;
            text.bytes[len + 2] = b'0' + part % 10;
            len += 3;
        }
        text.len = len;
        text
    }
}

/// The longest date text: a 20-digit year (`u64::MAX` days later) and `-MM-DD`.
const DATE_TEXT_CAPACITY: usize = 26;

/// A date as `YYYY-MM-DD`, without allocating.
#[derive(Clone, Copy)]
pub(crate) struct DateText {
    bytes: [u8; DATE_TEXT_CAPACITY],
    len: usize,
}

impl DateText {
    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).expect("digits and '-'")
    }

    /// The text, as bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl std::fmt::Display for UtcDate {
    /// `YYYY-MM-DD`, the form the credential scope uses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text().as_str())
    }
}

/// Howard Hinnant's `civil_from_days`, for days since 1970-01-01 (never negative here, so
/// all arithmetic is unsigned). Eras are 400-year cycles of 146 097 days starting 0000-03-01.
fn civil_from_days(days: u64) -> UtcDate {
    // Shift the epoch to 0000-03-01: 719 468 days before 1970-01-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March … 11 = February
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    UtcDate {
        year,
        month: u8::try_from(month).unwrap_or(0),
        day: u8::try_from(day).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_extremes() {
        assert_eq!(UtcDate::from_timestamp(0).to_string(), "1970-01-01");
        assert_eq!(UtcDate::from_timestamp(86_399).to_string(), "1970-01-01");
        assert_eq!(UtcDate::from_timestamp(86_400).to_string(), "1970-01-02");
        // 10000-01-01 has five year digits; u64::MAX does not overflow.
        assert_eq!(
            UtcDate::from_timestamp(253_402_300_800).to_string(),
            "10000-01-01"
        );
        let far = UtcDate::from_timestamp(u64::MAX);
        assert!((1..=12).contains(&far.month) && (1..=31).contains(&far.day));
        assert_eq!(
            far.to_string(),
            format!("{:04}-{:02}-{:02}", far.year, far.month, far.day)
        );
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // Walk 1970..2500 day by day: the date must advance by exactly one calendar day.
        let mut previous = UtcDate::from_timestamp(0);
        for days in 1..(530 * 366) {
            let date = civil_from_days(days);
            let y = previous.year;
            let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
            let month_len = match previous.month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if previous.day < month_len {
                UtcDate {
                    day: previous.day + 1,
                    ..previous
                }
            } else if previous.month < 12 {
                UtcDate {
                    month: previous.month + 1,
                    day: 1,
                    ..previous
                }
            } else {
                UtcDate {
                    year: previous.year + 1,
                    month: 1,
                    day: 1,
                }
            };
            assert_eq!(date, expected, "day {days}");
            assert_eq!(
                date.to_string(),
                format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
            );
            previous = date;
        }
    }
}
