"""Ranking metrics for the judged query sets: MRR, recall@k and nDCG@k (binary gains)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable


def evaluate_set(
    judged: Iterable[tuple[str, str, set[str]]], search: Callable[[str], list[str]], k: int = 10
) -> dict:
    """Run every judged query through `search(q) -> titles`; return the figures.

    MRR uses the rank of the first relevant title in the top k; recall@k the share of the
    relevant titles found there (out of at most k); nDCG@k the discounted gain of the relevant
    titles found, over the best possible ordering.
    """
    judged = list(judged)
    reciprocal, recalls, ndcgs, misses = [], [], [], []
    by_kind: dict[str, dict[str, list[float]]] = {}
    for query, kind, relevant in judged:
        titles = search(query)[:k]
        rank = next((i + 1 for i, title in enumerate(titles) if title in relevant), None)
        rr = 1.0 / rank if rank else 0.0
        recall = len(relevant & set(titles)) / min(len(relevant), k)
        dcg = sum(1 / math.log2(i + 2) for i, title in enumerate(titles) if title in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
        ndcg = dcg / ideal
        reciprocal.append(rr)
        recalls.append(recall)
        ndcgs.append(ndcg)
        figures = by_kind.setdefault(kind, {"mrr": [], "recall": [], "ndcg": []})
        figures["mrr"].append(rr)
        figures["recall"].append(recall)
        figures["ndcg"].append(ndcg)
        if rank != 1 or recall < 1:
            misses.append((query, rank, round(recall, 2), titles[:3]))
    return {
        "queries": len(judged),
        "mrr": _mean(reciprocal),
        "recall_at_10": _mean(recalls),
        "ndcg_at_10": _mean(ndcgs),
        "by_kind": {
            kind: {name: _mean(values) for name, values in figures.items()} | {"n": len(f)}
            for kind, figures in by_kind.items()
            for f in [figures["mrr"]]
        },
        "mrr_by_kind": {kind: _mean(f["mrr"]) for kind, f in by_kind.items()},
        "not_first": [(q, rank, top) for q, rank, _recall, top in misses if rank != 1],
        "misses": misses,
    }


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def report(label: str, figures: dict) -> str:
    lines = [
        f"[{label}] {figures['queries']} judged queries: MRR {figures['mrr']:.3f}, "
        f"recall@10 {figures['recall_at_10']:.3f}, nDCG@10 {figures['ndcg_at_10']:.3f}"
    ]
    for kind, values in figures["by_kind"].items():
        lines.append(
            f"  {kind:12s} n={values['n']:3d} MRR {values['mrr']:.3f} "
            f"recall@10 {values['recall']:.3f} nDCG@10 {values['ndcg']:.3f}"
        )
    for query, rank, recall, top in figures["misses"]:
        lines.append(f"  miss: {query!r} rank={rank} recall={recall} top={top}")
    return "\n".join(lines)
