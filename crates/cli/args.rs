//! Command-line arguments, declared with clap's derive API.
//!
//! This module owns only the shape of the command line: subcommands, flags, their defaults and
//! help texts. What each subcommand does lives in `commands/`; clap itself reports bad usage and
//! exits with code 2.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Extract diplomatic statements (who said what, by stance) from news articles.
#[derive(Debug, Parser)]
#[command(name = "demarche", version, about, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find the diplomatic statements in articles (files, folders or stdin).
    Classify(ClassifyArgs),
    /// Compile a rule pack and report every error and lint in it.
    Check(CheckArgs),
    /// Run the `expect` / `reject` / `todo` examples embedded in a rule pack.
    Test(TestArgs),
    /// Score a rule pack against gold files: precision, recall and F1 per label.
    Eval(EvalArgs),
    /// Show what was found in a sentence and why: speaker, target, stances, then the trace.
    Explain(ExplainArgs),
    /// Describe a rule pack: its labels with their codes, and its provenance hash.
    Rules(RulesInfoArgs),
    /// Work with actor dictionaries: import TABARI / PETRARCH `.actors` files.
    #[command(subcommand)]
    Actors(ActorsCommand),
    /// Print a shell completion script for demarche.
    Completions(CompletionsArgs),
    /// Print demarche's manual page (roff), generated from these definitions.
    Man,
}

/// Arguments of `demarche explain`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["sentence", "file"]))]
pub struct ExplainArgs {
    /// The text to explain (one or more sentences).
    #[arg(value_name = "SENTENCE")]
    pub sentence: Option<String>,

    /// Explain the article in this file instead: a text file, or a JSON Lines file whose
    /// record at `--line` is the article.
    #[arg(long, value_name = "FILE", requires = "line")]
    pub file: Option<PathBuf>,

    /// With `--file`: the 1-based line. In a text file only the sentences on that line are
    /// shown (the rest of the article is still read, for speakers carried from before).
    #[arg(long, value_name = "N")]
    pub line: Option<usize>,

    /// Use the rule pack in DIR instead of the embedded one.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// List every rule tried, with how far each got, not only those that matched.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// Arguments of `demarche eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold files, one article per line (see docs/eval.md).
    #[arg(value_name = "GOLD", required = true)]
    pub gold: Vec<PathBuf>,

    /// Score the rule pack in DIR instead of the embedded one.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// Also score the pack in DIR, and list the sentences each pack gets right that the other
    /// gets wrong.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,

    /// Exit 1 when the micro F1 is below this (0 to 1).
    #[arg(long, value_name = "F1")]
    pub fail_under: Option<f64>,

    /// Exit 1 when the actor strict accuracy (found gold statements with exactly the gold
    /// actors) is below this (0 to 1).
    #[arg(long, value_name = "F")]
    pub fail_under_actors: Option<f64>,

    /// Exit 1 when the attributed recall (gold statements with actors found with a right
    /// actor) is below this (0 to 1).
    #[arg(long, value_name = "F")]
    pub fail_under_attributed: Option<f64>,

    /// Exit 1 when the target strict accuracy is below this (0 to 1); ignored, with a note,
    /// when the gold has no targets.
    #[arg(long, value_name = "F")]
    pub fail_under_targets: Option<f64>,

    /// List at most N mistakes (all by default).
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,

    /// A report for people, or one JSON object.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// How `eval` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables and lists.
    Human,
    /// One JSON object.
    Json,
}

/// Arguments of `demarche classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Files or folders to read (folders recursively, hidden files skipped); `-` or nothing
    /// reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Use the rule pack in DIR instead of the embedded one.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// How to read inputs: `auto` reads `*.jsonl` / `*.ndjson` files as JSON Lines, `*.csv`
    /// as CSV and other files as text; on stdin it looks at the first non-blank character
    /// (`{` = JSON Lines).
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,

    /// Output format: a report for people, one JSON array, one JSON object per article, one
    /// CSV / TSV row per stance, an aligned table, or a self-contained HTML page.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// After the run, write to stderr how often each rule fired and the sentences with a cued,
    /// coded speaker but no stance (candidates for new rules), by cue phrase.
    #[arg(long)]
    pub coverage: bool,

    /// Write an actors × labels count of the run instead of the statements: as a table
    /// (`--format text` or `table`), `csv`, `tsv` or `json`.
    #[arg(long)]
    pub summary: bool,

    /// With `--summary`: count dyads (speaker actor × target actor × label) instead of
    /// actors × labels, for network analysis.
    #[arg(long, requires = "summary")]
    pub dyads: bool,
    /// The rows of `--format csv` / `tsv`: one per stance with `;`-joined actor lists
    /// (`stance`), one per stance and speaker actor (`long`), or one per stance, speaker actor
    /// and target actor (`dyad`).
    #[arg(long, value_enum, default_value_t = CsvShape::Stance, value_name = "SHAPE")]
    pub csv_shape: CsvShape,
    /// For spreadsheets (csv, tsv): start with a UTF-8 byte-order mark and neutralise cells that
    /// start with `=`, `+`, `-`, `@`, tab or carriage return (formula injection) by prefixing `'`.
    #[arg(long)]
    pub excel: bool,

    /// Colour for `--format table`: `auto` colours when stdout is a terminal and `NO_COLOR` is
    /// unset or empty.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Worker threads (default: every core). Output stays in input order.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,

    /// No progress line on stderr (it is shown only when stderr is a terminal anyway).
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Input limits and field mapping (see [`InputArgs`]).
    #[command(flatten)]
    pub input: InputArgs,
}

/// Flags of `classify` about reading input: limits, error handling and which record fields
/// hold the article. Kept in one struct so that other flags can be added beside it freely.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Give an article larger than this an error record instead of classifying it: a text
    /// file's size, or one JSON Lines / CSV record. Bytes, or with K, M, G (KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_article_bytes: usize,

    /// Stop at the first input that cannot be read (after writing its error record), instead
    /// of going on with the rest; the exit code is 2 either way.
    #[arg(long)]
    pub strict: bool,

    /// The JSON Lines / CSV field holding the article text (JSON: `a.b` looks inside objects).
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "text",
        help_heading = "Input fields"
    )]
    pub text_field: String,

    /// The field holding the article id (a string or a number).
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "id",
        help_heading = "Input fields"
    )]
    pub id_field: String,

    /// The field holding the headline, passed through as `title`.
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "title",
        help_heading = "Input fields"
    )]
    pub title_field: String,

    /// The field holding the publication date, passed through as `date`.
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "date",
        help_heading = "Input fields"
    )]
    pub date_field: String,

    /// The field holding the source URL, passed through as `url`.
    #[arg(
        long,
        value_name = "FIELD",
        default_value = "url",
        help_heading = "Input fields"
    )]
    pub url_field: String,
}

/// Parses a size: a number of bytes, optionally followed by `K`, `M` or `G` (or `KiB`, `MiB`,
/// `GiB`; all powers of 1024, any case).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(digits);
    let num: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size like 1048576, 512K or 16MiB"))?;
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        _ => {
            return Err(format!(
                "unknown unit `{unit}`: use K, M or G (powers of 1024)"
            ))
        }
    };
    num.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

/// Arguments of `demarche rules`.
#[derive(Debug, Args)]
pub struct RulesInfoArgs {
    /// The rule folder; the embedded default pack when omitted.
    #[arg(value_name = "RULES")]
    pub rules: Option<PathBuf>,

    /// Print only the pack's provenance hash (16 hex digits), as recorded in outputs.
    #[arg(long)]
    pub hash: bool,
}

/// The subcommands of `demarche actors`.
#[derive(Debug, Subcommand)]
pub enum ActorsCommand {
    /// Write actor rule files from TABARI / PETRARCH `.actors` dictionaries (docs/actors.md).
    Import(ActorsImportArgs),
}

/// Arguments of `demarche actors import`.
#[derive(Debug, Args)]
pub struct ActorsImportArgs {
    /// The dictionaries, in order (an earlier one keeps a name both give).
    #[arg(value_name = "DICT", required = true)]
    pub dicts: Vec<PathBuf>,

    /// The pack the actors go into (its rule files outside `--out` are read; names it already
    /// has are left out); the embedded pack when omitted.
    #[arg(long, value_name = "DIR")]
    pub pack: Option<PathBuf>,

    /// Where to write one `.rules` file per dictionary.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// One-word names to leave out, one a line (`#` comments): ordinary words such as "chase".
    #[arg(long, value_name = "FILE")]
    pub stop_list: Option<PathBuf>,

    /// A line for the header of every written file (where the dictionaries come from); may be
    /// repeated.
    #[arg(long, value_name = "TEXT")]
    pub provenance: Vec<String>,

    /// Write the files even when dictionaries have bad lines (those lines are left out).
    #[arg(long)]
    pub keep_going: bool,

    /// Leave out people whose every dated code ended before this year.
    #[arg(long, value_name = "YEAR")]
    pub since: Option<u32>,
}

/// Arguments of `demarche completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `demarche check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rule folder; the embedded default pack when omitted.
    #[arg(value_name = "RULES")]
    pub rules: Option<PathBuf>,

    /// How to print diagnostics: rustc-style text, a JSON array, or GitHub annotations.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,

    /// Fail (exit 1) on these lints: `warnings` for all, or a lint name such as
    /// `unused-lexicon`. Repeatable.
    #[arg(long, value_name = "LINT")]
    pub deny: Vec<String>,

    /// Do not report these lints (a lint name, or `warnings` for all). Repeatable.
    #[arg(long, value_name = "LINT")]
    pub allow: Vec<String>,
    /// Also report these opt-in lints (`unexercised-alternative`, `shadowed-rule`), or
    /// `pedantic` for all of them. Repeatable.
    #[arg(long, value_name = "LINT")]
    pub warn: Vec<String>,
}

/// Arguments of `demarche test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The rule folder; the embedded default pack when omitted.
    #[arg(value_name = "RULES")]
    pub rules: Option<PathBuf>,

    /// Run only the rules and guards whose id matches this glob (`*` any text, `?` one
    /// character), such as `ceasefire.*`.
    #[arg(long, value_name = "GLOB")]
    pub filter: Option<String>,
}

/// How `check` prints diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc style: the source line, a caret and a hint.
    Human,
    /// One JSON array of diagnostics.
    Json,
    /// GitHub Actions workflow commands (`::warning file=...`), so CI marks the line.
    Github,
}

/// How to read input files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// JSON Lines for `*.jsonl` / `*.ndjson` (or stdin starting with `{`), CSV for `*.csv`,
    /// text otherwise.
    Auto,
    /// Every input is one plain-text article.
    Text,
    /// Every input is JSON Lines, one article record per line.
    Jsonl,
    /// Every input is CSV (RFC 4180) with a header row, one article record per row.
    Csv,
}

/// How to write results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report, with evidence marked `[[like this]]`.
    Text,
    /// One pretty-printed JSON array of all article results.
    Json,
    /// One JSON object per input article, one per line, in input order.
    Jsonl,
    /// Comma-separated values, RFC 4180, one row per stance (see `--csv-shape`), with a header
    /// row.
    Csv,
    /// Tab-separated values, the same rows and quoting as `csv`.
    Tsv,
    /// An aligned table for a terminal, one row per stance.
    Table,
    /// One self-contained HTML page: an actors × labels matrix, then every article.
    Html,
}

/// The rows of `--format csv` and `tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CsvShape {
    /// One row per stance; speaker and target actor codes as `;`-joined lists.
    #[default]
    Stance,
    /// One row per stance and speaker actor (`actor`, `actor_cameo`).
    Long,
    /// One row per stance, speaker actor and target actor, for network analysis.
    Dyad,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn classify_defaults() {
        let cli = Cli::try_parse_from(["demarche", "classify"]).unwrap();
        let Command::Classify(args) = cli.command else {
            panic!("not classify")
        };
        assert!(args.paths.is_empty());
        assert_eq!(args.format, Format::Text);
        assert_eq!(args.input_format, InputFormat::Auto);
        assert_eq!(args.csv_shape, CsvShape::Stance);
        assert_eq!(args.input.max_article_bytes, 16 << 20);
        assert_eq!(args.input.text_field, "text");
        assert!(!args.input.strict);
    }

    #[test]
    fn sizes() {
        let cases: &[(&str, Result<usize, ()>)] = &[
            ("0", Ok(0)),
            ("1048576", Ok(1 << 20)),
            ("512K", Ok(512 << 10)),
            ("16MiB", Ok(16 << 20)),
            ("16mib", Ok(16 << 20)),
            ("2G", Ok(2 << 30)),
            ("", Err(())),
            ("MiB", Err(())),
            ("12 MB", Err(())),
            ("1.5M", Err(())),
            ("99999999999999999999G", Err(())),
        ];
        for (input, want) in cases {
            assert_eq!(parse_size(input).map_err(|_| ()), *want, "{input:?}");
        }
    }
}
