"""Exceptions the library raises; the CLI turns each into one line on stderr."""


class JobclassError(Exception):
    """Base class for errors a user can act on."""


class InputError(JobclassError):
    """A posting or input file cannot be read or is not usable text."""


class DataError(JobclassError):
    """A labeled data file is missing columns, has unknown labels or too little data."""


class ModelError(JobclassError):
    """A model file is missing, tampered with, or was written by an incompatible version."""


class TaxonomyError(JobclassError):
    """A skills taxonomy file is malformed: bad JSON, unknown category, empty name, duplicate alias."""


class ProfileError(JobclassError):
    """A role profiles file is malformed: bad TOML, unknown field, bad weight, unknown taxonomy id."""
