"""Synthetic labelled requests for the triage tests: four categories with their own vocabulary and
shared filler, generated from a seed (the shared development CSV is never used in tests)."""

import csv
import random
from pathlib import Path

VOCABULARY = {
    "sanitation": ["垃圾", "清运", "保洁", "垃圾桶", "异味", "环卫工", "垃圾站", "堆放", "苍蝇"],
    "noise": ["噪音", "扰民", "夜间施工", "广场舞", "音响", "吵闹", "分贝", "睡不着", "喇叭"],
    "parking": ["停车", "车位", "乱停", "电动车", "充电桩", "占道", "挡住", "车库", "堵车"],
    "water": ["停水", "水管", "漏水", "水压", "自来水", "下水道", "爆管", "水表", "渗水"],
}
PLACES = ["瓜州路社区", "西站街道", "七里河区", "敦煌路", "3号楼", "幸福小区", "B栋", "金港城"]
FILLER = ["居民反映", "希望尽快处理", "已经持续很久", "多次反映无果", "请相关部门", "非常影响生活", "麻烦看一下", "谢谢"]
LABELS = sorted(VOCABULARY)


def request_text(label: str, rng: random.Random) -> tuple[str, str]:
    words = VOCABULARY[label]
    title = f"{rng.choice(PLACES)}{rng.choice(words)}问题" if rng.random() < 0.5 else ""
    parts = [rng.choice(FILLER), f"{rng.choice(PLACES)}{rng.randint(1, 30)}号"]
    parts += rng.sample(words, 3)
    parts += [rng.choice(FILLER), rng.choice(FILLER)]
    rng.shuffle(parts)
    return title, "，".join(parts) + "。"


def rows(n_per_label: int = 60, *, seed: int = 0, labels=LABELS) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    titles, texts, ys = [], [], []
    for _ in range(n_per_label):
        for label in labels:
            title, text = request_text(label, rng)
            titles.append(title)
            texts.append(text)
            ys.append(label)
    return titles, texts, ys


def write_csv(path: Path, data, *, with_id: bool = True) -> Path:
    titles, texts, labels = data
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text", "label"] if with_id else ["title", "text", "label"])
        for i, row in enumerate(zip(titles, texts, labels, strict=True), start=1):
            writer.writerow([i, *row] if with_id else list(row))
    return path
