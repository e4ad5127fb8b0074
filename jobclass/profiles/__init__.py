"""Role profiles: the rules file (`rules`) and how well a posting fits each profile (`fit`)."""

from jobclass.profiles.rules import DEFAULT_PROFILES, Profile, Profiles, load_profiles

__all__ = ["DEFAULT_PROFILES", "Profile", "Profiles", "load_profiles"]
