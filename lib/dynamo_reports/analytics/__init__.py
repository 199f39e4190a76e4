"""Pure functions over DataFrames (no I/O, no boto3): one module per report."""
