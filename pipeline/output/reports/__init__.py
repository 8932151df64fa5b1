"""Report writers: report.json of a bundle, check, scan and batch output."""
