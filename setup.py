"""Build hook: the wheel carries the training corpus and the calibration postings of the default model.

They live at data/labeled_postings.csv and data/calibration_postings.csv in the repository (and the
sdist, see MANIFEST.in); the wheel holds them in jobclass/data/, where `jobclass.home` looks for them
when jobclass runs from an installed wheel. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DEFAULT_MODEL_DATA = (Path("data", "labeled_postings.csv"), Path("data", "calibration_postings.csv"))


class build_py_with_corpus(build_py):  # noqa: N801 (setuptools' command naming)
    def run(self):
        super().run()
        if not self.editable_mode:  # an editable install reads the checkout's data/ directly
            for source in DEFAULT_MODEL_DATA:
                target = Path(self.build_lib, "jobclass", "data", source.name)
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": build_py_with_corpus})
