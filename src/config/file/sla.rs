//! `[sla]`: targets per priority (`[sla.urgent] first_response = "1h"`), checked as they
//! are read: a target that does not parse would silently mark nothing.

use serde::Deserialize;

/// From what share of a target a ticket is marked as a warning, unless `[sla]` says.
pub const DEFAULT_SLA_WARN_PERCENT: u8 = 75;

/// The `[sla]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaFile {
    pub(crate) warn_percent: Option<WarnPercent>,
    pub(crate) low: Option<SlaTargetFile>,
    pub(crate) normal: Option<SlaTargetFile>,
    pub(crate) high: Option<SlaTargetFile>,
    pub(crate) urgent: Option<SlaTargetFile>,
}

impl SlaFile {
    /// Low, normal, high, urgent: (first response, resolution) in minutes.
    pub fn targets(&self) -> [(Option<i64>, Option<i64>); 4] {
        [&self.low, &self.normal, &self.high, &self.urgent].map(|target| {
            target.as_ref().map_or((None, None), |t| {
                (t.first_response.map(|d| d.0), t.resolution.map(|d| d.0))
            })
        })
    }

    pub fn warn_percent(&self) -> u8 {
        self.warn_percent.map_or(DEFAULT_SLA_WARN_PERCENT, |p| p.0)
    }
}

/// One priority's targets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaTargetFile {
    pub(crate) first_response: Option<Duration>,
    pub(crate) resolution: Option<Duration>,
}

/// A duration written `"90m"`, `"8h"`, `"2d"` or `"1h30m"`, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub i64);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map(Duration).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a duration such as \"90m\", \"8h\", \"2d\" or \"1h30m\", found {text:?}"
            ))
        })
    }
}

/// 1 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarnPercent(pub u8);

impl<'de> Deserialize<'de> for WarnPercent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(d)?;
        match u8::try_from(value) {
            Ok(percent) if (1..=100).contains(&percent) => Ok(WarnPercent(percent)),
            _ => Err(serde::de::Error::custom(format!(
                "expected a percent from 1 to 100, found {value}"
            ))),
        }
    }
}

/// Minutes in `"90m"`, `"8h"`, `"2d"`, `"1h30m"`; `None` for anything else or zero.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let value: i64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'm' => 1,
            'h' => 60,
            'd' => 24 * 60,
            _ => return None,
        };
        total = total.checked_add(value.checked_mul(unit)?)?;
    }
    if !number.is_empty() {
        return None;
    }
    (total > 0).then_some(total)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::path::Path;

    use super::super::parse;
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m"), Some(90));
        assert_eq!(parse_duration("8h"), Some(480));
        assert_eq!(parse_duration("1h30m"), Some(90));
        assert_eq!(parse_duration("2d"), Some(2880));
        for bad in ["8", "0h", "h", "1w", "", "-1h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn targets_per_priority_and_errors_name_the_key() {
        let text = "[sla]\nwarn_percent = 80\n[sla.urgent]\nfirst_response = \"1h\"\nresolution = \"8h\"\n";
        let (config, warnings) = parse(Path::new("c.toml"), text).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.sla.warn_percent(), 80);
        assert_eq!(config.sla.targets()[3], (Some(60), Some(480)));
        assert_eq!(config.sla.targets()[0], (None, None));
        let err = parse(
            Path::new("c.toml"),
            "[sla.high]\nresolution = \"8 hours\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("c.toml:2:"), "{err}");
        assert!(err.contains("expected a duration"), "{err}");
    }
}
