"""``make bench``'s screening: what screening a post for sensitive information costs, and how
often ordinary posts are marked (false positives).

Pure Python in this process, no database: ``accounts.posts.screening.screen`` on

- the bench's generated posts (``bench/data.py`` and the webhook's ``scripts/bench/load.py``
  write «Innlegg {n} om tjenestene i kommunen?» and «Når åpner badet igjen? ({n})»),
- the demo's ordinary posts (``accounts.posts.demo``; the one removed as sensitive left
  out),
- ``screening_ordinary.txt``: ordinary comments with what trips a screen (phone numbers of
  services, an account number, amounts, dates, case numbers, «Kreftforeningen»,
  «demensavdelingen», «fosterhjem», «psykisk helsetjeneste», «barnevernstjenesten»),
- and, for the hit rate, sensitive comments with identity numbers of the 2032 era (valid
  only under the new k1 rule, so none belongs to anyone today) and listed words,

with version 1's screening (the defaults) and with phone numbers and e-mail addresses on.
Prints a table; ``--json`` prints one JSON object (``scripts/bench/run.py`` puts it beside
the webhook's figure).

    .venv/bin/python -m scripts.bench.screening
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moskenes_social.settings.local")
    import django

    django.setup()


def _synthetic_number(rng: random.Random) -> str:
    """An identity number valid only under the 2032 rule (k1 remainder 1 to 3)."""
    from accounts.posts.screening import K1, K2

    while True:
        nine = [int(c) for c in f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}"]
        nine += [rng.randint(0, 9) for _ in range(5)]
        k1 = (rng.randint(1, 3) - sum(w * x for w, x in zip(K1[:9], nine, strict=True))) % 11
        k2 = -sum(w * x for w, x in zip(K2[:10], [*nine, k1], strict=True)) % 11
        if k1 <= 9 and k2 <= 9:
            return "".join(map(str, [*nine, k1, k2]))


def corpora(*, generated: int, seed: int) -> dict[str, list[str]]:
    from accounts.posts.demo import DEMO_POSTS, DEMO_SENSITIVE_ID

    rng = random.Random(seed)  # noqa: S311 - made-up numbers, seeded to repeat
    lines = (HERE / "screening_ordinary.txt").read_text(encoding="utf-8").splitlines()
    ordinary = [line for line in lines if line.strip() and not line.startswith("#")]
    sensitive = []
    for n in range(50):
        number = _synthetic_number(rng)
        sensitive += [
            f"Fødselsnummeret til sønnen min er {number}, kan dere sjekke saken?",
            f"Her er {number[:6]} {number[6:]} hvis dere trenger det.",
            f"Datteren min har fått diagnosen autisme, hvorfor får hun ikke assistent? ({n})",
            f"Barnevernet tok barna til naboen i går, det er en skandale ({n})",
        ]
    return {
        "bench (generated)": [
            *(f"Innlegg {n} om tjenestene i kommunen?" for n in range(generated)),
            *(f"Når åpner badet igjen? ({n})" for n in range(generated)),
        ],
        "demo (ordinary)": [
            spec.text
            for spec in DEMO_POSTS
            if spec.step != "remove" and spec.platform_id != DEMO_SENSITIVE_ID
        ],
        "ordinary comments": ordinary,
        "sensitive comments": sensitive,
    }


def _cost_us(texts: list[str], screening: Any, *, rounds: int) -> float:
    """Median microseconds a post over ``rounds`` passes (the first one warms the caches)."""
    from accounts.posts.screening import screen

    for text in texts:
        screen(text, screening)
    passes = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            screen(text, screening)
        passes.append((time.perf_counter() - start) / len(texts) * 1e6)
    return statistics.median(passes)


def measure(*, generated: int = 10_000, rounds: int = 5, seed: int = 1) -> dict[str, Any]:
    from accounts.posts.screening import screen
    from policy.parameters import DEFAULT_SCREENING, PersonalData, ScreeningParameters

    settings = {
        "version 1": DEFAULT_SCREENING,
        "with phone and e-mail": ScreeningParameters(
            terms=DEFAULT_SCREENING.terms, personal_data=frozenset(PersonalData.values)
        ),
    }
    rows = []
    for corpus, texts in corpora(generated=generated, seed=seed).items():
        for name, screening in settings.items():
            marked = [text for text in texts if screen(text, screening)]
            rows.append(
                {
                    "corpus": corpus,
                    "screening": name,
                    "posts": len(texts),
                    "marked": len(marked),
                    "rate": round(len(marked) / len(texts), 4),
                    "us_per_post": round(_cost_us(texts, screening, rounds=rounds), 2),
                    "examples": marked[:3] if corpus != "sensitive comments" else [],
                }
            )
    return {"terms": sum(len(t) for t in DEFAULT_SCREENING.terms), "rows": rows}


def table(result: dict[str, Any]) -> str:
    lines = [
        f"Screening ({result['terms']} forms in version 1's list)",
        f"{'corpus':<20} {'screening':<22} {'posts':>7} {'marked':>7} {'rate':>7} {'µs/post':>8}",
    ]
    for row in result["rows"]:
        lines.append(
            f"{row['corpus']:<20} {row['screening']:<22} {row['posts']:>7} {row['marked']:>7} "
            f"{row['rate']:>7.2%} {row['us_per_post']:>8.1f}"
        )
        lines += [f"    marked: {text}" for text in row["examples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generated", type=int, default=10_000, help="bench posts per pattern")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args(argv)
    _setup()
    result = measure(generated=args.generated, rounds=args.rounds)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
