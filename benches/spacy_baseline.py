#!/usr/bin/env python3
"""Python baselines for benches/run.sh: the same phrase scan as `rg -i -F -f`, done the way a
Python pipeline would do it.

  phrase  spaCy blank English + sentencizer + PhraseMatcher (attr LOWER) over the phrases
  lemma   spaCy blank English + sentencizer + lookup lemmatizer (spacy-lookups-data) + token
          Matcher on lemmas (each phrase's words lemmatised the same way)
  re      Python `re`: one case-insensitive alternation of the escaped phrases

Usage: spacy_baseline.py MODE PHRASES CORPUS.jsonl
Prints one JSON object: mode, articles, bytes, matches, seconds (inside Python, after the
imports and the pipeline set-up). The caller times the whole process from outside too.

Install: pip install spacy spacy-lookups-data  (spacy.blank("en") needs no model download;
the lookup tables come in spacy-lookups-data, a PyPI package).
"""

import json
import re
import sys
import time


def read_phrases(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def texts(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)["text"]


def spacy_pipeline(mode, phrases):
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    if mode == "phrase":
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("PHRASES", list(nlp.tokenizer.pipe(phrases)))
        return nlp, matcher
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup table from spacy-lookups-data; no network
    matcher = Matcher(nlp.vocab)
    patterns = []
    for doc in nlp.pipe(phrases):
        words = [t for t in doc if not t.is_space]
        if words:
            patterns.append([{"LEMMA": t.lemma_.lower()} for t in words])
    matcher.add("PHRASES", patterns)
    return nlp, matcher


def main():
    mode, phrases_path, corpus = sys.argv[1:4]
    phrases = read_phrases(phrases_path)
    articles = matches = 0
    size = 0
    if mode == "re":
        rx = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)),
                        re.IGNORECASE)
        start = time.perf_counter()
        for text in texts(corpus):
            articles += 1
            size += len(text.encode("utf-8"))
            matches += sum(1 for _ in rx.finditer(text))
    else:
        nlp, matcher = spacy_pipeline(mode, phrases)
        start = time.perf_counter()
        for doc in nlp.pipe(texts(corpus), batch_size=64):
            articles += 1
            size += len(doc.text.encode("utf-8"))
            if mode == "lemma":
                # lookup lemmas keep the case of the text; the patterns are lower case
                for t in doc:
                    t.lemma_ = t.lemma_.lower()
            matches += len(matcher(doc))
    seconds = time.perf_counter() - start
    print(json.dumps({"mode": mode, "articles": articles, "text_bytes": size,
                      "matches": matches, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
