"""The four role labels and their display names: the one place they are written down."""

LABELS: tuple[str, ...] = ("ml_engineer", "data_scientist", "ml_scientist", "ai_scientist")

DISPLAY_NAMES: dict[str, str] = {
    "ml_engineer": "Machine Learning Engineer",
    "data_scientist": "Data Scientist",
    "ml_scientist": "Machine Learning Scientist",
    "ai_scientist": "AI Scientist",
}
