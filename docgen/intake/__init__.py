"""Getting a history in: the guided interview, spreadsheet and FHIR import, and editing a case
file in place (comments kept)."""
