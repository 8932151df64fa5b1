"""The re-read passes of one page, each a module with one entry that takes the first pass's words and returns them
improved: korean and numbers read crops of the OCR copy (words, copy, work_png, timeout, cfg); address_bar and
clock read crops of the page's original pixels (words, gray, copy_size, work_png, timeout, cfg)."""
