//! Actor resolution at event-data scale (issue 14): state mentions of every kind the issue
//! names, each as the speaker of "X urged both sides to exercise restraint.", published on
//! 2025-12-01, and mentions that stand for no state. A mention resolves when its state is one
//! of the speaker's actor codes, or the state of one of its CAMEO codes (an armed group keeps
//! its own code and carries its state: `AL_SHABAAB`, `SOMREB`). The examples are written for
//! this table, not taken from any test suite; the shares are printed and bounded below.

use demarche_engine::{embedded_sources, RuleSet};

/// (mention, the state it stands for)
const STATES: &[(&str, &str)] = &[
    // people named bare, past and present
    ("Olaf Scholz", "DEU"),
    ("Ramaphosa", "ZAF"),
    ("Erdogan", "TUR"),
    ("Lula", "BRA"),
    ("Narendra Modi", "IND"),
    ("Netanyahu", "ISR"),
    ("Zelensky", "UKR"),
    ("Lukashenko", "BLR"),
    ("Tokayev", "KAZ"),
    ("Hamid Karzai", "AFG"),
    ("Ashraf Ghani", "AFG"),
    ("Mahmoud Abbas", "PSE"),
    ("Nicolas Maduro", "VEN"),
    ("Kim Jong Un", "PRK"),
    ("Shinzo Abe", "JPN"),
    ("Moon Jae-in", "KOR"),
    ("Jacinda Ardern", "NZL"),
    ("Scott Morrison", "AUS"),
    ("Paul Kagame", "RWA"),
    ("Yoweri Museveni", "UGA"),
    ("Hassan Rouhani", "IRN"),
    ("Viktor Orban", "HUN"),
    ("Mevlut Cavusoglu", "TUR"),
    ("Sergei Shoigu", "RUS"),
    ("Wang Yi", "CHN"),
    ("Antony Blinken", "USA"),
    ("Rex Tillerson", "USA"),
    ("Sushma Swaraj", "IND"),
    ("Jair Bolsonaro", "BRA"),
    ("Javier Milei", "ARG"),
    ("Lopez Obrador", "MEX"),
    ("Kais Saied", "TUN"),
    ("Mitsotakis", "GRC"),
    ("Mattis", "USA"),
    ("Bashar al-Assad", "SYR"),
    ("Emmerson Mnangagwa", "ZWE"),
    ("Alassane Ouattara", "CIV"),
    ("Juan Manuel Santos", "COL"),
    // titles that name no state
    ("President Ruto", "KEN"),
    ("Prime Minister Albanese", "AUS"),
    ("President Erdogan", "TUR"),
    ("Chancellor Scholz", "DEU"),
    ("President Tinubu", "NGA"),
    ("Foreign Minister Lavrov", "RUS"),
    ("Prime Minister Modi", "IND"),
    ("President Milei", "ARG"),
    ("President Macron", "FRA"),
    // agencies and institutions named without the state
    ("The Bundeswehr", "DEU"),
    ("Mossad", "ISR"),
    ("The Duma", "RUS"),
    ("The Lok Sabha", "IND"),
    ("The Knesset", "ISR"),
    ("The Pentagon", "USA"),
    ("The FSB", "RUS"),
    ("The IDF", "ISR"),
    ("The Bundestag", "DEU"),
    ("Downing Street", "GBR"),
    ("The CIA", "USA"),
    ("The ISI", "PAK"),
    ("The Verkhovna Rada", "UKR"),
    ("The People's Liberation Army", "CHN"),
    ("Shin Bet", "ISR"),
    ("The State Duma", "RUS"),
    // armed groups and breakaway regions
    ("Al-Shabaab", "SOM"),
    ("Boko Haram", "NGA"),
    ("The Taliban", "AFG"),
    ("The Houthis", "YEM"),
    ("Abu Sayyaf", "PHL"),
    ("The FARC", "COL"),
    ("The ELN", "COL"),
    ("Lashkar-e-Taiba", "PAK"),
    ("Hezbollah", "LBN"),
    ("Hamas", "PSE"),
    ("The PKK", "TUR"),
    ("Transnistria", "MDA"),
    ("Abkhazia", "GEO"),
    // cities other than capitals, regional governments
    ("Kharkiv authorities", "UKR"),
    ("Lagos State government", "NGA"),
    ("Mumbai police", "IND"),
    ("Istanbul officials", "TUR"),
    ("Karachi police", "PAK"),
    ("Aleppo officials", "SYR"),
    ("Benghazi authorities", "LBY"),
    ("Mosul officials", "IRQ"),
    ("Sao Paulo officials", "BRA"),
    ("The Bavarian government", "DEU"),
    ("Kandahar officials", "AFG"),
    ("Quebec", "CAN"),
    // parties and companies
    ("The ANC", "ZAF"),
    ("Gazprom", "RUS"),
    ("The BJP", "IND"),
    ("Likud", "ISR"),
    ("Fatah", "PSE"),
    ("The AKP", "TUR"),
    ("United Russia", "RUS"),
    ("Rosneft", "RUS"),
    ("Aramco", "SAU"),
    // plural demonyms
    ("Argentines", "ARG"),
    ("Ukrainians", "UKR"),
    ("Israelis", "ISR"),
    ("Iranians", "IRN"),
    ("Filipinos", "PHL"),
    ("Brazilians", "BRA"),
    ("Nigerians", "NGA"),
    ("Pakistanis", "PAK"),
];

/// Mentions that stand for no state.
const NONE: &[&str] = &[
    "The protesters",
    "Amnesty International",
    "Human Rights Watch",
    "Greenpeace",
    "Elon Musk",
    "The rebels",
    "Analysts",
    "The World Bank",
    "Doctors Without Borders",
    "The company",
    "The opposition",
    "A local official",
    "The Nobel committee",
    "The International Crisis Group",
    "Oxfam",
    "Residents",
    "Bill Gates",
    "The union",
    "Save the Children",
    "The organizers",
    "Reporters Without Borders",
    "Chase",
    "Bush pilots",
    "Jordan Peterson",
    "The Red Cross",
    "A spokesman",
    "The chairman",
    "Shanghai Cooperation Organisation members",
    "Phoenix residents",
    "Georgia lawmakers",
];

fn states() -> Vec<String> {
    let (_, text) = embedded_sources()
        .iter()
        .find(|(p, _)| p.ends_with("actors/states.rules"))
        .expect("the pack has states.rules");
    text.lines()
        .filter_map(|l| l.strip_prefix("actor "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The states a speaker stands for: its state codes, and the states of its CAMEO codes.
fn resolved(rules: &RuleSet, mention: &str, states: &[String]) -> Vec<String> {
    let text = format!("{mention} urged both sides to exercise restraint.");
    let got = rules.extract_dated(&text, Some("2025-12-01"));
    let Some(st) = got.first() else {
        return Vec::new();
    };
    let mut out: Vec<String> = st
        .actors
        .iter()
        .filter(|a| states.contains(a))
        .cloned()
        .collect();
    for c in &st.cameo_actors {
        if let Some(s) = c.get(..3).filter(|s| states.iter().any(|x| x == s)) {
            out.push(s.to_string());
        }
    }
    out
}

#[test]
fn state_mentions_resolve_and_others_do_not() {
    let rules = RuleSet::embedded().expect("the default pack compiles");
    let states = states();
    let mut missed = Vec::new();
    for (mention, state) in STATES {
        if !resolved(&rules, mention, &states)
            .iter()
            .any(|s| s == state)
        {
            missed.push(format!("{mention} ({state})"));
        }
    }
    let wrong: Vec<String> = NONE
        .iter()
        .filter_map(|m| {
            let got = resolved(&rules, m, &states);
            (!got.is_empty()).then(|| format!("{m} -> {got:?}"))
        })
        .collect();
    let share = 1.0 - missed.len() as f64 / STATES.len() as f64;
    eprintln!(
        "resolved {} of {} state mentions ({share:.3}); missed: {missed:?}",
        STATES.len() - missed.len(),
        STATES.len()
    );
    eprintln!(
        "{} of {} non-state mentions got a state: {wrong:?}",
        wrong.len(),
        NONE.len()
    );
    assert!(share >= 0.8, "share {share:.3}");
    assert!(wrong.len() <= 3, "{wrong:?}");
}
