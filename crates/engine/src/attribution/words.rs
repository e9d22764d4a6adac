//! The word classes attribution tests tokens for (commas, coordination, leading adverbials,
//! titles, relative pronouns, ...), as bits per token id, and the words of each class.

/// Word-class bits of a visible token (see [`CLASSES`]), and per-sentence bits.
pub(super) const F_COMMA: u32 = 1 << 0;
pub(super) const F_COLON: u32 = 1 << 1;
pub(super) const F_SEMI: u32 = 1 << 2;
pub(super) const F_POSS: u32 = 1 << 3;
pub(super) const F_COORD: u32 = 1 << 4;
pub(super) const F_LEADING: u32 = 1 << 5;
pub(super) const F_TITLE: u32 = 1 << 6;
pub(super) const F_RELATIVE: u32 = 1 << 7;
pub(super) const F_NOT_BEFORE_VERB: u32 = 1 << 8;
pub(super) const F_DET: u32 = 1 << 9;
pub(super) const F_MODAL: u32 = 1 << 10;
pub(super) const F_PASSIVE: u32 = 1 << 11;
pub(super) const F_TO: u32 = 1 << 12;
pub(super) const F_PLACE: u32 = 1 << 13;
pub(super) const F_END: u32 = 1 << 14;
pub(super) const F_DASH: u32 = 1 << 15;
pub(super) const F_PRESIDENCY: u32 = 1 << 16;
pub(super) const F_ISSUED: u32 = 1 << 17;
pub(super) const F_OWNED_BY: u32 = 1 << 18;
pub(super) const F_OWNER_DET: u32 = 1 << 19;
/// Inside a quotation.
pub(super) const F_QUOTE: u32 = 1 << 20;
/// Folded form starts with "chair".
pub(super) const F_CHAIR: u32 = 1 << 21;
/// Folded form ends with "ing".
pub(super) const F_ING: u32 = 1 << 22;
/// [`is_name`].
pub(super) const F_NAME: u32 = 1 << 23;
/// In a zone [`skip_zones`] marks.
pub(super) const F_SKIP: u32 = 1 << 24;
/// An anchor token of a speech cue pattern.
pub(super) const F_SPEECH_CUE: u32 = 1 << 25;
/// An anchor token of a source cue pattern.
pub(super) const F_SOURCE_CUE: u32 = 1 << 26;
/// The first token of an alias.
pub(super) const F_ALIAS: u32 = 1 << 27;

/// The folded words of each word class.
pub(super) const CLASSES: &[(&[&str], u32)] = &[
    (&[","], F_COMMA),
    (&[":"], F_COLON),
    (&[";"], F_SEMI),
    (&["'s"], F_POSS),
    (COORDINATION, F_COORD),
    (LEADING, F_LEADING),
    (TITLES, F_TITLE),
    (RELATIVE, F_RELATIVE),
    (NOT_BEFORE_VERB, F_NOT_BEFORE_VERB),
    (DETERMINERS, F_DET),
    (MODALS, F_MODAL),
    (PASSIVE, F_PASSIVE),
    (&["to"], F_TO),
    (&["in", "at", "from", "to"], F_PLACE),
    (&[".", "!"], F_END),
    (&["-", "--"], F_DASH),
    (&["presidency"], F_PRESIDENCY),
    (
        &["issued", "released", "published", "signed", "read"],
        F_ISSUED,
    ),
    (&["by", "of", "from", "for"], F_OWNED_BY),
    (&["the", "its", "his", "her"], F_OWNER_DET),
];

/// Words that may stand between coordinated speakers, or between parts of one speaker.
pub(super) const COORDINATION: &[&str] = &[",", "and", "the", "as", "well", "'s", "its", "their"];
/// Words that open a leading adverbial phrase whose mentions are not the subject.
pub(super) const LEADING: &[&str] = &[
    "after",
    "following",
    "amid",
    "despite",
    "during",
    "while",
    "since",
    "before",
    "in",
    "on",
    "at",
    "with",
    "as",
    "meanwhile",
    "earlier",
    "later",
    "separately",
    "speaking",
    "asked",
    "when",
    "from",
];
/// Lower-case title words that may stand between an office and a person's name.
pub(super) const TITLES: &[&str] = &[
    "chief",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "commander",
    "leader",
    "head",
    "adviser",
    "advisor",
    "ambassador",
    "minister",
    "official",
    "negotiator",
    "general",
    "secretary",
    "president",
    "deputy",
];
/// Words that open a relative clause after a comma.
pub(super) const RELATIVE: &[&str] = &["which", "who", "whose", "where", "whom"];
/// Words after which a speech-cue word is a noun ("a phone call", "the appeal"), not a verb.
pub(super) const NOT_BEFORE_VERB: &[&str] = &[
    "a", "an", "the", "phone", "his", "her", "its", "their", "our", "this", "that", "whose",
];
/// Determiners kept in front of a speaker mention.
pub(super) const DETERMINERS: &[&str] = &["the", "a", "an"];

/// Words after a subject that make it the object of a demand, or a possessive, not a speaker.
pub(super) const MODALS: &[&str] = &[
    "must", "should", "needs", "need", "has", "have", "will", "would", "cannot", "can", "is",
    "are", "was", "were", "to", "'s",
];
/// Appeal verbs that, right before "to", are passive: "parties urged to return to talks".
pub(super) const PASSIVE: &[&str] = &[
    "urged",
    "asked",
    "pressed",
    "told",
    "encouraged",
    "invited",
    "requested",
    "implored",
    "pushed",
];
