"""Where the default model and the corpus are: the checkout's folders, an installed wheel's, JOBCLASS_HOME."""

from pathlib import Path

from jobclass import classifier, home

from .conftest import ROOT


def test_in_a_checkout_the_corpus_is_data_and_the_default_model_lives_in_models(monkeypatch):
    monkeypatch.delenv("JOBCLASS_HOME", raising=False)
    assert home.checkout_root() == ROOT
    assert home.corpus_path() == ROOT / "data" / "labeled_postings.csv" == classifier.DEFAULT_DATA
    assert classifier.default_model_path() == ROOT / "models" / "jobclass.joblib"


def test_an_installed_package_uses_its_own_corpus_and_the_user_cache(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    monkeypatch.setattr(home, "SOURCE_ROOT", site)
    monkeypatch.setattr(home, "PACKAGE_DIR", site / "jobclass")
    monkeypatch.delenv("JOBCLASS_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert home.checkout_root() is None
    assert home.corpus_path() == site / "jobclass" / "data" / "labeled_postings.csv"
    assert home.default_model_path() == tmp_path / "cache" / "jobclass" / "jobclass.joblib"


def test_jobclass_home_overrides_the_checkout_and_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBCLASS_HOME", str(tmp_path / "mine"))
    assert classifier.default_model_path() == tmp_path / "mine" / "jobclass.joblib"
    monkeypatch.setattr(home, "SOURCE_ROOT", tmp_path / "site-packages")
    assert home.default_model_path() == tmp_path / "mine" / "jobclass.joblib"
    assert home.model_home({"JOBCLASS_HOME": "~/models"}) == Path.home() / "models"
