"""
News partners who read our stories through the Partner API (articles.api): each with one API
key, kept only as its SHA-256 digest, and a scope (every section, or some). Written only
through `newsroom.partners.services`, every change recorded in the audit log.
"""
