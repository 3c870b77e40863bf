"""Router against a char TF-IDF + linear SVM baseline on each labelled data set in ../shared/data.

Run: .venv/bin/python bench/routing.py [--json] [--data NAME] [--latency-only]   (stratified 70/30 split, seed 0)
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from gwangju_civic.routing.corpus import load_seed_corpus, taxonomy_from_json  # noqa: E402
from gwangju_civic.routing.evaluation import evaluate, read_labelled_csv, stratified_split  # noqa: E402
from gwangju_civic.routing.features import has_latin  # noqa: E402
from gwangju_civic.routing.router import Router  # noqa: E402

DATA = REPO.parent / "shared" / "data"
# Issue 13: macro-F1 against the char TF-IDF + SVM baseline, per data set; accuracy at least the baseline's.
TARGET_F1_RATIO = {"bluehouse_petitions_ko": 1.15, "gainesville_311_en": 1.20}
DEFAULT_F1_RATIO, TARGET_P95_MS = 1.10, 50.0


def seed_router_latency() -> dict:
    """Single-submission routing with the seed-corpus router, after warm-up, and its training time."""
    examples = load_seed_corpus(REPO / "gwangju_civic/routing/seed_corpus",
                                taxonomy_from_json(REPO / "gwangju_civic/taxonomy/taxonomy.json"))
    started = time.perf_counter()
    router = Router.train(examples)
    train_seconds = time.perf_counter() - started
    texts = [e.text for e in examples[::9]][:200]
    router.route(texts[0])
    samples = []
    for text in texts:
        began = time.perf_counter()
        router.route(text)
        samples.append((time.perf_counter() - began) * 1000)
    korean = [ms for ms, text in zip(samples, texts, strict=True) if not has_latin(text)]
    return {"train_seconds": round(train_seconds, 1), "examples": len(examples),
            "p50_ms": _percentile(samples, 0.5), "p95_ms": _percentile(samples, 0.95),
            "hangul_only_texts": len(korean), "hangul_only_p95_ms": _percentile(korean, 0.95)}


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[int(share * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--latency-only", action="store_true", help="skip the data sets, time the seed router")
    parser.add_argument("--data", action="append", help="only this data set (a folder of ../shared/data); repeatable")
    args = parser.parse_args()
    results = {}
    paths = [path for path in sorted(DATA.glob("*/data.csv")) if not args.data or path.parent.name in args.data]
    for path in [] if args.latency_only else paths:
        train, test = stratified_split(read_labelled_csv(path))
        results[path.parent.name] = evaluate(train, test)
        if not args.json:
            print(f"\n{path.parent.name}: {len(train)} train / {len(test)} test", flush=True)
            _print_result(path.parent.name, results[path.parent.name])
    latency = seed_router_latency()
    if args.json:
        print(json.dumps({"datasets": results, "seed_router": latency}))
        return
    print(f"\nseed-corpus router: {latency['examples']} examples trained in {latency['train_seconds']} s; "
          f"route() p50 {latency['p50_ms']:.1f} ms, p95 {latency['p95_ms']:.1f} ms "
          f"(target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if latency['p95_ms'] <= TARGET_P95_MS else 'MISSED'}); "
          f"{latency['hangul_only_texts']} Hangul-only texts p95 {latency['hangul_only_p95_ms']:.1f} ms")


def _print_result(name: str, result: dict) -> None:
    header = ("data set", "model", "accuracy", "macro-F1", "cov@90%", "train s", "p50 ms", "p95 ms")
    print("{:24} {:9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}".format(*header))
    for model, m in result.items():
        print(f"{name:24} {model:9} {m['accuracy']:8.3f} {m['macro_f1']:8.3f} {m['coverage_at_90_precision']:8.3f} "
              f"{m['train_seconds']:8.1f} {m['latency_ms_p50']:7.1f} {m['latency_ms_p95']:7.1f}")
    ratio = result["router"]["macro_f1"] / result["baseline"]["macro_f1"]
    accuracy_ok = result["router"]["accuracy"] >= result["baseline"]["accuracy"]
    target = TARGET_F1_RATIO.get(name, DEFAULT_F1_RATIO)
    verdict = "met" if ratio >= target else "MISSED"
    print(f"{name:24} macro-F1 router/baseline {ratio:.3f} (target >= {target}: {verdict}); "
          f"accuracy >= baseline: {'met' if accuracy_ok else 'MISSED'}", flush=True)


if __name__ == "__main__":
    main()
