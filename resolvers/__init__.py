"""Resolvers: parse, authorise, call one service, map the result. No business rules here."""
