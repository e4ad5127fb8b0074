"""Score the skills extractor against a hand-annotated gold file (as ../shared/realworld/skills_gold.jsonl).

usage: python bench/skills_gold.py [--gold GOLD.jsonl ...] [--postings CSV] [--taxonomy T.jsonl] [--errors]

By default the gold is ../shared/realworld/skills_gold.jsonl (20 postings) together with
bench/skills_gold_dev.jsonl (45 more dev postings we annotated by reading them, ids and labels only).
The postings CSV gives each gold id its text (columns `id` and `description`). Scoring follows
SKILLS_GOLD.md: one-to-one matching on the gold name, then aliases; micro-averaged precision, recall and
F1 for tools and for skills; required/preferred accuracy on matched items whose gold need is not
`unclear`; exact-match accuracy of degree_min, degree_preferred and years_min.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from jobclass.reader import extract_skills

SHARED = Path(__file__).resolve().parents[2] / "shared" / "realworld"
GOLD_FILES = (SHARED / "skills_gold.jsonl", Path(__file__).resolve().parent / "skills_gold_dev.jsonl")
TARGETS = {
    ("tools", "precision"): 0.95,
    ("tools", "recall"): 0.92,
    ("skills", "precision"): 0.88,
    ("skills", "recall"): 0.80,
}


def match(extracted: list[str], gold: list[dict]) -> tuple[list[str], dict[int, int]]:
    """One-to-one matching: exact canonical names first, then aliases by augmenting paths."""
    names = list(dict.fromkeys(name.strip().lower() for name in extracted))
    keys = [{item["name"].lower(), *item["aliases"]} for item in gold]
    pair: dict[int, int] = {}
    for j, name in enumerate(names):
        for i, item in enumerate(gold):
            if i not in pair and name == item["name"].lower():
                pair[i] = j
                break
    used = set(pair.values())

    def augment(j: int, seen: set[int]) -> bool:
        for i, key in enumerate(keys):
            if names[j] in key and i not in seen:
                seen.add(i)
                if i not in pair or (names[pair[i]] != gold[i]["name"].lower() and augment(pair[i], seen)):
                    pair[i] = j
                    return True
        return False

    for j in range(len(names)):
        if j not in used:
            augment(j, set())
    return names, pair


def predict(text: str, taxonomy: str | None) -> dict:
    report = extract_skills(text, taxonomy)
    need = {"required": "required", "preferred": "preferred"}
    q = report.qualifications
    return {
        kind: [
            {"name": s.name, "need": need.get(s.need, "unclear")}
            for s in report.skills
            if s.kind == kind[:-1]
        ]
        for kind in ("tools", "skills")
    } | {"degree_min": q.degree_min, "degree_preferred": q.degree_preferred, "years_min": q.years_min}


def score(gold: dict[str, dict], predicted: dict[str, dict], show_errors: bool) -> dict:
    out: dict = {}
    for kind in ("tools", "skills"):
        tp = fp = fn = need_ok = need_n = 0
        for pid, annotation in gold.items():
            items = predicted[pid][kind]
            need_of: dict[str, str] = {}
            for item in items:
                need_of.setdefault(item["name"].strip().lower(), item["need"])
            names, pair = match([item["name"] for item in items], annotation[kind])
            tp += len(pair)
            fp += len(names) - len(pair)
            fn += len(annotation[kind]) - len(pair)
            wrong_need = []
            for i, j in pair.items():
                if annotation[kind][i]["need"] != "unclear":
                    need_n += 1
                    ok = need_of.get(names[j]) == annotation[kind][i]["need"]
                    need_ok += ok
                    if not ok:
                        wrong_need.append(f"{names[j]}={need_of.get(names[j])}/{annotation[kind][i]['need']}")
            if show_errors:
                missed = [annotation[kind][i]["name"] for i in range(len(annotation[kind])) if i not in pair]
                extra = [names[j] for j in range(len(names)) if j not in pair.values()]
                print(f"{pid} {kind}: missed {missed} extra {extra} need {wrong_need}", file=sys.stderr)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[kind] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "need_accuracy": need_ok / need_n if need_n else None,
            "need_n": need_n,
        }
    ids = list(gold)
    for field in ("degree_min", "degree_preferred", "years_min"):
        out[f"{field}_accuracy"] = sum(predicted[i][field] == gold[i][field] for i in ids) / len(ids)
        if show_errors:
            for i in ids:
                if predicted[i][field] != gold[i][field]:
                    print(f"{i} {field}: got {predicted[i][field]} want {gold[i][field]}", file=sys.stderr)
    matched = [out[kind] for kind in ("tools", "skills")]
    need_n = sum(kind["need_n"] for kind in matched)
    out["need_accuracy"] = (
        sum(kind["need_accuracy"] * kind["need_n"] for kind in matched if kind["need_n"]) / need_n
        if need_n
        else None
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, nargs="+", default=list(GOLD_FILES))
    parser.add_argument("--postings", type=Path, default=SHARED / "dev.csv")
    parser.add_argument("--taxonomy", default=None, help="taxonomy JSONL (default: the bundled one)")
    parser.add_argument("--errors", action="store_true", help="list misses and extras per posting on stderr")
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="figures of an earlier version to compare with (default, with the default gold and "
        "taxonomy: bench/skills_gold_before.json, the figures before issue 15)",
    )
    args = parser.parse_args()

    gold = {
        record["id"]: record for path in args.gold for record in map(json.loads, path.open(encoding="utf-8"))
    }
    csv.field_size_limit(1 << 28)
    texts = {row["id"]: row["description"] for row in csv.DictReader(args.postings.open(encoding="utf-8"))}
    missing = [pid for pid in gold if pid not in texts]
    if missing:
        sys.exit(f"{args.postings}: no posting for gold id(s) {', '.join(missing)}")
    predicted = {pid: predict(texts[pid], args.taxonomy) for pid in gold}
    result = score(gold, predicted, args.errors)

    if args.before is None and list(args.gold) == list(GOLD_FILES) and args.taxonomy is None:
        args.before = Path(__file__).resolve().parent / "skills_gold_before.json"
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    print(f"skills gold: {', '.join(os.path.relpath(path) for path in args.gold)} ({len(gold)} postings)")
    print(f"{'':8}{'precision':>10}{'recall':>8}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}   target")
    for kind in ("tools", "skills"):
        r = result[kind]
        target = f"P >= {TARGETS[(kind, 'precision')]:.2f}, R >= {TARGETS[(kind, 'recall')]:.2f}"
        print(
            f"{kind:8}{r['precision']:10.3f}{r['recall']:8.3f}{r['f1']:7.3f}{r['tp']:5d}{r['fp']:5d}{r['fn']:5d}"
            f"   {target}"
        )
    print(
        f"required/preferred accuracy on matched items: {result['need_accuracy']:.3f}"
        f" (tools {result['tools']['need_accuracy']:.3f}, skills {result['skills']['need_accuracy']:.3f};"
        f" target >= 0.90)"
    )
    print(
        f"degree_min exact: {result['degree_min_accuracy']:.3f} (target >= 0.90)   "
        f"degree_preferred exact: {result['degree_preferred_accuracy']:.3f}"
    )
    print(f"years_min exact: {result['years_min_accuracy']:.3f} (target >= 0.85)")
    if before:
        print(f"\nbefore (commit {before['commit']}, recorded in {args.before.name}) -> now:")
        for label, old, new in (
            ("tools precision", before["tools"]["precision"], result["tools"]["precision"]),
            ("tools recall", before["tools"]["recall"], result["tools"]["recall"]),
            ("skills precision", before["skills"]["precision"], result["skills"]["precision"]),
            ("skills recall", before["skills"]["recall"], result["skills"]["recall"]),
            ("need accuracy", before["need_accuracy"], result["need_accuracy"]),
            ("degree_min exact", before["degree_min_accuracy"], result["degree_min_accuracy"]),
            ("years_min exact", before["years_min_accuracy"], result["years_min_accuracy"]),
        ):
            print(f"  {label:<18}{old:.3f} -> {new:.3f}")


if __name__ == "__main__":
    main()
