#!/usr/bin/env bash
# Regenerates rules/actors/phoenix/*.rules from the vendored Phoenix dictionaries (see
# docs/actors.md). Run from anywhere; builds demarche in release mode.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
S=rules/actors/phoenix/source
cargo run --release --quiet -- actors import --pack rules --out rules/actors/phoenix \
    --stop-list $S/stop-words.txt --since 2010 --keep-going \
    --provenance 'Phoenix dictionaries of PETRARCH 2 (openeventdata/petrarch2 at 676801cd9cb2, petrarch2/data/dictionaries), MIT licence: LICENSE beside this file.' \
    $S/Phoenix.Countries.actors.txt $S/Phoenix.International.actors.txt $S/Phoenix.MilNonState.actors.txt
