"""The life of a submission, shared by the citizen and staff sides: creation, workflow, photos, queries."""
