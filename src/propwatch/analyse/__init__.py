"""Analysis: a pipeline of components, each adding one layer of character spans."""

from propwatch.analyse.language import Language
from propwatch.analyse.pipeline import Component, Pipeline, register, registered
from propwatch.analyse.sentences import Sentences

register("sentences", Sentences)
register("language", Language)

DEFAULT_COMPONENTS = ["sentences", "language"]

__all__ = ["DEFAULT_COMPONENTS", "Component", "Pipeline", "register", "registered"]
