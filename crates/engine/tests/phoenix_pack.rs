//! The Phoenix dictionaries imported into the default pack (`rules/actors/phoenix/`) are up to
//! date: importing the vendored sources again, with the stop list, into the hand-written pack,
//! gives the committed files byte for byte. Regenerate with `rules/actors/phoenix/import.sh`.

use demarche_engine::tabari::{decode, import, stop_words, ImportOptions};
use demarche_engine::{read_sources, RuleSet};
use std::path::{Path, PathBuf};

const SOURCES: &[&str] = &[
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
];

const PROVENANCE: &str = "Phoenix dictionaries of PETRARCH 2 (openeventdata/petrarch2 at \
676801cd9cb2, petrarch2/data/dictionaries), MIT licence: LICENSE beside this file.";

/// The command `import.sh` runs, as the importer records it in each header.
fn command() -> String {
    let s = "rules/actors/phoenix/source";
    let dicts: Vec<String> = SOURCES.iter().map(|f| format!("{s}/{f}")).collect();
    format!(
        "demarche actors import --pack rules --out rules/actors/phoenix --stop-list \
         {s}/stop-words.txt --since 2010 --keep-going --provenance '{PROVENANCE}' {}",
        dicts.join(" ")
    )
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_imported_phoenix_files_are_up_to_date() {
    let root = root();
    let out = root.join("rules/actors/phoenix");
    let src = out.join("source");
    let pack: Vec<(String, String)> = read_sources(&root.join("rules"))
        .expect("the pack reads")
        .into_iter()
        .filter(|(p, _)| !Path::new(p).starts_with(&out))
        .collect();
    let rules = RuleSet::from_sources(&pack).expect("the hand-written pack compiles");
    let dicts: Vec<(String, String)> = SOURCES
        .iter()
        .map(|f| {
            let bytes = std::fs::read(src.join(f)).expect("a vendored dictionary");
            (format!("rules/actors/phoenix/source/{f}"), decode(&bytes))
        })
        .collect();
    let stop = std::fs::read_to_string(src.join("stop-words.txt")).expect("the stop list");
    let opts = ImportOptions {
        stop_words: stop_words(&stop),
        provenance: vec![PROVENANCE.to_string()],
        command: command(),
        since: Some(2010),
    };
    let imported = import(&rules, &dicts, &opts);
    for (name, text) in &imported.files {
        let committed = std::fs::read_to_string(out.join(name)).unwrap_or_default();
        assert!(
            committed == *text,
            "rules/actors/phoenix/{name} is out of date with its source, the stop list, the \
             pack or the importer: run rules/actors/phoenix/import.sh and review the diff"
        );
    }
}
