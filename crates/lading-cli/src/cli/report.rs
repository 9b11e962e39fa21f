//! Flags shared by the commands that render for people: the language, and
//! the font a PDF is set in.

use std::path::PathBuf;

use clap::ValueEnum;

/// A language of the rendered pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LangArg {
    /// English.
    #[value(name = "en")]
    En,
    /// Simplified Chinese.
    #[value(name = "zh-CN", alias = "zh")]
    ZhCn,
}

impl LangArg {
    pub(crate) fn lang(self) -> lading_console::i18n::Lang {
        match self {
            LangArg::En => lading_console::i18n::Lang::En,
            LangArg::ZhCn => lading_console::i18n::Lang::ZhCn,
        }
    }
}

/// Where a PDF's font comes from.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct FontArgs {
    /// The font PDFs are set in: Noto Sans CJK's collection (faces 2 and 7, Simplified Chinese)
    /// or one OpenType/TrueType font with Chinese. Default: $LADING_FONT, else Debian's
    /// fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc).
    #[arg(long, value_name = "FILE")]
    pub(crate) font: Option<PathBuf>,
}
