"""Drawn chart images are read back by key where a cache folder is named (:mod:`tradetalks.charts.image_cache`),
and only there; the key holds everything an image depends on."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tradetalks.charts import image_cache, render


def spec(title: str = "Two points") -> dict:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "title": title, "mark": "point",
            "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 1}]},
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(image_cache.ENV, str(tmp_path / "charts"))
    return tmp_path / "charts"


def test_without_a_cache_folder_every_image_is_drawn_and_nothing_written(tmp_path, monkeypatch):
    monkeypatch.delenv(image_cache.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert render.chart_png(spec()).startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == []


def test_an_image_is_drawn_once_then_read_back(cache, monkeypatch):
    first = render.chart_png(spec())
    assert [p.suffix for p in cache.iterdir()] == [".png"]

    import vl_convert

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(vl_convert, "vegalite_to_png", no_drawing)
    assert render.chart_png(spec()) == first
    with pytest.raises(AssertionError, match="drawn again"):
        render.chart_png(spec("Another title"))  # another specification: another key


def test_the_key_holds_the_specification_the_version_and_the_scale():
    keys = {image_cache.key("{}", "v6_4", 1.0), image_cache.key('{"a":1}', "v6_4", 1.0),
            image_cache.key("{}", "v6_1", 1.0), image_cache.key("{}", "v6_4", 2.0)}
    assert len(keys) == 4 and image_cache.key("{}", "v6_4", 1) == image_cache.key("{}", "v6_4", 1.0)


def test_a_damaged_entry_is_drawn_again(cache):
    first = render.chart_png(spec())
    (entry,) = cache.glob("*.png")
    entry.write_bytes(b"not an image")
    assert render.chart_png(spec()) == first
    assert entry.read_bytes() == first


def test_only_the_most_recently_used_images_are_kept(tmp_path):
    for n in range(5):
        path = tmp_path / f"{n}.png"
        path.write_bytes(b"\x89PNG")
        os.utime(path, ns=(n * 10**9, n * 10**9))
    assert image_cache.prune(tmp_path, keep=2) == 3
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["3.png", "4.png"]


def test_vl_convert_draws_a_specification_to_the_same_bytes_in_another_process(monkeypatch):
    """What makes reading images back sound: nbval, reading the build's images, would not see a
    drawing that differs from process to process; this would."""
    monkeypatch.delenv(image_cache.ENV, raising=False)
    here = render.chart_png(spec())
    code = ("import sys, json; from tradetalks.charts import render; "
            "sys.stdout.buffer.write(render.chart_png(json.loads(sys.argv[1])))")
    env = {k: v for k, v in os.environ.items() if k != image_cache.ENV}
    there = subprocess.run([sys.executable, "-c", code, json.dumps(spec())], capture_output=True, check=True,
                           env=env).stdout
    assert there == here


def test_a_cache_folder_that_cannot_be_used_only_means_drawing(tmp_path, monkeypatch):
    """Named but unusable (here a file, not a folder): every image is drawn, nothing fails."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    monkeypatch.setenv(image_cache.ENV, str(blocker))
    assert render.chart_png(spec()).startswith(b"\x89PNG")
    assert blocker.read_text(encoding="utf-8") == "a file"
