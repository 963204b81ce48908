"""The 14 technique labels of SemEval-2020 Task 11, in a fixed order (the model's outputs)."""

from __future__ import annotations

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

INDEX: dict[str, int] = {name: i for i, name in enumerate(TECHNIQUES)}

#: Label used for technique-agnostic spans (span identification, SI).
PROPAGANDA = "propaganda"
