//! Prints the tokens of a text as the engine sees them: surface, folded form, in-quote and
//! joined flags. Usage: `cargo run -p demarche-engine --example tok -- "Some text."`
fn main() {
    let text = std::env::args().nth(1).unwrap_or_default();
    let doc = demarche_engine::text::Document::analyse(&text);
    for t in &doc.tokens {
        println!(
            "{:?} {:?} q={} j={}",
            &text[t.start..t.end],
            t.folded,
            t.in_quote,
            t.joined
        );
    }
}
