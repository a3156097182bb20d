"""Coding: event triggers, arguments, realis and actor resolution."""
