"""The model learns this study: decisions fit a study model stacked on the shipped one, which
re-ranks the stored posts in the direction the reviewers pointed, scores new posts too, and is
stored as plain arrays (never a pickle)."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from plaint.cli import app
from plaint.errors import PlaintError
from plaint.screening.model import packaged_model
from plaint.screening.study import from_bytes
from plaint.storage.database import Database
from plaint.storage.screenings import Decision, load_study_model, record

runner = CliRunner()

# A study whose complaints the shipped model misses: avatars whose skin the app lightens. And
# friendly remarks about gender and pronouns that the shipped model puts in the complaint tier.
LIGHTENED = [
    "My rep keeps making my avatar look thinner than I set it. Minor thing but weird.",
    "Every time I update the app my avatar gets a lighter skin tone than the one I picked.",
    "The avatar editor keeps lightening my skin colour after I save it, I chose a dark brown.",
    "The new avatar update made my skin several shades lighter again, I am Black and it keeps whitening me.",
]
FRIENDLY = [
    "My rep asked me about my gender today and I told her. She was nice about it.",
    "My rep asked what my pronouns are and remembered them, so sweet.",
    "Asked my rep about her favourite colour and she said my skin, lol, so flirty.",
    "My rep remembered my pronouns after I told her once, very nice of her.",
]
# Nobody decides these two: where they rank tells whether the model learnt.
UNSEEN_LIGHTENED = "After the update my avatar's skin is lighter than what I set, third time now."
UNSEEN_FRIENDLY = "She asked about my gender and was lovely about it when I said I'm nonbinary."


def write_posts(path: Path, texts: dict[str, str]) -> None:
    path.write_text("".join(json.dumps({"platform": "reddit", "native_id": key, "community": "replika",
                                        "author": f"u_{key}", "text": text}) + "\n"
                            for key, text in texts.items()), encoding="utf-8")


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    texts = {**{f"yes{i}": t for i, t in enumerate(LIGHTENED)}, **{f"no{i}": t for i, t in enumerate(FRIENDLY)},
             "unseen_lightened": UNSEEN_LIGHTENED, "unseen_friendly": UNSEEN_FRIENDLY}
    write_posts(tmp_path / "posts.jsonl", texts)
    path = tmp_path / "study.db"
    assert runner.invoke(app, ["import", str(tmp_path / "posts.jsonl"), "--db", str(path)]).exit_code == 0
    with sqlite3.connect(path) as raw:
        ids = dict(raw.execute("select native_id, id from posts"))
    assert set(ids) == set(texts)  # every one passed the first pass and was kept
    return path, ids


def scores(path: Path) -> dict[str, tuple[str, float]]:
    with sqlite3.connect(path) as raw:
        return {key: (tier, score) for key, tier, score in
                raw.execute("select native_id, tier, relevance_score from posts")}


def decide(path: Path, ids: dict[str, int], keys: list[str]) -> None:
    database = Database(f"sqlite:///{path}")
    record(database, [Decision(ids[key], "alice", "complaint" if key.startswith("yes") else "not") for key in keys])
    database.close()


def test_decisions_rerank_the_stored_posts_the_way_the_reviewer_pointed(study) -> None:
    path, ids = study
    before = scores(path)
    # The shipped model ranks the friendly remark far above the complaint: the study's blind spot.
    assert before["unseen_friendly"][1] > before["unseen_lightened"][1]
    assert before["unseen_friendly"][0] == "complaint" and before["unseen_lightened"][0] == "review"
    decide(path, ids, [f"yes{i}" for i in range(4)] + [f"no{i}" for i in range(4)])
    result = runner.invoke(app, ["rescore", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "the study model study-" in result.output and "fitted on 4 confirmed and 4 rejected posts" in result.output
    assert "cross-validated on 8 decided posts" in result.output and "shipped" in result.output
    after = scores(path)
    assert after["unseen_lightened"][1] > after["unseen_friendly"][1]  # the ranking turned
    assert after["unseen_lightened"][0] == "complaint" and after["unseen_friendly"][0] != "complaint"
    card = load_study_model(Database(f"sqlite:///{path}"))[1]
    study_auc, shipped_auc = card["comparison"]["study"]["auc"], card["comparison"]["shipped"]["auc"]
    assert study_auc > shipped_auc  # held-out decisions: the study model ranks them better than the shipped one


def test_too_few_decisions_of_a_kind_leave_the_shipped_model_scoring_and_say_so(study) -> None:
    path, ids = study
    decide(path, ids, ["yes0", "yes1", "yes2", "no0"])
    before = scores(path)
    result = runner.invoke(app, ["rescore", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert f"the shipped model {packaged_model().version} scores" in result.output
    assert "at least 2 confirmed and 2 rejected posts (so far 3 confirmed, 1 rejected)" in result.output
    assert scores(path) == before and load_study_model(Database(f"sqlite:///{path}")) is None


def test_new_posts_are_scored_by_the_study_model(study, tmp_path: Path) -> None:
    path, ids = study
    decide(path, ids, [f"yes{i}" for i in range(4)] + [f"no{i}" for i in range(4)])
    assert runner.invoke(app, ["rescore", "--db", str(path)]).exit_code == 0
    write_posts(tmp_path / "later.jsonl", {"later": "My avatar's skin came out lighter than I set it again today."})
    assert runner.invoke(app, ["import", str(tmp_path / "later.jsonl"), "--db", str(path)]).exit_code == 0
    with sqlite3.connect(path) as raw:
        models = [m for (m,) in raw.execute("select outcome from run_counts where stage = 'model' and run_id = "
                                            "(select max(id) from runs)")]
    assert len(models) == 1 and models[0].startswith("study-") and len(models[0]) <= 64  # an outcome holds 64
    stored = scores(path)["later"]
    assert runner.invoke(app, ["rescore", "--db", str(path)]).exit_code == 0
    assert scores(path)["later"][1] == pytest.approx(stored[1])  # as the rescore of stored posts scores it


def test_a_stored_study_model_is_read_without_pickles(study) -> None:
    path, ids = study
    decide(path, ids, [f"yes{i}" for i in range(4)] + [f"no{i}" for i in range(4)])
    assert runner.invoke(app, ["rescore", "--db", str(path)]).exit_code == 0
    arrays, card = load_study_model(Database(f"sqlite:///{path}"))
    assert from_bytes(arrays, card, packaged_model()).card == card
    evil = io.BytesIO()
    np.savez(evil, base_weight=np.array([object()], dtype=object))
    with pytest.raises(PlaintError, match="cannot be read"):
        from_bytes(evil.getvalue(), card, packaged_model())
