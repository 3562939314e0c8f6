"""Text: articles from files, the story body, sentences, folding for matching."""
