"""Search: the query language, compiled to whoosh, run with facet masks, ranked, highlighted and cited.

``query`` parses what the user typed; ``compile`` turns it into whoosh queries; ``state`` holds
what one index generation needs; ``service.SearchService`` is the one search API.
"""
