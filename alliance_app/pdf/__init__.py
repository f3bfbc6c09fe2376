"""The PDF foundation every printed document uses: a CJK font found once per
process, escaped text, page numbers, metadata."""
