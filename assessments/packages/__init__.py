"""What H5P and SCORM packages share: the safe extraction of an uploaded ZIP archive."""
