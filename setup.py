"""Build hook: the wheel carries the training corpus of the default model.

The corpus lives at data/labeled_postings.csv in the repository (and the sdist, see MANIFEST.in); the
wheel holds it as jobclass/data/labeled_postings.csv, where `jobclass.home` looks for it when jobclass
runs from an installed wheel. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CORPUS = Path("data", "labeled_postings.csv")


class build_py_with_corpus(build_py):  # noqa: N801 (setuptools' command naming)
    def run(self):
        super().run()
        if not self.editable_mode:  # an editable install reads the checkout's data/ directly
            target = Path(self.build_lib, "jobclass", "data", CORPUS.name)
            self.mkpath(str(target.parent))
            self.copy_file(str(CORPUS), str(target))


setup(cmdclass={"build_py": build_py_with_corpus})
