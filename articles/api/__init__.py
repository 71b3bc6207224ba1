"""
The Partner API: read-only HTTP endpoints serving our published stories as IPTC ninjs (3.1, or
2.2 on request) to news partners, each by its API key and within its scope
(newsroom.partners). docs/partner-api.md describes it for partners.

Every read starts from `Article.objects.published()`: drafts, stories in review, scheduled,
unpublished and embargoed ones are never served. Responses are the partner's own: no cache
shared between clients keeps them (Cache-Control: private, Vary on the key's headers), and the
page cache neither answers nor keeps a request carrying a key (articles.caching.address).
"""
