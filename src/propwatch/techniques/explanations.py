"""Plain-language explanations of the 14 techniques, written for propwatch.

Every technique span carries ``data["explanation_key"]`` = its technique name; the report
shows ``EXPLANATIONS[key]`` (a plain dict: name, definition, example, check) with the span.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Explanation:
    name: str  # short human name
    definition: str  # what the technique does, one or two sentences
    example: str  # an invented example
    check: str  # what a reader can check to decide for themselves


_DEFS: dict[str, Explanation] = {
    "Appeal_to_Authority": Explanation(
        "Appeal to authority",
        "A claim is presented as true mainly because some expert, official or celebrity said "
        "it, not because of the evidence behind it.",
        '"A Nobel laureate agrees: the new tax will ruin the economy."',
        "Is the person an expert on this very question, and is their evidence given?",
    ),
    "Appeal_to_fear-prejudice": Explanation(
        "Appeal to fear or prejudice",
        "Support for an idea is built by making readers afraid of an alternative or by "
        "playing on existing prejudice against a group.",
        '"If these migrants are let in, no neighbourhood will be safe."',
        "Is the danger described with evidence, or only with alarming words?",
    ),
    "Bandwagon,Reductio_ad_hitlerum": Explanation(
        "Bandwagon / guilt by association",
        "Readers are pushed to agree because 'everyone' does, or to reject something because "
        "a hated person or group supports it.",
        '"Millions have already switched - don\'t be left behind." / "Dictators loved '
        'this policy too."',
        "Does popularity, or who else likes it, say anything about whether it is right?",
    ),
    "Black-and-White_Fallacy": Explanation(
        "Black-and-white thinking",
        "Only two options are offered, as if no middle ground or other choices existed; "
        "includes demands to pick a side.",
        '"Either you back this bill or you want criminals on our streets."',
        "Are there other options the text leaves out?",
    ),
    "Causal_Oversimplification": Explanation(
        "Causal oversimplification",
        "A complex outcome is blamed on one single cause, or one event is said to cause "
        "another without showing how.",
        '"Prices went up the week she took office, so she caused inflation."',
        "Could other causes explain it? Is the causal link shown or just asserted?",
    ),
    "Doubt": Explanation(
        "Casting doubt",
        "The credibility of a person or institution is questioned, often by insinuation "
        "rather than by evidence.",
        '"Can we really trust a minister who once worked for a bank?"',
        "Is there a concrete reason given for the doubt, or only a suggestion?",
    ),
    "Exaggeration,Minimisation": Explanation(
        "Exaggeration or minimisation",
        "Something is made to look far bigger or far smaller than it is.",
        '"The worst scandal in human history." / "It was just a little accounting slip."',
        "Compare with the facts the article gives: does the size match the words?",
    ),
    "Flag-Waving": Explanation(
        "Flag-waving",
        "An idea is justified by appealing to patriotism or to the identity of a group "
        "(nation, religion, party) instead of by arguments.",
        '"Every true patriot will stand behind our soldiers on this."',
        "Take away the appeal to the group: what argument is left?",
    ),
    "Loaded_Language": Explanation(
        "Loaded language",
        "Words with strong emotional charge are used to make readers feel something about "
        "the subject, beyond what the facts say.",
        '"The regime\'s brutal, shameless power grab."',
        "Rewrite the sentence in neutral words: does the claim still stand?",
    ),
    "Name_Calling,Labeling": Explanation(
        "Name calling / labelling",
        "A person or group is given a label meant to make readers like or, more often, "
        "despise them.",
        '"The radical globalists in parliament voted again."',
        "Is the label a fair description, or a way to avoid discussing what they do?",
    ),
    "Repetition": Explanation(
        "Repetition",
        "The same message or phrase is repeated so that it sticks and starts to feel true.",
        '"Secure borders. We need secure borders. Only secure borders keep us safe."',
        "Does repeating the phrase add any new evidence?",
    ),
    "Slogans": Explanation(
        "Slogan",
        "A short, catchy phrase stands in for an argument, often with labelling or stereotyping.",
        '"Take our country back!"',
        "What concrete claim does the slogan make, and is it supported?",
    ),
    "Thought-terminating_Cliches": Explanation(
        "Thought-terminating cliché",
        "A stock phrase that discourages further thinking or discussion of a topic.",
        '"It is what it is." / "Enough said."',
        "Which question does the phrase stop you from asking?",
    ),
    "Whataboutism,Straw_Men,Red_Herring": Explanation(
        "Whataboutism / straw man / red herring",
        "The opponent's point is answered by pointing at their supposed hypocrisy, by "
        "attacking a distorted version of it, or by changing the subject.",
        '"You criticise our emissions? What about your country\'s coal plants?"',
        "Does the reply actually address the original point?",
    ),
}

#: Technique -> {"name", "definition", "example", "check"} (plain data for report and export).
EXPLANATIONS: dict[str, dict[str, str]] = {k: asdict(v) for k, v in _DEFS.items()}


def explanation(technique: str) -> Explanation:
    return _DEFS[technique]


def explanations_json() -> dict[str, dict[str, str]]:
    """All explanations as plain data (a copy; for the report's legend and hover text)."""
    return {k: dict(v) for k, v in EXPLANATIONS.items()}
