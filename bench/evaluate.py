"""`make eval`: the quality figures, each scorer's last line, from the benchmarks in ../shared.

- dev gold: `../shared/eval/score.py` over the corpus build (extracted/claims.db);
- ClaimBuster (check-worthy claims): the kit's 24 debates built into extracted/eval/claimbuster.db,
  scored by `../shared/eval/checkworthy.py` on every debate, and again on the debates the
  check-worthiness model held out of its training (its metrics.json names them): the first
  figure includes sentences the model was trained on, the second does not;
- TimeBank + AQUAINT (dates against TimeML TIMEX3, TempEval-3): the kit's 256 news files built into
  extracted/eval/timebank.db, scored by `../shared/eval/timex.py` (gold type DATE: strict, relaxed and
  value F1), and its `durations` rows by bench/durations.py (gold type DURATION: the share with gold's
  ISO value, span F1);
- web articles (the HTML reader, issue 16): the kit's 60 pages built into extracted/eval/web-articles.db,
  scored by `../shared/eval/articles.py` against its ground-truth.json (content and prose F1, prose recall,
  zero-claim pages), next to trafilatura alone on the same pages, and the share of claims from outside
  the article (bench/web.py).

A scorer whose data is missing is skipped with a line saying so; the others still run.
Usage: python -m bench.evaluate [--shared ../shared] [--db extracted/claims.db] [--model NAME]
"""
from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "extracted" / "eval"


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"eval: {' '.join(cmd[:4])} ... failed:\n{done.stderr[-2000:]}")
    return done.stdout


def _build(raw: pathlib.Path, db: pathlib.Path, model: str | None, claim_model: pathlib.Path) -> None:
    cmd = [sys.executable, "-m", "pipeline", "build", str(raw), "--db", str(db), "--quiet",
           "--claim-model", str(claim_model)]
    _run(cmd + (["--model", model] if model else []))


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else "(no output)"


def eval_dev_gold(shared: pathlib.Path, db: pathlib.Path) -> None:
    scorer = shared / "eval" / "score.py"
    if not scorer.exists():
        print(f"dev gold: skipped ({scorer} not found)")
        return
    print("dev gold (../shared/gold/dev.json, 3 documents of raw/):")
    print("  " + _last_line(_run([sys.executable, str(scorer), str(db)])))


def _built_kit(shared: pathlib.Path, kit_name: str, scorer_name: str, model: str | None, claim_model: pathlib.Path,
               gold_name: str = "gold.jsonl"):
    """(kit folder, scorer, database built from the kit's raw/) for ../shared/external/<kit_name>
    (its gold in `gold_name`) and ../shared/eval/<scorer_name>.py; None, said in one line, when either
    is missing."""
    kit, scorer = shared / "external" / kit_name, shared / "eval" / f"{scorer_name}.py"
    if not (kit / gold_name).exists() or not scorer.exists():
        print(f"{scorer_name}: skipped ({kit} or {scorer} not found)")
        return None
    OUT.mkdir(parents=True, exist_ok=True)
    db = OUT / f"{kit_name}.db"
    _build(kit / "raw", db, model, claim_model)
    return kit, scorer, db


def eval_claimbuster(shared: pathlib.Path, model: str | None, claim_model: pathlib.Path) -> None:
    found = _built_kit(shared, "claimbuster", "checkworthy", model, claim_model)
    if found is None:
        return
    kit, scorer, db = found
    print("all dev debates (includes training sentences):")
    print("  " + _last_line(_run([sys.executable, str(scorer), str(db)])))
    metrics_file = claim_model / "metrics.json"
    held = set(json.loads(metrics_file.read_text())["held_out_groups"]) if metrics_file.exists() else set()
    if not held:
        print("held-out debates: skipped (the model's metrics.json names none)")
        return
    gold = OUT / "claimbuster-held-out.jsonl"
    with (kit / "gold.jsonl").open() as src, gold.open("w") as dst:
        dst.writelines(line for line in src if json.loads(line)["doc"][:-len(".txt")] in held)
    print(f"held-out debates, never trained on ({', '.join(sorted(held))}):")
    print("  " + _last_line(_run([sys.executable, str(scorer), str(db), "--gold", str(gold), "--raw", str(kit / "raw")])))


def eval_timebank(shared: pathlib.Path, model: str | None, claim_model: pathlib.Path) -> None:
    found = _built_kit(shared, "timebank", "timex", model, claim_model)
    if found is None:
        return
    kit, scorer, db = found
    print("TimeBank + AQUAINT dates (TempEval-3, gold type DATE):")
    print("  " + _last_line(_run([sys.executable, str(scorer), str(db), "--gold", str(kit / "gold.jsonl")])))
    print("TimeBank + AQUAINT durations (gold type DURATION, bench/durations.py):")
    print("  " + _last_line(_run([sys.executable, "-m", "bench.durations", str(db), "--gold", str(kit / "gold.jsonl"),
                                  "--shared", str(shared)])))


def eval_web_articles(shared: pathlib.Path, model: str | None, claim_model: pathlib.Path) -> None:
    found = _built_kit(shared, "web-articles", "articles", model, claim_model, gold_name="ground-truth.json")
    if found is None:
        return
    from . import web

    kit, scorer, db = found
    gold = kit / "ground-truth.json"
    print("web articles (Zyte's article-extraction-benchmark, 60 pages; content, prose, zero-claim pages):")
    print("  " + _last_line(_run([sys.executable, str(scorer), str(db), "--gold", str(gold)])))
    baseline = OUT / "web-articles-trafilatura.db"
    web.save_trafilatura(kit / "raw", baseline)
    print("  trafilatura alone, same pages: "
          + _last_line(_run([sys.executable, str(scorer), str(baseline), "--gold", str(gold)])).split(" zero_claim")[0])
    print("  " + _last_line(_run([sys.executable, "-m", "bench.web", "outside", str(db), str(gold), "--quiet"])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared")
    parser.add_argument("--db", type=pathlib.Path, default=ROOT / "extracted" / "claims.db")
    parser.add_argument("--model", help="spaCy pipeline for the benchmark builds (default: the build's)")
    parser.add_argument("--claim-model", type=pathlib.Path, default=ROOT / "models" / "checkworthy",
                        help="check-worthiness classifier the benchmark builds use (default: models/checkworthy)")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"eval: {args.shared} not found: the benchmarks live in ../shared beside the checkout; nothing scored")
        return
    eval_dev_gold(args.shared, args.db)
    eval_claimbuster(args.shared, args.model, args.claim_model)
    eval_timebank(args.shared, args.model, args.claim_model)
    eval_web_articles(args.shared, args.model, args.claim_model)


if __name__ == "__main__":
    main()
