"""Reading: text and words of a page, from a PDF text layer or Tesseract OCR, with the images made ready for it."""
