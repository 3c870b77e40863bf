"""Data-donation campaigns: donors give masked, consented data to public campaigns and can take it back."""
