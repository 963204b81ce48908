"""The analysis pipeline: an ordered list of components, each adding one annotation layer.

A component is any object with a ``name`` (the layer it writes) and a pure ``predict``
that returns spans for an article.  Adding the technique tagger, claims or fingerprints is
a matter of registering a component; nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from propwatch.model import Article, Span

log = logging.getLogger(__name__)


@runtime_checkable
class Component(Protocol):
    name: str

    def predict(self, article: Article) -> list[Span]: ...


ComponentFactory = Callable[[], Component]

_REGISTRY: dict[str, ComponentFactory] = {}


def register(name: str, factory: ComponentFactory) -> None:
    """Make a component available to pipelines under ``name`` (its layer name)."""
    _REGISTRY[name] = factory


def registered() -> list[str]:
    return list(_REGISTRY)


class Pipeline:
    def __init__(self, components: Iterable[Component]) -> None:
        self.components = list(components)

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Pipeline:
        from propwatch.errors import ConfigError

        components = []
        for name in names:
            if name not in _REGISTRY:
                known = ", ".join(sorted(_REGISTRY))
                raise ConfigError(f"unknown component '{name}'; known components: {known}")
            components.append(_REGISTRY[name]())
        return cls(components)

    def __call__(self, article: Article) -> Article:
        for component in self.components:
            article.add_layer(component.name, component.predict(article))
        return article
