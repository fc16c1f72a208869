"""Ingestion: one file in, one :class:`indexer.model.Report` out.

readers/ (one module per format) -> clean -> structure -> metadata, themes, glossary;
``pipeline.parse_report`` runs the stages for one file. Nothing here knows about whoosh.
"""
