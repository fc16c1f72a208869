"""The index on disk: the whoosh schema, generations and their durable switch, the writers, an indexing run, check.

``schema`` maps a paragraph to its whoosh document; ``generations`` owns the index folder;
``indexing`` runs plan -> parse -> write -> publish; ``check`` compares the index with the corpus.
"""
