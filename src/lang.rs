//! The one language type of the crate: the UI's, the script output's and the bulk engine's.
//!
//! Every layer may use it (it words nothing); the words themselves live in `crate::words`.

/// The language text is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    Zh,
    #[default]
    En,
}

impl Lang {
    /// From `LC_ALL`, then `LC_MESSAGES`, then `LANG`: `zh*` is Chinese, anything else English.
    pub(crate) fn from_env() -> Lang {
        Lang::from_env_explained().0
    }

    /// Like [`Lang::from_env`], with the variable that decided (`LANG=zh_CN.UTF-8`).
    pub(crate) fn from_env_explained() -> (Lang, Option<String>) {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var)
                && !value.is_empty()
            {
                return (Lang::from_locale(&value), Some(format!("{var}={value}")));
            }
        }
        (Lang::En, None)
    }

    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// `zh_CN.UTF-8`, `zh`, `zh-TW` are Chinese; anything else English.
    pub(crate) fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
    }
}
