"""`skip_empty_msgpack_plugin_lookups`: srsly stops scanning for msgpack plug-ins only
when there are none, and serialisation (numpy arrays, docs between processes) still
works with its built-in encoders."""

from __future__ import annotations

import numpy as np
import spacy
import srsly

from fogwatch.nlp.pipeline import skip_empty_msgpack_plugin_lookups

REGISTRIES = (srsly.msgpack_encoders, srsly.msgpack_decoders)


def test_lookups_stop_when_no_plugin_is_installed(monkeypatch):
    for registry in REGISTRIES:
        monkeypatch.setattr(registry, "entry_points", True)
        assert list(registry._get_entry_points()) == []  # this environment has none
    assert skip_empty_msgpack_plugin_lookups() == 2
    assert all(r.entry_points is False for r in REGISTRIES)
    array = np.arange(6, dtype="float32").reshape(2, 3)
    assert np.array_equal(srsly.msgpack_loads(srsly.msgpack_dumps({"a": array}))["a"], array)
    nlp = spacy.blank("en")
    doc = nlp("Shelling killed three people in Idlib.")
    doc.user_data["drafts"] = [{"start": 0, "end": 8}]
    back = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert back.text == doc.text and back.user_data["drafts"] == [{"start": 0, "end": 8}]


def test_lookups_stay_when_a_plugin_is_installed(monkeypatch):
    for registry in REGISTRIES:
        monkeypatch.setattr(registry, "entry_points", True)
    monkeypatch.setattr(srsly.msgpack_decoders, "_get_entry_points", lambda: ["a plug-in"])
    assert skip_empty_msgpack_plugin_lookups() == 1
    assert srsly.msgpack_decoders.entry_points is True
    assert srsly.msgpack_encoders.entry_points is False
