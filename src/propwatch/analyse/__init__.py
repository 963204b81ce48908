"""Analysis: a pipeline of components, each adding one layer of character spans."""

from propwatch.analyse.language import Language
from propwatch.analyse.pipeline import Component, Pipeline, register, registered
from propwatch.analyse.sentences import Sentences

register("sentences", Sentences)
register("language", Language)

__all__ = ["Component", "Pipeline", "register", "registered"]
