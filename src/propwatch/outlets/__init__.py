"""Outlets: one profile per outlet (``profile.outlets``)."""

from propwatch.outlets.profile import Outlet, outlets

__all__ = ["Outlet", "outlets"]
