//! The actor importer: TABARI / PETRARCH `.actors` dictionaries (the Phoenix dictionaries, or a
//! user's own) to demarche actor rule files (`demarche actors import`, docs/actors.md).
//!
//! [`read`] turns a dictionary into entries; [`import`] maps each entry's CAMEO codes to the
//! actors of a pack (state codes to the pack's states, `IGO...` codes to its bodies by their
//! `cameo` codes, armed groups to group actors of their own) and writes one rule file per
//! dictionary. It never prints and never reads files: the CLI and the tests give it text.

mod read;
mod write;

pub use read::{decode, read, Code, Entry};
pub use write::{import, ImportOptions, ImportStats, Imported};

/// The words of a stop list: one a line, `#` comments, folded like aliases.
pub fn stop_words(text: &str) -> std::collections::HashSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| crate::text::phrase_tokens(l).join(" "))
        .collect()
}
