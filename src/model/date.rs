//! Dates as authors write them in front matter (`2026-03-14`, or an RFC 3339
//! date-time such as `2026-03-14T09:30:00+01:00`) and as git reports them.
//! jiff does the calendar, so leap years and month lengths are its business.

use jiff::civil;
use jiff::fmt::temporal::Pieces;
use jiff::tz::Offset;
use jiff::Timestamp;

/// A day, or a moment of a day. Ordered by the instant it stands for; a
/// day alone stands for its midnight, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Date {
    at: Timestamp,
    /// The day as written (in the writer's own offset, for a date-time),
    /// as plain numbers for whoever writes it out in words.
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
    /// The offset a date-time was written with; none for a day alone.
    offset: Option<Offset>,
}

/// Why a text is not a [`Date`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DateError {
    /// Shaped like a date, but the day does not exist (`2026-02-30`):
    /// says how many days the month has.
    NoSuchDay(String),
    /// Not a date at all.
    NotADate,
}

impl Date {
    /// Reads `YYYY-MM-DD` or an RFC 3339 date-time. A date-time without an
    /// offset is taken as UTC, as Zola does.
    pub(crate) fn parse(s: &str) -> Result<Date, DateError> {
        let s = s.trim();
        if let Some(why) = no_such_day(s) {
            return Err(DateError::NoSuchDay(why));
        }
        // The temporal grammar also takes `20260314` and `-002026-…`;
        // mendbook asks for the dashed four-digit-year form everywhere.
        let shaped = s.len() >= 10
            && s.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let pieces = Pieces::parse(s).map_err(|_| DateError::NotADate)?;
        if !shaped || pieces.time_zone_annotation().is_some() {
            return Err(DateError::NotADate);
        }
        let day = pieces.date();
        match pieces.time() {
            None if s.len() == 10 => {
                let at = Offset::UTC
                    .to_timestamp(day.to_datetime(civil::Time::midnight()))
                    .map_err(|_| DateError::NotADate)?;
                Ok(Date::new(at, day, None))
            }
            None => Err(DateError::NotADate),
            Some(time) => {
                let offset = pieces
                    .offset()
                    .map_or(Offset::UTC, |o| o.to_numeric_offset());
                let at = offset
                    .to_timestamp(day.to_datetime(time))
                    .map_err(|_| DateError::NotADate)?;
                Ok(Date::new(at, day, Some(offset)))
            }
        }
    }

    fn new(at: Timestamp, day: civil::Date, offset: Option<Offset>) -> Date {
        // A parsed day's parts are in range: year 0000-9999 (four digits),
        // month 1-12, day 1-31.
        Date {
            at,
            year: u16::try_from(day.year()).unwrap_or_default(),
            month: u8::try_from(day.month()).unwrap_or_default(),
            day: u8::try_from(day.day()).unwrap_or_default(),
            offset,
        }
    }

    /// The day as written, as jiff's date.
    fn civil(&self) -> civil::Date {
        civil::Date::new(self.year as i16, self.month as i8, self.day as i8).unwrap_or_default()
    }

    /// For `<time datetime>` and the sitemap: `2026-03-01` for a day,
    /// `2026-03-01T09:30:00+01:00` for a date-time.
    pub(crate) fn iso(&self) -> String {
        match self.offset {
            None => self.civil().to_string(),
            Some(_) => self.rfc3339(),
        }
    }

    /// RFC 3339, as Atom wants it: a day alone is its midnight, UTC.
    pub(crate) fn rfc3339(&self) -> String {
        match self.offset {
            Some(offset) if offset != Offset::UTC => {
                self.at.display_with_offset(offset).to_string()
            }
            _ => self.at.to_string(),
        }
    }
}

/// For text shaped `YYYY-MM-DD…` whose month exists but whose day does
/// not (`2026-02-30`): what is wrong, in words.
fn no_such_day(s: &str) -> Option<String> {
    let (y, m, d) = (
        s.get(0..4)?.parse::<i16>().ok()?,
        s.get(5..7)?.parse::<i8>().ok()?,
        s.get(8..10)?.parse::<i8>().ok()?,
    );
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") || civil::Date::new(y, m, d).is_ok() {
        return None;
    }
    let first = civil::Date::new(y, m, 1).ok()?;
    (d >= 1).then(|| {
        format!(
            "{} has {} days, so {} is a day that does not exist",
            first.strftime("%B %Y"),
            first.days_in_month(),
            &s[..10],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_date_times() {
        let day = Date::parse("2026-03-01").unwrap();
        assert_eq!(day.iso(), "2026-03-01");
        assert_eq!(day.rfc3339(), "2026-03-01T00:00:00Z");
        let dt = Date::parse("2026-03-01T09:30:00+01:00").unwrap();
        assert_eq!(dt.iso(), "2026-03-01T09:30:00+01:00");
        let z = Date::parse("2026-03-01T08:30:00Z").unwrap();
        assert_eq!(z.rfc3339(), "2026-03-01T08:30:00Z");
        assert!(day < dt);
    }

    #[test]
    fn impossible_and_malformed() {
        assert_eq!(
            Date::parse("2026-02-30"),
            Err(DateError::NoSuchDay(
                "February 2026 has 28 days, so 2026-02-30 is a day that does not exist".into()
            ))
        );
        assert!(Date::parse("2024-02-29").is_ok());
        for bad in [
            "2026-13-01",
            "26-01-01",
            "2026-3-1",
            "yesterday",
            "20260301",
            "2026-03-01T25:00:00Z",
            "",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError::NotADate), "{bad}");
        }
    }
}
